"""`paperhaul sync` and `paperhaul add` end to end against local servers in the sources' formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from paperhaul.errors import SourceUnavailable
from paperhaul.papers.models import Paper, SourceRecord, SyncState
from paperhaul.papers.sync import sync_oai

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_sources")]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def serve_oai(site, *, second_page_fails: bool) -> None:
    def handler(request):
        from werkzeug import Response

        if request.args.get("resumptionToken") == "7219844|1001":
            if second_page_fails:
                return Response("busy", status=503)
            return Response(fixture("arxiv/oai_page2.xml"), content_type="text/xml")
        return Response(fixture("arxiv/oai_page1.xml"), content_type="text/xml")

    site.handle("/oai", handler)


def test_oai_sync_resumes_after_a_failure_without_fetching_again(site):
    serve_oai(site, second_page_fails=True)
    with pytest.raises(SourceUnavailable, match="HTTP 503"):
        sync_oai(["cs.CL"], since=None)
    state = SyncState.objects.get(name="arxiv-oai:cs:cs:CL")
    assert state.resumption_token == "7219844|1001"
    assert set(Paper.objects.values_list("key", flat=True)) == {"arxiv:2311.11077", "arxiv:2311.11078"}

    site.server.clear()
    serve_oai(site, second_page_fails=False)
    stats, notes = sync_oai(["cs.CL"])
    assert [q.get("resumptionToken") for q in site.queries("/oai")] == ["7219844|1001"]
    assert "resuming" in notes[0]
    assert (stats.added, stats.unchanged) == (2, 0), "page 1 was not fetched or written again"
    state.refresh_from_db()
    assert state.resumption_token == "" and state.completed_through is not None
    assert Paper.objects.filter(key="arxiv:math/0309136").exists()


def test_oai_sync_command_first_request_names_set_and_dates(site, capsys):
    serve_oai(site, second_page_fails=False)
    call_command("sync", "arxiv", "--category", "cs.CL", "--since", "2023-11-20", "--until", "2023-11-22")
    first = site.queries("/oai")[0]
    assert first == {
        "verb": "ListRecords",
        "metadataPrefix": "arXiv",
        "set": "cs:cs:CL",
        "from": "2023-11-20",
        "until": "2023-11-22",
    }
    assert capsys.readouterr().out.strip() == "added 4 / updated 0 / unchanged 0 / failed 0"
    call_command("sync", "arxiv", "--category", "cs.CL", "--since", "2023-11-20")
    assert capsys.readouterr().out.strip() == "added 0 / updated 0 / unchanged 4 / failed 0"


def test_next_sync_starts_where_the_last_one_ended(site):
    serve_oai(site, second_page_fails=False)
    sync_oai(["cs.CL"], since=None)
    state = SyncState.objects.get()
    sync_oai(["cs.CL"])
    from datetime import timedelta

    assert site.queries("/oai")[-2]["from"] == (state.completed_through - timedelta(days=1)).isoformat()


def test_listing_sync_records_announce_types(site, capsys):
    site.serve("/rss-base/rss/cs.CL", fixture("arxiv/listing_cs_CL.rss"), content_type="application/rss+xml")
    call_command("sync", "arxiv", "--via", "listing", "--category", "cs.CL", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert summary["added"] >= 1 and summary["failed"] == 0
    types = {r.data["announce_type"] for r in SourceRecord.objects.filter(source="arxiv-listing")}
    assert types <= {"new", "cross", "replace", "replace-cross"} and types


def test_add_arxiv_id_fetches_from_the_api(site, capsys):
    site.serve("/api/query", fixture("arxiv/api_feed.xml"), content_type="application/atom+xml")
    call_command("add", "https://arxiv.org/pdf/2311.11077v2.pdf", "--note", "read section 3")
    out = capsys.readouterr().out
    assert out.startswith("added arxiv:2311.11077 Sparse Mixtures of Tiny Experts")
    assert site.queries("/api/query")[0]["id_list"] == "2311.11077"
    paper = Paper.objects.get(key="arxiv:2311.11077")
    assert paper.note == "read section 3"
    call_command("add", "arXiv:2311.11077")
    assert capsys.readouterr().out.startswith("unchanged arxiv:2311.11077")


def test_cite_fetch_stores_what_the_library_lacks_and_cites_it(site, capsys):
    site.serve("/api/query", fixture("arxiv/api_feed.xml"), content_type="application/atom+xml")
    call_command("cite", "--fetch", "https://arxiv.org/abs/2311.11077")
    out = capsys.readouterr().out
    assert out.startswith("@misc{") and "  eprint = {2311.11077},\n" in out
    assert Paper.objects.filter(key="arxiv:2311.11077").exists()
    call_command("cite", "--fetch", "2311.11077")
    assert capsys.readouterr().out == out
    assert len(site.queries("/api/query")) == 1  # known now: not fetched again


def test_cite_fetch_of_an_unreachable_source_is_one_clear_error(settings, capsys):
    settings.PAPERHAUL_ARXIV_API_URL = "http://127.0.0.1:9/api/query"
    with pytest.raises(CommandError, match="unreachable"):
        call_command("cite", "--fetch", "2311.11077")
    assert capsys.readouterr().out == ""


def test_add_doi_follows_the_resolver_to_the_landing_page(site, capsys):
    from werkzeug import Response

    site.handle(
        "/doi/10.1101/2023.10.01.560123",
        lambda request: Response("", status=302, headers={"Location": site.url("/content/paper")}),
    )
    site.serve("/content/paper", fixture("web/biorxiv.html"), content_type="text/html; charset=utf-8")
    call_command("add", "doi:10.1101/2023.10.01.560123")
    assert capsys.readouterr().out.startswith("added doi:10.1101/2023.10.01.560123 Protein language models")


def test_add_web_page_and_github_repo(site, capsys):
    site.serve("/blog/post", fixture("web/blog.html"), content_type="text/html")
    call_command("add", site.url("/blog/post"), "--json")
    [result] = json.loads(capsys.readouterr().out)
    assert result["outcome"] == "added" and result["key"].startswith("url:")


def test_add_unreachable_source_is_one_clear_error_and_writes_nothing(settings, capsys):
    settings.PAPERHAUL_ARXIV_API_URL = "http://127.0.0.1:9/api/query"
    with pytest.raises(CommandError, match="could not be added"):
        call_command("add", "2311.11077")
    assert "unreachable" in capsys.readouterr().err
    assert Paper.objects.count() == 0


def test_sync_daily_stores_upvotes(site, capsys):
    entry = {
        "paper": {
            "id": "2311.11045",
            "title": "A Daily Paper",
            "summary": "We do things.",
            "authors": [{"name": "Ada Lovelace"}],
            "publishedAt": "2023-11-18T10:00:00.000Z",
            "upvotes": 42,
        },
        "publishedAt": "2023-11-20T10:00:00.000Z",
        "numComments": 3,
    }
    site.serve("/api/daily_papers", json.dumps([entry]), content_type="application/json")
    call_command("sync", "daily", "--date", "2023-11-20")
    assert site.queries("/api/daily_papers")[0] == {"date": "2023-11-20"}
    record = SourceRecord.objects.get(source="daily-papers")
    assert record.data["upvotes"] == 42 and record.paper.key == "arxiv:2311.11045"
