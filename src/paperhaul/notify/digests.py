"""What goes into a subscriber's digest for a period, decided once and written down.

A digest is planned (its papers chosen and saved as DigestEntry rows) before it is sent, so a
run that is resumed sends exactly what was planned, and the entries of sent digests are what
"already received" means: no later digest repeats a paper (or a haul), nor includes one the
subscriber marked "not interested", nor one their keyword filters reject.

Each interest is a section; a paper appears in the first section that has it. The newsletter is
no section: a haul chosen that way is sent whole when the curator sends it (newsletter.py), and a
haul received so is not listed again under "New hauls". Sources look back
a few days (LOOKBACK_DAYS) rather than at one exact day, since arXiv lists papers a day or more
after their date and a run may come late: what was sent already is never sent again anyway.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from paperhaul.community.collections import followable_lists
from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.hauls.models import Haul
from paperhaul.hauls.publishing import published_hauls
from paperhaul.notify import recommend, sources
from paperhaul.notify.models import Digest, DigestEntry, Interest, NotInterested, Subscription
from paperhaul.notify.subscriptions import saved_query
from paperhaul.papers.models import Paper

logger = logging.getLogger(__name__)

SECTION_LIMIT = 10  # papers per section of one digest
DEPTH = 100  # candidates read per section, before filters and already-sent papers are taken out
LOOKBACK_DAYS = {Subscription.Frequency.DAILY: 3, Subscription.Frequency.WEEKLY: 8}


@dataclass(frozen=True)
class Period:
    """The digests of one frequency for one day (daily) or ISO week (weekly)."""

    frequency: str
    day: dt.date

    @property
    def key(self) -> str:
        if self.frequency == Subscription.Frequency.WEEKLY:
            year, week, _ = self.day.isocalendar()
            return f"weekly:{year}-W{week:02d}"
        return f"daily:{self.day.isoformat()}"

    @property
    def since(self) -> dt.date:
        """The first day whose papers this period's digests look at."""
        return self.day - dt.timedelta(days=LOOKBACK_DAYS[self.frequency] - 1)


@dataclass
class Section:
    kind: str
    value: str
    papers: list[Paper] = field(default_factory=list)
    hauls: list[Haul] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def title(self) -> str:
        return section_title(self.kind, self.value)


def section_title(kind: str, value: str) -> str:
    if kind == Interest.Kind.CATEGORY:
        return f"New in {value}"
    if kind == Interest.Kind.SEARCH:
        return f"Saved search: {saved_query(value)}"
    if kind == Interest.Kind.TOPIC:
        name = Topic.objects.filter(pk=int(value)).values_list("name", flat=True).first()
        return f"Topic: {name or 'a topic no longer in the taxonomy'}"
    if kind == Interest.Kind.LIST:
        found = followable_lists().filter(pk=int(value)).select_related("owner").first()
        return (
            f"List: {found.title} (by {found.owner.get_username()})" if found else "A list no longer shared"
        )
    return Interest.Kind(kind).label.capitalize()


# Each kind of interest reads its candidate papers, best first, leaving out ``seen`` where it can.
PaperSource = Callable[[Interest, Period, set[int]], list[Paper]]
SOURCES: dict[str, PaperSource] = {
    Interest.Kind.TRENDING: lambda interest, period, seen: sources.trending_papers(DEPTH),
    Interest.Kind.DAILY: lambda interest, period, seen: sources.daily_papers(
        period.day, LOOKBACK_DAYS[period.frequency], DEPTH
    ),
    Interest.Kind.CATEGORY: lambda interest, period, seen: sources.category_papers(
        interest.value, period.since, DEPTH
    ),
    Interest.Kind.TOPIC: lambda interest, period, seen: sources.topic_papers(
        int(interest.value), period.since, DEPTH
    ),
    Interest.Kind.SEARCH: lambda interest, period, seen: sources.search_papers(
        sources.saved_search(interest.value, newest=False), period.since, DEPTH
    ),
    Interest.Kind.LIST: lambda interest, period, seen: sources.list_papers(
        int(interest.value), period.since, DEPTH
    ),
    Interest.Kind.FOR_YOU: lambda interest, period, seen: recommend.for_email(
        interest.subscription.email, limit=DEPTH, since=period.since, leave_out=seen
    ),
}


