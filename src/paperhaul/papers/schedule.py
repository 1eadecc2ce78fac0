"""Fetching new papers every day, run by `paperhaul worker`: the radar fills itself.

django-tasks has no periodic tasks, so (as the digests' schedule, notify/tasks.py) the schedule is a
chain: the worker calls ensure_scheduled() when it starts, which queues fetch_on_schedule to run
after the next PAPERHAUL_FETCH_HOUR (UTC) unless one is queued already; each run queues the next.
A run starts one library job per source of PAPERHAUL_FETCH_SOURCES (papers/jobs.py), so the
Library page shows what each fetched, what failed and why, and offers to run a failed one again.

arXiv announces new papers at 20:00 US Eastern time (00:00 or 01:00 UTC) from Sunday to Thursday;
the default hour, 4, fetches them before the digests go out (PAPERHAUL_DIGEST_HOUR, 6).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from paperhaul.errors import InputError
from paperhaul.papers import jobs
from paperhaul.papers.models import Job

# Citation counts asked for a day at most: 40 requests, so a large library is counted over days.
COUNTS_A_DAY = 20_000
log = logging.getLogger(__name__)


@task()
def fetch_on_schedule() -> list[int]:
    """Start the day's fetching jobs, then queue the next run; returns the jobs' ids."""
    try:
        return [job.pk for job in start_jobs()]
    finally:
        ensure_scheduled()


def start_jobs() -> list[Job]:
    """One job per configured source that has something to fetch (categories, venues), marked as
    the schedule's (a job a person queued and that is still waiting is theirs)."""
    starts = {
        "arxiv": lambda: jobs.start_sync(settings.PAPERHAUL_ARXIV_CATEGORIES),
        "daily": lambda: jobs.start_daily(),
        "openreview": lambda: jobs.start_openreview(settings.PAPERHAUL_OPENREVIEW_VENUES),
        "semantic-scholar": lambda: jobs.start_counts(COUNTS_A_DAY),
    }
    started = []
    for source in settings.PAPERHAUL_FETCH_SOURCES:
        if source not in _ready():
            log.warning("scheduled fetch of %s skipped: no %s configured", source, _NEEDS[source])
            continue
        try:
            started.append(starts[source]())
        except InputError as exc:  # a category or venue in the settings that is none: the others go on
            log.error("scheduled fetch of %s skipped: %s", source, exc)
    Job.objects.filter(pk__in=[job.pk for job in started], created_by=None).update(scheduled=True)
    return started


def described() -> list[str]:
    """What a run fetches, in words for the Library page."""
    words = {
        "arxiv": f"the arXiv listings of {', '.join(settings.PAPERHAUL_ARXIV_CATEGORIES)}",
        "daily": "the daily-papers list",
        "openreview": f"the OpenReview venues {', '.join(settings.PAPERHAUL_OPENREVIEW_VENUES)}",
        "semantic-scholar": f"citation counts ({COUNTS_A_DAY:,} papers at most)",
    }
    return [words[source] for source in _ready()]


# The setting a source takes what it fetches from: left empty, the source has nothing to fetch.
_NEEDS = {"arxiv": "PAPERHAUL_ARXIV_CATEGORIES", "openreview": "PAPERHAUL_OPENREVIEW_VENUES"}


def _ready() -> list[str]:
    """The sources of PAPERHAUL_FETCH_SOURCES that have something to fetch."""
    return [s for s in settings.PAPERHAUL_FETCH_SOURCES if s not in _NEEDS or getattr(settings, _NEEDS[s])]


def next_slot(now: dt.datetime) -> dt.datetime:
    """The first PAPERHAUL_FETCH_HOUR (UTC) after ``now``."""
    slot = now.astimezone(dt.UTC).replace(
        hour=settings.PAPERHAUL_FETCH_HOUR, minute=0, second=0, microsecond=0
    )
    return slot if slot > now else slot + dt.timedelta(days=1)


def ensure_scheduled() -> dt.datetime | None:
    """Queue the next run unless one is waiting (or nothing is to be fetched); returns when it runs."""
    if not settings.PAPERHAUL_FETCH_SOURCES:
        return None
    waiting = DBTaskResult.objects.filter(
        task_path=fetch_on_schedule.module_path, status=TaskResultStatus.READY
    ).order_by("run_after")
    if (queued := waiting.first()) is not None:
        return queued.run_after
    when = next_slot(timezone.now())
    fetch_on_schedule.using(run_after=when).enqueue()
    return when
