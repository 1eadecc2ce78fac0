"""Digests on a schedule, run by `paperhaul worker` (django-tasks' database backend).

django-tasks has no periodic tasks, so the schedule is a chain: `paperhaul worker` calls
ensure_scheduled() when it starts, which queues one send per frequency to run after its next
slot (daily at PAPERHAUL_DIGEST_HOUR UTC, weekly on Mondays at that hour) unless one is already
queued; each send queues the next when it finishes. A run the mail server stopped, or that left
digests waiting after a temporary refusal, is retried RETRY_AFTER later, RETRIES times at most.
Two workers may both queue a send: sending is idempotent per period (sending.py), so the second
finds nothing left to send.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from paperhaul.notify.digests import Period
from paperhaul.notify.models import Subscription
from paperhaul.notify.sending import send_digests

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
