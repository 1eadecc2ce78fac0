"""The staff Library page: listings sync and file import as jobs with progress, and add by URL.

Sources are a real HTTP server on 127.0.0.1 speaking arXiv's formats; the queued task is run here
(the function `paperhaul worker` would call), so a test reads the job page as a curator would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from werkzeug import Response

from paperhaul.papers import jobs
from paperhaul.papers.importing import import_file
from paperhaul.papers.models import Job, Paper
from paperhaul.papers.tasks import run_job
from tests.local_servers import free_port
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db
ARXIV_FIXTURES = Path(__file__).resolve().parents[1] / "papers" / "ingest" / "fixtures" / "arxiv"
LISTING = (ARXIV_FIXTURES / "listing_cs_CL.rss").read_bytes()
LISTING_TITLES = {
    "Sparse Mixtures of Tiny Experts for Low-Resource Machine Translation",
    "Vision Transformers Also Read Captions",
    "Tokenizers & Their Discontents",
    "Speech Models Listen to Grammar",
}


@pytest.fixture
def sources(settings, httpserver):
    """Every arXiv source on the local server, answering at once and without retries."""
    settings.PAPERHAUL_ARXIV_DELAY = 0
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_HTTP_TIMEOUT = 2
    settings.PAPERHAUL_ARXIV_RSS_URL = httpserver.url_for("/listings")
    settings.PAPERHAUL_ARXIV_API_URL = httpserver.url_for("/api/query")
    return httpserver


def serve_listing(server, category: str) -> None:
    server.expect_request(f"/listings/rss/{category}").respond_with_data(
        LISTING, content_type="application/rss+xml"
    )


def run_queued_jobs() -> int:
    """Run the job tasks waiting in the queue, as `paperhaul worker` would; returns how many ran."""
    waiting = DBTaskResult.objects.filter(task_path=run_job.module_path, status=TaskResultStatus.READY)
    ran = 0
    for result in waiting:
        run_job.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()
        ran += 1
    return ran


def job_page(client, response):
    """Follow a form's redirect to its job page after running the queued job."""
    assert response.status_code == 302 and "/library/jobs/" in response["Location"]
    assert run_queued_jobs() == 1
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.context["job"], page.content.decode()


# --------------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/library/"),
        ("post", "/library/sync/"),
        ("post", "/library/openreview/"),
        ("post", "/library/daily/"),
        ("post", "/library/citations/"),
        ("post", "/library/import/"),
        ("post", "/library/add/"),
        ("post", "/library/refresh/"),
        ("get", "/library/jobs/1/"),
    ],
)
def test_anonymous_is_sent_to_log_in(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/library/"),
        ("post", "/library/sync/"),
        ("post", "/library/openreview/"),
        ("post", "/library/daily/"),
        ("post", "/library/citations/"),
        ("post", "/library/add/"),
        ("post", "/library/refresh/"),
        ("get", "/library/jobs/1/"),
    ],
)
def test_reader_gets_a_friendly_403(reader_client, method, path):
    data = {"categories": ["cs.CL"], "target": "2311.11077", "venues": "TMLR"}
    response = getattr(reader_client, method)(path, data)
    assert response.status_code == 403
    assert "curators (staff accounts)" in response.content.decode()
    assert not Job.objects.exists() and not Paper.objects.exists()


def test_curator_sees_the_forms_and_recent_jobs(curator_client, settings, curator):
    settings.PAPERHAUL_ARXIV_CATEGORIES = ["cs.CL", "stat.ML"]
    settings.PAPERHAUL_OPENREVIEW_VENUES = ["ICLR.cc/2025/Conference", "TMLR"]
    settings.PAPERHAUL_FETCH_SOURCES, settings.PAPERHAUL_FETCH_HOUR = ["arxiv", "daily"], 4
    Job.objects.create(
        kind=jobs.SYNC_LISTINGS, label="Fetch the latest arXiv listings: cs.CL", created_by=curator
    )
    scheduled = Job.objects.create(kind=jobs.SYNC_DAILY, label="Fetch the daily-papers list", scheduled=True)
    response = curator_client.get("/library/")
    assert response.status_code == 200
    html = response.content.decode()
    for anchor in ('id="sync"', 'id="openreview"', 'id="import"', 'id="add"'):
        assert anchor in html
    assert 'name="venues" value="ICLR.cc/2025/Conference TMLR"' in html
    fetched = "the arXiv listings of cs.CL, stat.ML; the daily-papers list"
    assert f"Every day at 04:00 UTC the worker fetches {fetched}" in html
    assert html.count('type="checkbox" name="categories"') == 2
    assert 'value="stat.ML"' in html and "checked" in html
    assert 'enctype="multipart/form-data"' in html
    assert "Fetch the latest arXiv listings: cs.CL" in html and "Queued" in html
    assert "<td>curator</td>" in html and "<td>the daily schedule</td>" in html
    assert (
        "<dd>the daily schedule</dd>" in curator_client.get(f"/library/jobs/{scheduled.pk}/").content.decode()
    )
    assert 'href="/library/"' in curator_client.get("/new/").content.decode()  # the header links here


