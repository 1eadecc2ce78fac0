"""Subscribing, confirming, changing preferences and unsubscribing: what the pages and e-mails do.

Subscribing never tells a stranger whether an address is subscribed: the page says "check your
inbox" either way, and the address receives a confirmation link (new or not yet confirmed
subscriptions) or its management link (already confirmed ones: preferences only change through
the link the owner of the address holds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from paperhaul.community.models import Collection
from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.notify import mail
from paperhaul.notify.keywords import KeywordFilter
from paperhaul.notify.models import Interest, NotInterested, Subscription
from paperhaul.notify.sources import saved_search
from paperhaul.papers.models import Category, Paper

MAX_CATEGORIES = 20
# The interests that need no value: the rest name a category, a topic or a search.
PLAIN_KINDS = (
    Interest.Kind.TRENDING,
    Interest.Kind.DAILY,
    Interest.Kind.HAULS,
    Interest.Kind.NEWSLETTER,
    Interest.Kind.FOR_YOU,
)


@dataclass(frozen=True)
class Preferences:
    """Everything a subscriber chooses, validated (see preferences())."""

    frequency: str
    interests: tuple[tuple[str, str], ...]  # (kind, value)
    keywords: KeywordFilter


def preferences(
    *,
    frequency: str,
    kinds: set[str],
    categories: tuple[str, ...] = (),
    topics: Iterable[Topic] = (),
    search: str = "",
    lists: Iterable[Collection] = (),
    keywords: KeywordFilter | None = None,
) -> Preferences:
    """Validated preferences: known categories (in their library spelling), topics of the taxonomy,
    a searchable query, shared lists; ``kinds`` are the interests without a value (PLAIN_KINDS).
    Raises InputError."""
    if frequency not in Subscription.Frequency.values:
        raise InputError(f"unknown frequency {frequency!r}: use daily or weekly")
    interests = [(kind.value, "") for kind in PLAIN_KINDS if kind in kinds]
    interests += [(Interest.Kind.CATEGORY.value, name) for name in known_categories(categories)]
    interests += [(Interest.Kind.TOPIC.value, str(topic.pk)) for topic in dict.fromkeys(topics)]
    if search.strip():
        interests.append((Interest.Kind.SEARCH.value, search_value(search)))
    interests += [(Interest.Kind.LIST.value, str(found.pk)) for found in dict.fromkeys(lists)]
    if not interests:
        raise InputError("choose at least one thing to receive")
    return Preferences(frequency, tuple(interests), keywords or KeywordFilter())


def known_categories(names: tuple[str, ...]) -> list[str]:
    """The categories as the library spells them; raises InputError naming the unknown ones."""
    names = tuple(dict.fromkeys(n for n in names if n))
    if len(names) > MAX_CATEGORIES:
        raise InputError(f"at most {MAX_CATEGORIES} categories, not {len(names)}")
    spelled = {name.lower(): name for name in Category.objects.values_list("name", flat=True)}
    unknown = [n for n in names if n.lower() not in spelled]
    if unknown:
        raise InputError(f"no paper in the library is listed in {', '.join(unknown)}")
    return [spelled[n.lower()] for n in names]


def search_value(query: str) -> str:
    """The query string a saved search keeps (as /search/ and /feeds/search.rss take it).

    Raises InputError for a search that cannot run again and again (see sources.saved_search)."""
    value = urlencode({"q": " ".join(query.split())})
    if len(value) > Interest._meta.get_field("value").max_length:
        raise InputError("the saved search is too long")
    saved_search(value, newest=True)
    return value


def normalise_email(email: str) -> str:
    return email.strip().lower()


def subscribe(email: str, prefs: Preferences) -> Subscription:
    """Ask ``email`` to confirm these preferences, or send it its management link when confirmed.

    Raises mail.MailUnavailable when the e-mail cannot be handed to the mail server.
    """
    with transaction.atomic():
        subscription, _ = Subscription.objects.select_for_update().get_or_create(email=normalise_email(email))
        confirmed = subscription.state == Subscription.State.ACTIVE
        if not confirmed:
            subscription.state = Subscription.State.PENDING
            apply(subscription, prefs)
    mail.send_now(
        mail.already_subscribed_message(subscription)
        if confirmed
        else mail.confirmation_message(subscription)
    )
    return subscription


def confirm(subscription: Subscription) -> Subscription:
    """Start sending to a pending subscription (following the link proved the address is theirs)."""
    if subscription.state == Subscription.State.PENDING:
        _activate(subscription)
    return subscription


def resubscribe(subscription: Subscription) -> Subscription:
    """Start sending again after an unsubscription or a suspension (from the management link)."""
    _activate(subscription)
    return subscription


def _activate(subscription: Subscription) -> None:
    subscription.state = Subscription.State.ACTIVE
    subscription.confirmed_at = subscription.confirmed_at or timezone.now()
    subscription.unsubscribed_at = subscription.suspended_at = None
    subscription.hard_failures = 0
    subscription.save()


def update(subscription: Subscription, prefs: Preferences) -> Subscription:
    with transaction.atomic():
        apply(subscription, prefs)
    return subscription


def apply(subscription: Subscription, prefs: Preferences) -> None:
    """Save the preferences on the subscription (inside the caller's transaction)."""
    subscription.frequency = prefs.frequency
    subscription.keyword_filter = prefs.keywords
    subscription.save()
    subscription.interests.all().delete()
    Interest.objects.bulk_create(
        Interest(subscription=subscription, kind=kind, value=value) for kind, value in prefs.interests
    )


def unsubscribe(subscription: Subscription) -> Subscription:
    """Stop every e-mail to the address; doing it twice changes nothing."""
    if subscription.state != Subscription.State.UNSUBSCRIBED:
        subscription.state = Subscription.State.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["state", "unsubscribed_at"])
    return subscription


def dismiss(subscription: Subscription, paper: Paper) -> None:
    """Never send this paper to the subscriber again ("not interested")."""
    NotInterested.objects.get_or_create(subscription=subscription, paper=paper)


def saved_query(value: str) -> str:
    """The words of a saved search, as its subscriber typed them."""
    return QueryDict(value).get("q", "")
