"""Fetching new papers every day on the worker's schedule: the next slot, one queued run, the jobs
each run starts, and those jobs against local servers in the sources' formats."""

from __future__ import annotations

import datetime as dt
import logging

import orjson
import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from paperhaul.config import SettingError, get_choices, get_hour
from paperhaul.papers import jobs
from paperhaul.papers.models import Job, Paper
from paperhaul.papers.schedule import COUNTS_A_DAY, ensure_scheduled, fetch_on_schedule, next_slot, start_jobs
from tests.papers.ingest.test_semantic_scholar import ATTENTION, serve_batch

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [("2024-06-05 03:59", "2024-06-05 04:00"), ("2024-06-05 04:00", "2024-06-06 04:00")],
)
def test_next_slot(settings, now, expected):
    settings.PAPERHAUL_FETCH_HOUR = 4
    assert next_slot(at(now)) == at(expected)


def queued() -> list[dt.datetime]:
    rows = DBTaskResult.objects.filter(task_path=fetch_on_schedule.module_path, status=TaskResultStatus.READY)
    return list(rows.values_list("run_after", flat=True))


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it stops
def test_the_worker_queues_one_run_once(settings):
    settings.PAPERHAUL_FETCH_SOURCES = ["arxiv", "daily"]
    call_command("worker", batch=True)  # queues the schedule, then finds nothing due and exits
    [run_after] = queued()
    assert timezone.now() < run_after <= timezone.now() + dt.timedelta(days=1)
    assert ensure_scheduled() == run_after
    assert len(queued()) == 1


def test_nothing_to_fetch_queues_nothing(settings):
    settings.PAPERHAUL_FETCH_SOURCES = []
    assert ensure_scheduled() is None
    assert queued() == []


def test_a_run_starts_a_job_per_source_and_queues_the_next(settings, caplog):
    settings.PAPERHAUL_FETCH_SOURCES = ["arxiv", "daily", "openreview", "semantic-scholar"]
    settings.PAPERHAUL_ARXIV_CATEGORIES = ["cs.CL", "cs.LG"]
    settings.PAPERHAUL_OPENREVIEW_VENUES = ["TMLR"]
    ids = fetch_on_schedule.call()
    started = list(Job.objects.filter(pk__in=ids).order_by("pk"))
    assert [(job.kind, job.params, job.created_by, job.scheduled) for job in started] == [
        (jobs.SYNC_LISTINGS, {"categories": ["cs.CL", "cs.LG"]}, None, True),
        (jobs.SYNC_DAILY, {}, None, True),
        (jobs.SYNC_OPENREVIEW, {"venues": ["TMLR"]}, None, True),
        (jobs.SYNC_COUNTS, {"limit": COUNTS_A_DAY}, None, True),
    ]
    assert all(job.state == "queued" for job in started)
    assert len(queued()) == 1, "the next day's run"
    settings.PAPERHAUL_OPENREVIEW_VENUES = []
    with caplog.at_level(logging.WARNING):
        assert [job.kind for job in start_jobs()] == [jobs.SYNC_LISTINGS, jobs.SYNC_DAILY, jobs.SYNC_COUNTS]
    assert "scheduled fetch of openreview skipped: no PAPERHAUL_OPENREVIEW_VENUES configured" in caplog.text
    settings.PAPERHAUL_ARXIV_CATEGORIES = ["cs.CL", "nonsense.XY"]
    with caplog.at_level(logging.WARNING):
        assert [job.kind for job in start_jobs()] == [jobs.SYNC_DAILY, jobs.SYNC_COUNTS]
    assert "scheduled fetch of arxiv skipped: unknown arXiv category" in caplog.text


@pytest.mark.usefixtures("fast_sources")
def test_the_daily_and_counts_jobs_fetch_and_say_what_they_did(site, settings):
    entry = {"paper": {"id": "1706.03762", "title": "Attention Is All You Need", "upvotes": 7}}
    site.serve("/api/daily_papers", orjson.dumps([entry]), content_type="application/json")
    settings.PAPERHAUL_SEMANTIC_SCHOLAR_API_URL = site.url("/s2")
    settings.PAPERHAUL_SEMANTIC_SCHOLAR_DELAY = 0
    serve_batch(site, {"ARXIV:1706.03762": ATTENTION})
    daily = jobs.run(jobs.start_daily().pk)
    assert (daily.state, daily.message) == ("done", "daily papers: 1 paper (added 1 / updated 0)")
    counts = jobs.run(jobs.start_counts(10).pk)
    assert (counts.state, counts.message) == ("done", "citation counts: 1 paper (added 0 / updated 1)")
    assert counts.label == "Update citation counts (at most 10 papers)"
    assert Paper.objects.get(key="arxiv:1706.03762").source_records.count() == 2


def test_an_unreachable_source_fails_its_job_which_can_run_again(settings):
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_DAILY_PAPERS_URL = "http://127.0.0.1:9/api/daily_papers"
    job = jobs.run(jobs.start_daily().pk)
    assert job.state == "failed" and "unreachable" in job.message
    assert jobs.can_run_again(job)


def test_the_settings_are_read_strictly(monkeypatch):
    monkeypatch.setenv("PAPERHAUL_FETCH_SOURCES", " arxiv, openreview ,arxiv")
    assert get_choices("PAPERHAUL_FETCH_SOURCES", ("arxiv", "openreview")) == ["arxiv", "openreview"]
    monkeypatch.setenv("PAPERHAUL_FETCH_SOURCES", "arxiv,biorxiv")
    with pytest.raises(SettingError, match="PAPERHAUL_FETCH_SOURCES: unknown 'biorxiv'; use arxiv, daily"):
        get_choices("PAPERHAUL_FETCH_SOURCES", ("arxiv", "daily"))
    monkeypatch.setenv("PAPERHAUL_FETCH_HOUR", "24")
    with pytest.raises(SettingError, match="PAPERHAUL_FETCH_HOUR must be an hour from 0 to 23, not 24"):
        get_hour("PAPERHAUL_FETCH_HOUR")


def test_the_same_job_is_not_queued_twice_while_it_waits_or_runs(settings):
    """Two workers starting the day's schedule together, or a button pressed twice, fetch once."""
    settings.PAPERHAUL_FETCH_SOURCES = ["arxiv", "daily"]
    settings.PAPERHAUL_ARXIV_CATEGORIES = ["cs.CL"]
    first = [job.pk for job in start_jobs()]
    assert [job.pk for job in start_jobs()] == first and Job.objects.count() == 2
    other = jobs.start_sync(["cs.LG"])  # another job of the same kind is another job
    assert other.pk not in first
    Job.objects.filter(pk=first[0]).update(state=Job.State.DONE)
    Job.objects.filter(pk=first[1]).update(
        state=Job.State.RUNNING, updated_at=timezone.now() - Job.STALLED_AFTER - dt.timedelta(minutes=1)
    )
    again = [job.pk for job in start_jobs()]
    assert len(set(again) - set(first)) == 2, "a finished job or a stalled one is fetched anew"
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).exclude(
        task_path=fetch_on_schedule.module_path
    )
    assert waiting.count() == 5, "one task per job queued"