def test_forms_refuse_get(curator_client):
    for path in ("/library/sync/", "/library/openreview/", "/library/import/", "/library/add/"):
        assert curator_client.get(path).status_code == 405
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "path, data",
    [
        ("/library/sync/", {"categories": ["cs.CL"]}),
        ("/library/openreview/", {"venues": "TMLR"}),
        ("/library/import/", {"format": "jsonl"}),
        ("/library/add/", {"target": "2311.11077"}),
    ],
)
def test_csrf_is_required_on_every_form(db, path, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("staffer", is_staff=True))
    if path.endswith("import/"):
        data = {**data, "file": SimpleUploadedFile("x.jsonl", b'{"title": "A"}\n')}
    response = client.post(path, data)
    assert response.status_code == 403
    assert "security token" in response.content.decode()
    assert not Job.objects.exists() and not Paper.objects.exists()


# --------------------------------------------------------------------------------- sync


def test_sync_fetches_the_listings_as_a_job_with_progress(curator_client, sources, curator):
    sources.expect_request("/listings/rss/cs.CL").respond_with_data(
        LISTING, content_type="application/rss+xml"
    )
    response = curator_client.post("/library/sync/", {"categories": ["cs.CL"]})
    job = Job.objects.get()
    assert (job.kind, job.state, job.params, job.created_by) == (
        jobs.SYNC_LISTINGS,
        "queued",
        {"categories": ["cs.CL"]},
        curator,
    )
    queued = curator_client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in queued  # follows the job until it ends

    job, html = job_page(curator_client, response)
    assert job.state == "done" and (job.done, job.total) == (1, 1)
    assert "cs.CL: 4 papers (added 4 / updated 0)" in html
    assert '<progress value="1" max="1"' in html
    assert 'http-equiv="refresh"' not in html
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert set(Paper.objects.values_list("title", flat=True)) == LISTING_TITLES
    assert curator_client.get("/").status_code == 200


def test_unreachable_source_fails_the_job_and_says_which_and_why(curator_client, settings, db):
    settings.PAPERHAUL_ARXIV_DELAY = 0
    settings.PAPERHAUL_HTTP_RETRIES = 0
    url = f"http://127.0.0.1:{free_port()}/listings"
    settings.PAPERHAUL_ARXIV_RSS_URL = url
    response = curator_client.post("/library/sync/", {"categories": ["cs.CL"]})
    job, html = job_page(curator_client, response)
    assert job.state == "failed"
    assert "Failed" in html
    assert (
        f"cs.CL: arXiv listings unreachable: unreachable after 1 try: Connection refused ({url}/rss/cs.CL)"
        in html
    )
    assert not Paper.objects.exists()
    home = Client().get("/")
    assert home.status_code == 200 and "The library is empty" in home.content.decode()


def test_one_failing_category_does_not_stop_the_others(curator_client, sources):
    sources.expect_request("/listings/rss/cs.CL").respond_with_data(
        LISTING, content_type="application/rss+xml"
    )
    sources.expect_request("/listings/rss/cs.LG").respond_with_data("busy", status=503)
    sources.expect_request("/listings/rss/stat.ML").respond_with_data(
        "<html><body>maintenance</body></html>", content_type="text/html"
    )
    response = curator_client.post("/library/sync/", {"categories": ["cs.LG", "cs.CL"], "other": "stat.ML"})
    job, _ = job_page(curator_client, response)
    assert job.state == "done" and (job.done, job.total) == (3, 3)
    lines = job.message.splitlines()
    assert lines[0].startswith("cs.LG: arXiv listings unreachable: HTTP 503")
    assert lines[1] == "cs.CL: 4 papers (added 4 / updated 0)"
    assert lines[2].startswith("stat.ML: arXiv listings answered with something that is not a listing:")
    assert "got an HTML page" in lines[2] and "/listings/rss/stat.ML" in lines[2]
    assert lines[3] == "1 of 3 categories fetched"
    assert Paper.objects.count() == 4


