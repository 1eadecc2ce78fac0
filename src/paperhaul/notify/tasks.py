"""Digests on a schedule, and hauls sent as the newsletter, run by `paperhaul worker` (django-tasks'
database backend).

django-tasks has no periodic tasks, so the schedule is a chain: `paperhaul worker` calls
ensure_scheduled() when it starts, which queues one send per frequency to run after its next
slot (daily at PAPERHAUL_DIGEST_HOUR UTC, weekly on Mondays at that hour) unless one is already
queued; each send queues the next when it finishes. A run the mail server stopped, or that left
digests waiting after a temporary refusal, is retried RETRY_AFTER later, RETRIES times at most.
Two workers may both queue a send: sending is idempotent per period (sending.py), so the second
finds nothing left to send.

A haul's newsletter is queued from the studio (queue_newsletter) and retried the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from paperhaul.errors import InputError
from paperhaul.hauls.models import Haul
from paperhaul.notify import newsletter
from paperhaul.notify.digests import Period
from paperhaul.notify.models import Subscription
from paperhaul.notify.sending import SendStats, send_digests

RETRY_AFTER = dt.timedelta(minutes=30)
RETRIES = 4


@task()
def send_scheduled_digests(frequency: str, day: str = "", retry: int = 0) -> dict:
    """Send the digests of ``frequency`` for ``day`` (today, UTC), then queue what comes next."""
    period = Period(frequency, dt.date.fromisoformat(day) if day else timezone.now().date())
    try:
        stats = send_digests(period)
    finally:
        ensure_scheduled()
    if (stats.pending or stats.stopped) and retry < RETRIES:
        send_scheduled_digests.using(run_after=timezone.now() + RETRY_AFTER).enqueue(
            frequency, period.day.isoformat(), retry + 1
        )
    return stats.as_json()


def next_slot(frequency: str, now: dt.datetime) -> dt.datetime:
    """The first time after ``now`` at which digests of ``frequency`` are due."""
    slot = now.astimezone(dt.UTC).replace(
        hour=settings.PAPERHAUL_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    step = dt.timedelta(days=1)
    if frequency == Subscription.Frequency.WEEKLY:
        slot += dt.timedelta(days=-slot.weekday() % 7)
        step = dt.timedelta(days=7)
    return slot if slot > now else slot + step


def ensure_scheduled() -> None:
    """Queue the next scheduled send of each frequency, unless one is waiting already."""
    waiting = DBTaskResult.objects.filter(
        task_path=send_scheduled_digests.module_path, status=TaskResultStatus.READY
    ).values_list("args_kwargs", flat=True)
    queued = {tuple(args_kwargs.get("args", [])) for args_kwargs in waiting}
    now = timezone.now()
    for frequency in Subscription.Frequency.values:
        if (frequency,) not in queued:
            send_scheduled_digests.using(run_after=next_slot(frequency, now)).enqueue(frequency)


@task()
def send_haul_newsletter(haul_id: int, retry: int = 0) -> dict:
    """Send a haul as the newsletter; a run the mail server stopped is queued again later."""
    haul = Haul.objects.filter(pk=haul_id).first()
    if haul is None:
        return {"stopped": "the haul no longer exists"}
    try:
        stats = newsletter.send_newsletter(haul)
    except InputError as exc:  # unpublished since it was queued
        return {"stopped": str(exc)}
    if (stats.pending or stats.stopped) and retry < RETRIES:
        send_haul_newsletter.using(run_after=timezone.now() + RETRY_AFTER).enqueue(haul_id, retry + 1)
    return stats.as_json()


def queue_newsletter(haul: Haul) -> bool:
    """Queue the haul's newsletter for the worker; False when a send of it is due or running already
    (a retry waiting for later does not count: pressing again sends now). Raises InputError for a draft."""
    newsletter.check_sendable(haul)
    if any(run.status == TaskResultStatus.RUNNING or _due(run) for run in _newsletter_runs(haul)):
        return False
    send_haul_newsletter.enqueue(haul.pk)
    return True


@dataclass(frozen=True)
class NewsletterStatus:
    """What the studio shows of a haul's newsletter."""

    subscribers: int  # confirmed subscriptions that chose the newsletter
    to_receive: int  # those of them a send would reach now
    sent: SendStats  # its e-mails so far, by state
    state: str  # of the latest send: queued, sending, retrying, failed (an error), done, or "" (none)
    since: dt.datetime | None  # when the latest send was queued (or, retrying, when it will run)
    stopped: str  # why the latest finished send stopped early, if it did


def newsletter_status(haul: Haul) -> NewsletterStatus:
    runs = _newsletter_runs(haul)
    latest = runs[0] if runs else None
    finished = next((r for r in runs if r.status == TaskResultStatus.SUCCESSFUL), None)
    state, since = "", None
    if latest is not None:
        state, since = _STATES[latest.status], latest.enqueued_at
        if latest.status == TaskResultStatus.READY and not _due(latest):
            state, since = "retrying", latest.run_after
    return NewsletterStatus(
        subscribers=newsletter.audience().count(),
        to_receive=newsletter.still_to_receive(haul),
        sent=newsletter.sent_so_far(haul),
        state=state,
        since=since,
        stopped=((finished.return_value or {}).get("stopped", "") if finished else ""),
    )


_STATES = {
    TaskResultStatus.READY: "queued",
    TaskResultStatus.RUNNING: "sending",
    TaskResultStatus.FAILED: "failed",
    TaskResultStatus.SUCCESSFUL: "done",
}


def _newsletter_runs(haul: Haul) -> list[DBTaskResult]:
    """The tasks that sent (or will send) the haul, newest first."""
    runs = DBTaskResult.objects.filter(task_path=send_haul_newsletter.module_path).order_by("-enqueued_at")
    return [run for run in runs if run.args_kwargs.get("args", [None])[:1] == [haul.pk]]


def _due(run: DBTaskResult) -> bool:
    return DBTaskResult.objects.ready().filter(pk=run.pk).exists()
