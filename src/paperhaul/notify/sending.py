"""Sending a period's digests through Django's e-mail backend, resumably and at most once each.

The same code sends a haul as the newsletter (newsletter.py): it is one more kind of planned
digest, so everything below holds for it too.

Subscriptions are taken in batches of PAPERHAUL_DIGEST_BATCH: each batch's digests are planned
(digests.plan) and then sent over one SMTP connection. Before a message is handed to the server
its digest row goes from ``pending`` to ``sending`` (a conditional update, so two workers never
both take it), and after the server accepted it to ``sent``. Running the same period again skips
what is sent, sends what is pending, and never re-sends a digest left in ``sending`` by a run that
died mid-send (the server may have delivered it): at most once, never twice.

Refusals are recorded per address (DeliveryFailure): a permanent one (SMTP 5xx) fails the digest
and counts towards PAPERHAUL_DIGEST_MAX_FAILURES hard failures in a row, which suspend the
subscription; a temporary one (4xx) or a dropped connection leaves the digest pending for the
next run, until MAX_ATTEMPTS. A dropped connection is reopened once; a second drop in a row (or
a server that cannot be reached) stops the run, leaving the rest pending.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from paperhaul.notify import compose
from paperhaul.notify.digests import Period, plan
from paperhaul.notify.models import DeliveryFailure, Digest, Interest, Subscription

MAX_ATTEMPTS = 3  # temporary failures of one digest before it is given up
Progress = Callable[[int, int], None]  # (subscriptions done, all of them)


@dataclass
class SendStats:
    """The period's digests by state after the run, and what this run sent."""

    period: str
    sent_now: int = 0
    sent: int = 0
    empty: int = 0
    failed: int = 0
    pending: int = 0
    interrupted: int = 0  # left in ``sending`` by a run that died: never sent again
    stopped: str = ""  # why the run stopped before the end, if it did

    def as_json(self) -> dict:
        return dict(self.__dict__)


class _ConnectionLost(Exception):
    """The mail server is unreachable or dropped the connection."""


def send_digests(period: Period, *, progress: Progress | None = None) -> SendStats:
    """Plan and send the period's digests to every active subscription of its frequency (those
    that chose only the newsletter get no digests)."""
    for_digests = Interest.objects.exclude(kind=Interest.Kind.NEWSLETTER).values("subscription_id")
    active = Subscription.objects.filter(
        state=Subscription.State.ACTIVE, frequency=period.frequency, pk__in=for_digests
    )
    return send_batches(
        period.key, active, lambda s: plan(s, period), compose.digest_message, progress=progress
    )


def send_batches(
    key: str,
    recipients: QuerySet[Subscription],
    plan_one: Callable[[Subscription], Digest],
    render: Callable[[Digest], EmailMessage],
    *,
    progress: Progress | None = None,
) -> SendStats:
    """Plan the digest ``key`` of each recipient (``plan_one`` returns the one planned already, if
    any) and send the pending ones as ``render`` writes them, batch by batch."""
    ids = list(recipients.order_by("pk").values_list("pk", flat=True))
    stats = SendStats(key)
    sender = _Sender(stats, render)
    done = 0
    size = settings.PAPERHAUL_DIGEST_BATCH
    for batch_ids in (ids[start : start + size] for start in range(0, len(ids), size)):
        batch = recipients.filter(pk__in=batch_ids).order_by("pk").prefetch_related("interests")
        pending = [d for d in map(plan_one, batch) if d.state == Digest.State.PENDING]
        try:
            sender.send_batch(pending)
        except _ConnectionLost as exc:
            stats.stopped = f"mail server unavailable: {exc}; run again to send the rest"
            break
        done += len(batch_ids)
        if progress:
            progress(done, len(ids))
    return _counted(stats)


def summary(key: str) -> SendStats:
    """The digests of ``key`` by state, as a run would end with them."""
    return _counted(SendStats(key))


def _counted(stats: SendStats) -> SendStats:
    counts = dict(
        Digest.objects.filter(period=stats.period).values_list("state").annotate(n=Count("id")).order_by()
    )
    stats.sent = counts.get(Digest.State.SENT, 0)
    stats.empty = counts.get(Digest.State.EMPTY, 0)
    stats.failed = counts.get(Digest.State.FAILED, 0)
    stats.pending = counts.get(Digest.State.PENDING, 0)
    stats.interrupted = counts.get(Digest.State.SENDING, 0)
    return stats