def received_papers(subscription: Subscription) -> set[int]:
    """Papers in the subscriber's digests handed to the mail server, and those they dismissed
    (from a digest, or on the For-you page of the account with their address)."""
    sent = DigestEntry.objects.filter(
        digest__subscription=subscription,
        digest__state__in=[Digest.State.SENDING, Digest.State.SENT],
        paper__isnull=False,
    ).values_list("paper_id", flat=True)
    theirs = Q(subscription=subscription) | Q(user__email__iexact=subscription.email)
    dismissed = NotInterested.objects.filter(theirs).values_list("paper_id", flat=True)
    return set(sent) | set(dismissed)


def received_hauls(subscription: Subscription) -> set[int]:
    return set(
        DigestEntry.objects.filter(
            digest__subscription=subscription,
            digest__state__in=[Digest.State.SENDING, Digest.State.SENT],
            haul__isnull=False,
        ).values_list("haul_id", flat=True)
    )


def build_sections(subscription: Subscription, period: Period) -> list[Section]:
    """The sections of the subscriber's next digest, without writing anything (empty ones dropped)."""
    seen = received_papers(subscription)
    keywords = subscription.keyword_filter
    sections = []
    for interest in subscription.interests.all():
        if interest.kind == Interest.Kind.NEWSLETTER:
            continue
        section = Section(interest.kind, interest.value)
        if interest.kind == Interest.Kind.HAULS:
            section.hauls = _new_hauls(subscription, period)
        else:
            for paper in _candidates(interest, period, seen):
                if paper.pk not in seen and keywords.passes(paper):
                    seen.add(paper.pk)
                    section.papers.append(paper)
                    if len(section.papers) == SECTION_LIMIT:
                        break
        if section.papers or section.hauls:
            sections.append(section)
    return sections


def _candidates(interest: Interest, period: Period, seen: set[int]) -> list[Paper]:
    try:
        return SOURCES[interest.kind](interest, period, seen)
    except InputError as exc:
        # A saved search that no longer runs (e.g. a lower PAPERHAUL_SEARCH_MAX_QUERY): skip it, say why.
        logger.warning("subscription %s: %s skipped: %s", interest.subscription_id, interest, exc)
        return []


def _new_hauls(subscription: Subscription, period: Period) -> list[Haul]:
    """Hauls published in the period (and since the subscription started) not sent to them yet."""
    start = dt.datetime.combine(period.since, dt.time.min, tzinfo=dt.UTC)
    if subscription.confirmed_at:
        start = max(start, subscription.confirmed_at - dt.timedelta(days=1))
    hauls = published_hauls().filter(published_at__gte=start).exclude(id__in=received_hauls(subscription))
    return list(reversed(hauls[:SECTION_LIMIT]))


def plan(subscription: Subscription, period: Period) -> Digest:
    """The subscriber's digest for the period: the one already planned, else a new one written now
    with its entries (state ``empty`` when there is nothing new, so no e-mail goes out)."""
    return planned(subscription, period.key) or write_plan(
        subscription, period.key, build_sections(subscription, period)
    )


def planned(subscription: Subscription, key: str) -> Digest | None:
    return Digest.objects.filter(subscription=subscription, period=key).first()


def write_plan(subscription: Subscription, key: str, sections: list[Section]) -> Digest:
    """Write the digest ``key`` with its entries, unless another worker did in the meantime."""
    state = Digest.State.PENDING if sections else Digest.State.EMPTY
    try:
        with transaction.atomic():
            digest = Digest.objects.create(subscription=subscription, period=key, state=state)
            DigestEntry.objects.bulk_create(_entries(digest, sections))
    except IntegrityError:
        return Digest.objects.get(subscription=subscription, period=key)  # theirs stands
    return digest


def _entries(digest: Digest, sections: list[Section]) -> list[DigestEntry]:
    entries = []
    for section in sections:
        for item in [*section.hauls, *section.papers]:
            kind = "haul" if isinstance(item, Haul) else "paper"
            entries.append(
                DigestEntry(digest=digest, position=len(entries), section=section.key, **{kind: item})
            )
    return entries


def sections_of(digest: Digest) -> list[Section]:
    """The sections of a planned digest, read back from its entries (in their order)."""
    sections: dict[str, Section] = {}
    entries = digest.entries.select_related("paper", "haul").order_by("position")
    for entry in entries:
        kind, _, value = entry.section.partition(":")
        section = sections.setdefault(entry.section, Section(kind, value))
        if entry.paper is not None:
            section.papers.append(entry.paper)
        elif entry.haul is not None:
            section.hauls.append(entry.haul)
    return list(sections.values())


def today() -> dt.date:
    return timezone.localdate()