def test_sync_again_counts_unchanged_papers(curator_client, sources):
    sources.expect_request("/listings/rss/cs.CL").respond_with_data(
        LISTING, content_type="application/rss+xml"
    )
    job_page(curator_client, curator_client.post("/library/sync/", {"categories": ["cs.CL"]}))
    job, _ = job_page(curator_client, curator_client.post("/library/sync/", {"other": "cs.CL"}))
    assert job.message == "cs.CL: 4 papers (added 0 / updated 0 / unchanged 4)"


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "choose at least one category"),
        ({"other": "cs.CL; DROP TABLE"}, "is not an arXiv category"),
        ({"other": "<script>alert(1)</script>"}, "is not an arXiv category"),
        ({"other": "nonsense.XY"}, "unknown arXiv category"),
        ({"other": " ".join(f"cs.A{chr(65 + i)}" for i in range(21))}, "at most 20 categories"),
    ],
)
def test_bad_categories_are_refused_with_the_value_kept(curator_client, data, message):
    response = curator_client.post("/library/sync/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html
    assert "<script>alert" not in html
    if data.get("other", "").startswith("cs.CL;"):
        assert 'value="cs.CL; DROP TABLE"' in html
    assert not Job.objects.exists()


def test_a_job_runs_once(curator_client, sources):
    sources.expect_request("/listings/rss/cs.CL").respond_with_data(
        LISTING, content_type="application/rss+xml"
    )
    job, _ = job_page(curator_client, curator_client.post("/library/sync/", {"categories": ["cs.CL"]}))
    assert run_job.call(job.pk) == "done"
    assert len(sources.log) == 1


# --------------------------------------------------------------------------------- import


def upload(client, name: str, content: bytes, fmt: str = "jsonl", **extra):
    return client.post(
        "/library/import/", {"file": SimpleUploadedFile(name, content), "format": fmt, **extra}
    )


def uploads() -> list[Path]:
    directory = jobs.upload_dir()
    return list(directory.iterdir()) if directory.exists() else []


JSONL = b"".join(
    json.dumps(line).encode() + b"\n"
    for line in [
        {
            "id": "arxiv:2402.00001",
            "title": "Uploaded Paper One",
            "published": "2024-02-01",
            "authors": ["A. B."],
        },
        {"url": "https://example.org/blog/post", "title": "Uploaded Paper Two", "published": "2024-02-01"},
        {"title": "Uploaded Paper Three"},
    ]
)


def test_import_of_an_uploaded_jsonl_file(curator_client):
    response = upload(curator_client, "../../etc/passwd.jsonl", JSONL)
    stored = uploads()
    assert len(stored) == 1 and stored[0].parent == jobs.upload_dir()
    assert "passwd" not in stored[0].name  # the sender's name is never a path here
    job, html = job_page(curator_client, response)
    assert job.state == "done"
    assert "passwd.jsonl: added 3 / updated 0 / unchanged 0 / failed 0" in html
    assert job.params["format"] == "jsonl" and job.label == "Import passwd.jsonl (jsonl)"
    assert {"Uploaded Paper One", "Uploaded Paper Two", "Uploaded Paper Three"} == set(
        Paper.objects.values_list("title", flat=True)
    )
    assert uploads() == []  # deleted after the import


def test_import_of_the_shared_daily_papers_sample(curator_client, shared):
    sample = shared / "data" / "daily-papers-sample.jsonl"
    response = upload(curator_client, sample.name, sample.read_bytes())
    job, _ = job_page(curator_client, response)
    assert job.state == "done", job.message
    assert Paper.objects.count() > 0
    assert f"added {Paper.objects.count()}" in job.message


def test_import_of_a_links_dataset(curator_client):
    links = b"""export const posts = [
      {"blog": "https://haul.example/1", "src": "https://arxiv.org/abs/2311.11077",
       "title": "Tiny Experts", "posted": "30 Oct 2021"},
    ]"""
    job, _ = job_page(curator_client, upload(curator_client, "links.js", links, fmt="links"))
    assert job.state == "done", job.message
    assert Paper.objects.filter(key="arxiv:2311.11077").exists()


def test_import_of_a_ris_file(curator_client):
    content = b"TY  - JOUR\r\nTI  - Attention is all you need\r\nJO  - arXiv preprint arXiv:1706.03762\r\n"
    content += b"ER  - \r\n"
    job, html = job_page(curator_client, upload(curator_client, "zotero.ris", content, fmt="ris"))
    assert job.state == "done", job.message
    assert "zotero.ris: added 1 / updated 0 / unchanged 0 / failed 0" in html
    assert Paper.objects.filter(key="arxiv:1706.03762").exists()


def test_import_of_a_bibtex_file(curator_client):
    bib = b"""@article{vaswani2017attention, title={Attention is all you need},
      author={Vaswani, Ashish}, journal={arXiv preprint arXiv:1706.03762}, year={2017}}
    @misc{broken, title={never closed
    """
    job, html = job_page(curator_client, upload(curator_client, "refs.bib", bib, fmt="bibtex", skip_bad="on"))
    assert job.state == "done", job.message
    assert "refs.bib: added 1 / updated 0 / unchanged 0 / failed 1" in html
    assert Paper.objects.get(key="arxiv:1706.03762").authors == ["Ashish Vaswani"]


def test_malformed_upload_fails_with_the_line_and_writes_nothing(curator_client):
    content = JSONL + b'{"title": "Broken", \n'
    job, html = job_page(curator_client, upload(curator_client, "papers.jsonl", content))
    assert job.state == "failed"
    assert "papers.jsonl:4:" in html  # the file as the curator named it, and the line
    assert str(jobs.upload_dir()) not in html
    assert not Paper.objects.exists()  # the bad line came before the first batch was written
    assert uploads() == []


def test_malformed_upload_can_skip_bad_records(curator_client):
    content = JSONL + b"not json at all\n"
    job, html = job_page(curator_client, upload(curator_client, "papers.jsonl", content, skip_bad="on"))
    assert job.state == "done"
    assert "added 3 / updated 0 / unchanged 0 / failed 1" in html
    assert "skipped papers.jsonl:4:" in html


def test_upload_that_is_not_utf8_json_is_a_clear_failure(curator_client):
    job, html = job_page(
        curator_client, upload(curator_client, "daily.json", b"\xff\xfe\x00garbage", fmt="daily")
    )
    assert job.state == "failed"
    assert "daily.json: not UTF-8 text" in html


@pytest.mark.parametrize(
    "data, message",
    [
        ({"format": "jsonl"}, "File: This field is required."),
        ({"format": "snapshot", "file": "x"}, "Format: Select a valid choice."),
    ],
)
def test_import_form_errors(curator_client, data, message):
    if "file" in data:
        data = {**data, "file": SimpleUploadedFile("x.jsonl", JSONL)}
    response = curator_client.post("/library/import/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.exists() and uploads() == []


def test_empty_upload_is_refused(curator_client):
    response = upload(curator_client, "empty.jsonl", b"")
    assert response.status_code == 400
    assert "The submitted file is empty." in response.content.decode()
    assert not Job.objects.exists()


def test_upload_over_the_limit_is_413(curator_client, settings):
    settings.PAPERHAUL_MAX_UPLOAD_BYTES = 1000
    response = upload(curator_client, "big.jsonl", JSONL * 10)
    assert response.status_code == 413
    assert "at most 1,000 bytes" in response.content.decode()
    assert not Job.objects.exists() and uploads() == []


# --------------------------------------------------------------------------------- fill in


def link_only_papers(tmp_path) -> None:
    """Two arXiv papers as a curator's links dataset brings them: a link and a title, no more."""
    links = [
        {"blog": "https://blog.example/1", "src": "arxiv.org/abs/2311.11077", "title": "tiny experts"},
        {"blog": "https://blog.example/1", "src": "arxiv.org/abs/2401.99999", "title": "nowhere"},
    ]
    path = tmp_path / "links.json"
    path.write_text(json.dumps(links))
    import_file("links", path)


def test_papers_known_only_by_their_link_are_filled_in_as_a_job(curator_client, sources, tmp_path):
    link_only_papers(tmp_path)
    sources.expect_request("/api/query").respond_with_data(
        (ARXIV_FIXTURES / "api_feed.xml").read_bytes(), content_type="application/atom+xml"
    )
    html = curator_client.get("/library/").content.decode()
    assert 'id="refresh"' in html
    assert "2 papers came from haul posts, a links dataset or a reference file" in html
    assert "100 a request, 0 seconds apart" in html

    job, page = job_page(curator_client, curator_client.post("/library/refresh/"))

    assert (
        job.state == Job.State.DONE
        and job.label == "Fill in 2 papers known only by a link, a citation or a title"
    )
    assert (job.done, job.total) == (2, 2)
    assert "added 0 / updated 1 / unchanged 0 / failed 1" in page
    assert "arxiv:2401.99999: arXiv has no paper 2401.99999" in page
    assert Paper.objects.get(key="arxiv:2311.11077").authors[0] == "Ada K. Lovelace"
    assert "1 paper came from haul posts" in curator_client.get("/library/").content.decode()


def test_fill_in_with_arxiv_unreachable_fails_and_can_run_again(curator_client, settings, tmp_path):
    link_only_papers(tmp_path)
    settings.PAPERHAUL_ARXIV_DELAY = 0
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_ARXIV_API_URL = f"http://127.0.0.1:{free_port()}/api/query"
    job, page = job_page(curator_client, curator_client.post("/library/refresh/"))
    assert job.state == Job.State.FAILED and "failed 2" in page and "unreachable" in page
    assert "Run it again" in page
    assert set(Paper.objects.values_list("title", flat=True)) == {"tiny experts", "nowhere"}


def test_a_curator_fetches_one_link_only_paper_from_its_page(curator_client, sources, tmp_path):
    link_only_papers(tmp_path)
    sources.expect_request("/api/query").respond_with_data(
        (ARXIV_FIXTURES / "api_feed.xml").read_bytes(), content_type="application/atom+xml"
    )
    paper = Paper.objects.get(key="arxiv:2311.11077")
    html = curator_client.get("/papers/2311.11077").content.decode()
    assert f'action="/p/{paper.pk}/refresh/"' in html and "Known only by a link" in html
    assert ">PDF</a>" in html and 'href="https://arxiv.org/pdf/2311.11077"' in html, "arXiv's PDF"

    page = curator_client.post(f"/p/{paper.pk}/refresh/", follow=True)

    assert page.redirect_chain == [("/papers/2311.11077", 302)]
    html = page.content.decode()
    assert "Fetched from its source" in html and "Ada K. Lovelace" in html
    assert "Known only by a link" not in html
    assert [q.args["id_list"] for q, _ in sources.log] == ["2311.11077"]


def test_a_curator_fetches_a_citation_known_only_by_its_title_and_lands_on_the_arxiv_paper(
    curator_client, sources, tmp_path
):
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@inproceedings{tiny, title={Sparse Mixtures of Tiny Experts for Low-Resource Machine Translation},"
        " author={Lovelace, Ada}, booktitle={Proceedings of Something}, year={2023}}"
    )
    import_file("bibtex", bib)
    sources.expect_request("/api/query").respond_with_data(
        (ARXIV_FIXTURES / "api_feed.xml").read_bytes(), content_type="application/atom+xml"
    )
    paper = Paper.objects.get(key__startswith="title:")
    page = curator_client.post(f"/p/{paper.pk}/refresh/", follow=True)
    assert page.redirect_chain == [("/papers/2311.11077", 302)]
    assert "Fetched from its source" in page.content.decode()
    assert [q.args["search_query"][:20] for q, _ in sources.log] == ['ti:"sparse mixtures ']


def test_fetching_a_paper_arxiv_does_not_have_says_why_and_changes_nothing(curator_client, sources, tmp_path):
    link_only_papers(tmp_path)
    sources.expect_request("/api/query").respond_with_data(
        (ARXIV_FIXTURES / "api_feed.xml").read_bytes(), content_type="application/atom+xml"
    )
    paper = Paper.objects.get(key="arxiv:2401.99999")
    html = curator_client.post(f"/p/{paper.pk}/refresh/", follow=True).content.decode()
    assert "Could not fetch it: arXiv has no paper 2401.99999" in html
    assert Paper.objects.get(pk=paper.pk).title == "nowhere"


def test_readers_neither_see_nor_use_the_fetch_button(reader_client, tmp_path):
    link_only_papers(tmp_path)
    paper = Paper.objects.get(key="arxiv:2311.11077")
    assert "Known only by a link" not in reader_client.get("/papers/2311.11077").content.decode()
    assert reader_client.post(f"/p/{paper.pk}/refresh/").status_code == 403


def test_fill_in_with_nothing_to_fill_in_says_so_and_queues_nothing(curator_client):
    response = curator_client.post("/library/refresh/", follow=True)
    assert "every paper with a link has been fetched from its source already" in response.content.decode()
    assert 'id="refresh"' not in response.content.decode()
    assert not Job.objects.exists()


# --------------------------------------------------------------------------------- add


def test_add_by_arxiv_url_opens_the_paper_page(curator_client, sources):
    sources.expect_request("/api/query").respond_with_data(
        (ARXIV_FIXTURES / "api_feed.xml").read_bytes(), content_type="application/atom+xml"
    )
    response = curator_client.post("/library/add/", {"target": "https://arxiv.org/abs/2311.11077v2"})
    assert response.status_code == 302
    assert response["Location"] == "/papers/2311.11077"
    assert sources.log[0][0].args["id_list"] == "2311.11077"
    paper = Paper.objects.get(key="arxiv:2311.11077")
    assert paper.title == "Sparse Mixtures of Tiny Experts for Low-Resource Machine Translation"


@pytest.mark.parametrize(
    "target, message",
    [
        ("just some words", "not an arXiv id, DOI or URL"),
        ("javascript:alert(1)", "not an arXiv id, DOI or URL"),
        ("", "give an arXiv id, a DOI or a URL"),
    ],
)
def test_add_garbage_is_a_clear_error_with_the_value_kept(curator_client, sources, target, message):
    response = curator_client.post("/library/add/", {"target": target})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'id="add-error"' in html
    assert f'value="{target}"' in html
    assert not Paper.objects.exists() and not sources.log


def test_add_from_an_unreachable_source_is_502(curator_client, settings):
    settings.PAPERHAUL_ARXIV_DELAY = 0
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_ARXIV_API_URL = f"http://127.0.0.1:{free_port()}/api/query"
    response = curator_client.post("/library/add/", {"target": "2311.11077"})
    assert response.status_code == 502
    html = response.content.decode()
    assert "unreachable after 1 try" in html and 'value="2311.11077"' in html
    assert not Paper.objects.exists()


def test_add_an_id_arxiv_does_not_have_is_502_with_the_reason(curator_client, sources):
    empty_feed = (ARXIV_FIXTURES / "api_feed.xml").read_text().split("<entry>")[0] + "</feed>"
    sources.expect_request("/api/query").respond_with_response(
        Response(empty_feed, content_type="application/atom+xml")
    )
    response = curator_client.post("/library/add/", {"target": "arXiv:2399.99999"})
    assert response.status_code == 502
    assert "arXiv has no paper 2399.99999" in response.content.decode()


# --------------------------------------------------------------------------------- job page


def test_unknown_job_is_404(curator_client):
    assert curator_client.get("/library/jobs/999/").status_code == 404


def test_a_queued_job_says_it_waits_for_a_worker(curator_client):
    job = Job.objects.create(kind=jobs.SYNC_LISTINGS, label="Fetch", params={"categories": ["cs.CL"]})
    html = curator_client.get(f"/library/jobs/{job.pk}/").content.decode()
    assert "Queued" in html and "waiting for <code>paperhaul worker</code>" in html
    assert "<progress aria-label" in html  # no total yet: an indeterminate bar


def test_a_job_that_breaks_unexpectedly_is_marked_failed(db):
    job = Job.objects.create(kind="no-such-kind", label="Broken")
    with pytest.raises(KeyError):
        run_job.call(job.pk)  # raised, so the worker logs the traceback
    job.refresh_from_db()
    assert job.state == "failed" and job.finished_at
    assert "stopped by an unexpected error (KeyError)" in job.message
