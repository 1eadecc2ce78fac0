"""A job whose worker stopped: the page says it stalled and a curator can run it again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from paperhaul.papers import jobs
from paperhaul.papers.models import Job
from tests.web.test_library import run_queued_jobs, serve_listing, sources  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def running_job(*, silent_for: dt.timedelta, kind: str = jobs.SYNC_LISTINGS, params=None) -> Job:
    """A job a worker began, whose last progress is ``silent_for`` old (the worker then died)."""
    job = Job.objects.create(
        kind=kind,
        label="Fetch the latest arXiv listings: cs.CL",
        params=params or {"categories": ["cs.CL"]},
        state=Job.State.RUNNING,
        message="fetching cs.CL…",
    )
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - silent_for)
    job.refresh_from_db()
    return job


def test_a_job_with_recent_progress_is_not_stalled(curator_client):
    job = running_job(silent_for=dt.timedelta(minutes=1))
    html = curator_client.get(f"/library/jobs/{job.pk}/").content.decode()
    assert not job.stalled
    assert "refreshes itself" in html and "Run it again" not in html
    assert curator_client.post(f"/library/jobs/{job.pk}/restart/").status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING  # refused: its worker may still be at it
    assert Job.objects.count() == 1


def test_progress_keeps_a_running_job_alive(db):
    job = running_job(silent_for=Job.STALLED_AFTER * 2)
    assert job.stalled
    jobs.Report(job).progress(1, 2, "fetching cs.LG…")
    job.refresh_from_db()
    assert not job.stalled


def test_a_stalled_job_says_so_and_runs_again_as_a_new_job(curator_client, sources):  # noqa: F811
    serve_listing(sources, "cs.CL")
    job = running_job(silent_for=Job.STALLED_AFTER + dt.timedelta(minutes=1))
    html = curator_client.get(f"/library/jobs/{job.pk}/").content.decode()
    assert "Stalled" in html and "the worker running it has stopped" in html
    assert 'http-equiv="refresh"' not in html  # nothing will change by itself

    response = curator_client.post(f"/library/jobs/{job.pk}/restart/")
    again = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/library/jobs/{again.pk}/"
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and not job.stalled
    assert f"run again as job {again.pk}" in job.message and "interrupted" in job.message

    assert run_queued_jobs() == 1
    again.refresh_from_db()
    assert again.state == Job.State.DONE and "cs.CL: 4 papers" in again.message


def test_a_failed_listings_fetch_can_run_again(curator_client):
    job = Job.objects.create(
        kind=jobs.SYNC_LISTINGS, label="Fetch", params={"categories": ["cs.CL"]}, state=Job.State.FAILED
    )
    assert "Run it again" in curator_client.get(f"/library/jobs/{job.pk}/").content.decode()
    curator_client.post(f"/library/jobs/{job.pk}/restart/")
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 1


def test_a_stalled_import_whose_upload_is_gone_says_upload_again(curator_client):
    job = running_job(
        silent_for=Job.STALLED_AFTER * 2,
        kind=jobs.IMPORT,
        params={"format": "jsonl", "file": "gone.upload", "name": "mine.jsonl"},
    )
    page = curator_client.post(f"/library/jobs/{job.pk}/restart/", follow=True).content.decode()
    assert "the uploaded file is gone: upload it again" in page
    assert Job.objects.count() == 1


def test_readers_cannot_restart_jobs(reader_client):
    job = running_job(silent_for=Job.STALLED_AFTER * 2)
    assert reader_client.post(f"/library/jobs/{job.pk}/restart/").status_code == 403
    assert Job.objects.count() == 1
