"""A published haul sent whole, as the newsletter, to the subscribers who chose it (issue 7).

"The newsletter (each haul in full)" is an interest of its own, beside "New hauls" (a digest
section that links to each new haul): some readers want the curator's post itself in their inbox
when it comes out, others a line in their daily or weekly digest, and some both. A haul received
as the newsletter is not listed again under "New hauls" in a later digest.

Sending a haul is one more planned digest per subscriber (period ``haul:ID``, one entry: the haul),
sent by the digests' own code (sending.send_batches): never twice to anyone for the same haul,
resumable after a crash, refusals recorded per address. The curator starts it from the studio (a
task for `paperhaul worker`, tasks.py) or with `paperhaul digest haul N`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from paperhaul.errors import InputError
from paperhaul.hauls.models import Haul
from paperhaul.notify import mail
from paperhaul.notify.digests import Section, planned, write_plan
from paperhaul.notify.models import Digest, Interest, Subscription
from paperhaul.notify.sending import Progress, SendStats, send_batches, summary


def period_key(haul: Haul) -> str:
    """The "period" of a haul's newsletter: by id, which stays when a haul is renumbered."""
    return f"haul:{haul.pk}"


def audience() -> QuerySet[Subscription]:
    """Confirmed subscriptions that chose the newsletter, whatever their digests' frequency."""
    return Subscription.objects.filter(
        state=Subscription.State.ACTIVE, interests__kind=Interest.Kind.NEWSLETTER
    )


def still_to_receive(haul: Haul) -> int:
    """How many of the audience a send would reach now: those without this haul's e-mail planned
    already (sent, being sent, or refused for good)."""
    done = Digest.objects.filter(period=period_key(haul)).exclude(state=Digest.State.PENDING)
    return audience().exclude(pk__in=done.values("subscription_id")).count()


def check_sendable(haul: Haul) -> None:
    """Raises InputError unless readers can see the haul: a draft is never sent."""
    if haul.status != Haul.Status.PUBLISHED:
        raise InputError(f"haul {haul.number} is a draft: publish it before sending it as the newsletter")


def send_newsletter(haul: Haul, *, progress: Progress | None = None) -> SendStats:
    """Send the published haul to every subscriber of the newsletter who has not received it;
    run it again to resume."""
    check_sendable(haul)
    key = period_key(haul)
    newsletter = [Section(Interest.Kind.NEWSLETTER, "", hauls=[haul])]
    compose = mail.newsletter_composer(haul)
    return send_batches(
        key,
        audience(),
        lambda subscription: planned(subscription, key) or write_plan(subscription, key, newsletter),
        lambda digest: compose(digest.subscription),
        progress=progress,
    )


def sent_so_far(haul: Haul) -> SendStats:
    """The haul's newsletter e-mails by state (none before it is first sent)."""
    return summary(period_key(haul))