class _Sender:
    """One SMTP connection per batch, reopened once when the server drops it."""

    def __init__(self, stats: SendStats, render: Callable[[Digest], EmailMessage]) -> None:
        self.stats = stats
        self.render = render

    def send_batch(self, digests: list[Digest]) -> None:
        if not digests:
            return
        connection = self._open()
        try:
            queue = list(digests)
            retried = False
            while queue:
                digest = queue.pop(0)
                try:
                    self._send_one(connection, digest)
                    retried = False
                except _ConnectionLost:
                    if retried:
                        raise
                    retried = True
                    connection.close()
                    connection = self._open()
                    digest.refresh_from_db()
                    if digest.state == Digest.State.PENDING:
                        queue.insert(0, digest)
        finally:
            connection.close()

    def _open(self):
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except (smtplib.SMTPException, OSError) as exc:
            raise _ConnectionLost(f"{exc.__class__.__name__}: {exc}") from exc
        return connection

    def _send_one(self, connection, digest: Digest) -> None:
        message = self.render(digest)  # before claiming: a rendering error leaves it pending
        claimed = Digest.objects.filter(
            pk=digest.pk, state=Digest.State.PENDING, subscription__state=Subscription.State.ACTIVE
        ).update(state=Digest.State.SENDING, claimed_at=timezone.now())
        if not claimed:
            return  # another worker has it, or the subscriber unsubscribed since it was planned
        try:
            connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reason = next(iter(exc.recipients.values()), (None, b""))
            _refused(digest, code, _text(reason))
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            _refused(digest, exc.smtp_code, _text(exc.smtp_error))
        except (smtplib.SMTPException, OSError) as exc:
            reason = f"connection lost: {exc.__class__.__name__}: {exc}".strip().rstrip(":")
            _failed_for_now(digest, None, reason)
            raise _ConnectionLost(reason) from exc
        else:
            _delivered(digest)
            self.stats.sent_now += 1


def _text(reason: bytes | str) -> str:
    return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)


def _delivered(digest: Digest) -> None:
    with transaction.atomic():
        Digest.objects.filter(pk=digest.pk).update(state=Digest.State.SENT, sent_at=timezone.now())
        Subscription.objects.filter(pk=digest.subscription_id).update(hard_failures=0)


def _refused(digest: Digest, code: int | None, reason: str) -> None:
    if code is not None and 500 <= code < 600:
        _failed_for_good(digest, code, reason)
    else:
        _failed_for_now(digest, code, reason)


def _failed_for_good(digest: Digest, code: int, reason: str) -> None:
    """A permanent refusal: the digest fails; enough of them in a row suspend the subscription."""
    limit = settings.PAPERHAUL_DIGEST_MAX_FAILURES
    with transaction.atomic():
        DeliveryFailure.objects.create(
            subscription_id=digest.subscription_id, digest=digest, hard=True, code=code, message=reason
        )
        Digest.objects.filter(pk=digest.pk).update(state=Digest.State.FAILED, error=f"{code} {reason}")
        subscriptions = Subscription.objects.filter(pk=digest.subscription_id)
        subscriptions.update(hard_failures=F("hard_failures") + 1)
        subscriptions.filter(hard_failures__gte=limit, state=Subscription.State.ACTIVE).update(
            state=Subscription.State.SUSPENDED, suspended_at=timezone.now()
        )


def _failed_for_now(digest: Digest, code: int | None, reason: str) -> None:
    """A temporary failure: the digest waits for the next run, unless it has failed too often."""
    with transaction.atomic():
        DeliveryFailure.objects.create(
            subscription_id=digest.subscription_id, digest=digest, hard=False, code=code, message=reason
        )
        attempts = DeliveryFailure.objects.filter(digest=digest).count()
        state = Digest.State.FAILED if attempts >= MAX_ATTEMPTS else Digest.State.PENDING
        error = f"{code or ''} {reason}".strip()
        Digest.objects.filter(pk=digest.pk).update(state=state, error=error)
