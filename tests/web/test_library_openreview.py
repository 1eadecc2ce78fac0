"""The Library page's OpenReview form: a venue's papers fetched as a job, against a local server
speaking OpenReview's API."""

from __future__ import annotations

import orjson
import pytest
from werkzeug import Response

from paperhaul.papers import jobs
from paperhaul.papers.models import Job, Paper
from tests.papers.ingest.test_openreview import ACCEPTED, UNDER_REVIEW
from tests.web.test_library import job_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def openreview(settings, httpserver):
    """OpenReview's API on the local server: ICLR 2025's accepted paper and one under review."""
    settings.PAPERHAUL_OPENREVIEW_DELAY = 0
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_HTTP_TIMEOUT = 2
    settings.PAPERHAUL_OPENREVIEW_API_URL = httpserver.url_for("/api2")
    venues = {"ICLR.cc/2025/Conference": [ACCEPTED], "ICLR.cc/2026/Conference/Submission": [UNDER_REVIEW]}

    def notes(request):
        found = venues.get(request.args["content.venueid"], [])
        return Response(orjson.dumps({"notes": found, "count": len(found)}), content_type="application/json")

    httpserver.expect_request("/api2/notes").respond_with_handler(notes)
    return httpserver


def test_a_curator_fetches_venues_as_a_job(curator_client, openreview, curator):
    response = curator_client.post(
        "/library/openreview/", {"venues": "ICLR.cc/2025/Conference, ICLR.cc/2026/Conference/Submission"}
    )
    job = Job.objects.get()
    assert (job.kind, job.params, job.created_by) == (
        jobs.SYNC_OPENREVIEW,
        {"venues": ["ICLR.cc/2025/Conference", "ICLR.cc/2026/Conference/Submission"]},
        curator,
    )
    job, html = job_page(curator_client, response)
    assert job.state == "done" and (job.done, job.total) == (2, 2)
    assert "Fetch OpenReview venues: ICLR.cc/2025/Conference, ICLR.cc/2026/Conference/Submission" in html
    assert job.message.splitlines() == [
        "ICLR.cc/2025/Conference: 1 paper (added 1 / updated 0)",
        "ICLR.cc/2026/Conference/Submission: 1 paper (added 1 / updated 0)",
    ]
    assert set(Paper.objects.values_list("comments", flat=True)) == {
        "ICLR 2025 Oral",
        "Submitted to ICLR 2026",
    }


def test_a_venue_page_pasted_in_names_its_venue(curator_client, openreview):
    page = "https://openreview.net/group?id=ICLR.cc/2025/Conference#tab-accept-oral"
    job, _ = job_page(curator_client, curator_client.post("/library/openreview/", {"venues": page}))
    assert job.params == {"venues": ["ICLR.cc/2025/Conference"]}
    assert job.state == "done" and Paper.objects.count() == 1


def test_a_venue_that_lists_nothing_is_noted_and_the_others_go_on(curator_client, openreview):
    response = curator_client.post(
        "/library/openreview/", {"venues": "ICLR.cc/2O25/Conference ICLR.cc/2025/Conference"}
    )
    job, _ = job_page(curator_client, response)
    assert job.state == "done"
    lines = job.message.splitlines()
    assert lines[0].startswith("ICLR.cc/2O25/Conference: OpenReview lists no paper in this venue")
    assert lines[1] == "ICLR.cc/2025/Conference: 1 paper (added 1 / updated 0)"
    assert lines[2] == "1 of 2 venues fetched"


def test_an_unreachable_api_fails_the_job_which_can_run_again(curator_client, settings, db):
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_OPENREVIEW_DELAY = 0
    settings.PAPERHAUL_OPENREVIEW_API_URL = "http://127.0.0.1:9/api2"
    job, _ = job_page(curator_client, curator_client.post("/library/openreview/", {"venues": "TMLR"}))
    assert job.state == "failed"
    assert "TMLR: OpenReview unreachable: unreachable after 1 try" in job.message
    assert jobs.can_run_again(job)
    assert not Paper.objects.exists()


@pytest.mark.parametrize(
    "venues, message",
    [
        ("", "give at least one venue id"),
        ("ICLR.cc/2025/Conference;DROP", "is not an OpenReview venue id"),
        ("https://openreview.net/group", "is not an OpenReview venue id"),
        ("<script>alert(1)</script>", "is not an OpenReview venue id"),
        (" ".join(f"V{i}" for i in range(21)), "at most 20 venues"),
    ],
)
def test_bad_venue_ids_are_refused_with_the_value_kept(curator_client, venues, message):
    response = curator_client.post("/library/openreview/", {"venues": venues})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html and 'aria-invalid="true"' in html
    assert "<script>alert" not in html
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("path", "kind", "label"),
    [
        ("/library/daily/", jobs.SYNC_DAILY, "Fetch the daily-papers list"),
        ("/library/citations/", jobs.SYNC_COUNTS, "Update citation counts"),
    ],
)
def test_the_daily_list_and_citation_counts_are_fetched_as_jobs(curator_client, path, kind, label):
    assert curator_client.get(path).status_code == 405
    assert f'action="{path}"' in curator_client.get("/library/").content.decode()
    response = curator_client.post(path)
    job = Job.objects.get()
    assert (job.kind, job.label) == (kind, label)
    assert response["Location"] == f"/library/jobs/{job.pk}/"
