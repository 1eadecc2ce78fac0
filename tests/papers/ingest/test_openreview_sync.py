"""OpenReview end to end: `paperhaul sync openreview`, `add` of a forum or PDF link, refreshing a
paper a haul linked to, and the upgrade that rekeys PDF links; against a local server in the API's
shape."""

from __future__ import annotations

import copy
import json

import orjson
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from werkzeug import Response

from paperhaul.papers.importing import import_file
from paperhaul.papers.models import Identifier, Paper, SourceRecord
from paperhaul.papers.refresh import incomplete, refresh
from tests.papers.ingest.test_openreview import ACCEPTED, API_1, UNDER_REVIEW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_sources")]
NOTES = "/openreview/notes"
FORUM = "url:https://openreview.net/forum?id=abcDEF123x"
JSON = "application/json"


def serve_venues(site, venues: dict[str, list[dict]]) -> None:
    """Answer venue listings (by content.venueid) and single notes (by id) from ``venues``."""

    def handler(request):
        if "id" in request.args:
            notes = [n for ns in venues.values() for n in ns if n["id"] == request.args["id"]]
            if not notes:
                error = {"name": "NotFoundError", "message": "The Note was not found", "status": 404}
                return Response(orjson.dumps(error), status=404, content_type=JSON)
            return Response(orjson.dumps({"notes": notes}), content_type=JSON)
        notes = venues.get(request.args["content.venueid"], [])
        offset, limit = int(request.args["offset"]), int(request.args["limit"])
        page = {"notes": notes[offset : offset + limit], "count": len(notes)}
        return Response(orjson.dumps(page), content_type=JSON)

    site.handle(NOTES, handler)


def test_sync_a_venue_then_again_changes_nothing(site, capsys):
    serve_venues(
        site, {"ICLR.cc/2025/Conference": [ACCEPTED], "ICLR.cc/2026/Conference/Submission": [UNDER_REVIEW]}
    )
    call_command(
        "sync",
        "openreview",
        "--venue",
        "ICLR.cc/2025/Conference",
        "--venue",
        "ICLR.cc/2026/Conference/Submission",
    )
    assert capsys.readouterr().out.strip() == "added 2 / updated 0 / unchanged 0 / failed 0"
    paper = Paper.objects.get(key=FORUM)
    assert paper.title == "Scaling Laws for Sparse Mixture-of-Experts"
    assert paper.authors == ["Alice Smith", "Björn Jones"]
    assert paper.comments == "ICLR 2025 Oral"
    assert paper.pdf_url == "https://openreview.net/pdf?id=abcDEF123x"
    assert SourceRecord.objects.get(paper=paper).data["venue_id"] == "ICLR.cc/2025/Conference"
    assert not incomplete(), "OpenReview's papers are complete"

    call_command("sync", "openreview", "--venue", "ICLR.cc/2025/Conference", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (0, 0, 1)


def test_a_decision_updates_the_paper(site, capsys):
    under_review = copy.deepcopy(ACCEPTED)
    under_review["content"]["venue"] = {"value": "Submitted to ICLR 2025"}
    under_review["content"]["venueid"] = {"value": "ICLR.cc/2025/Conference/Submission"}
    serve_venues(site, {"ICLR.cc/2025/Conference/Submission": [under_review]})
    call_command("sync", "openreview", "--venue", "ICLR.cc/2025/Conference/Submission")
    assert Paper.objects.get(key=FORUM).journal_ref == ""
    site.server.clear()
    serve_venues(site, {"ICLR.cc/2025/Conference": [ACCEPTED]})
    call_command("sync", "openreview", "--venue", "ICLR.cc/2025/Conference")
    assert "updated 1" in capsys.readouterr().out
    paper = Paper.objects.get(key=FORUM)
    assert (paper.comments, paper.journal_ref) == (
        "ICLR 2025 Oral",
        "The Thirteenth International Conference on Learning Representations (2025)",
    )


def test_venues_come_from_the_setting_and_an_empty_one_is_noted(site, settings, capsys):
    settings.PAPERHAUL_OPENREVIEW_VENUES = ["ICLR.cc/2025/Conference", "ICLR.cc/2O25/Conference"]
    serve_venues(site, {"ICLR.cc/2025/Conference": [ACCEPTED]})
    call_command("sync", "openreview")
    captured = capsys.readouterr()
    assert captured.out.startswith("added 1")
    assert "ICLR.cc/2O25/Conference: OpenReview lists no paper in this venue" in captured.err


def test_a_venue_that_lists_nothing_is_an_error(site):
    serve_venues(site, {})
    with pytest.raises(CommandError, match="OpenReview lists no paper in this venue"):
        call_command("sync", "openreview", "--venue", "ICLR.cc/2025/Conference/Oral")


def test_sync_without_a_venue_says_how_to_give_one(settings):
    settings.PAPERHAUL_OPENREVIEW_VENUES = []
    with pytest.raises(CommandError, match="give --venue or set PAPERHAUL_OPENREVIEW_VENUES"):
        call_command("sync", "openreview")


def test_an_unreachable_api_is_one_clear_error_and_writes_nothing(settings):
    settings.PAPERHAUL_OPENREVIEW_API_URL = "http://127.0.0.1:9"
    with pytest.raises(CommandError, match="unreachable"):
        call_command("sync", "openreview", "--venue", "TMLR")
    assert Paper.objects.count() == 0


def test_add_a_pdf_link_asks_the_api_for_its_forum(site, capsys):
    serve_venues(site, {"ICLR.cc/2025/Conference": [ACCEPTED]})
    call_command("add", "https://openreview.net/pdf?id=abcDEF123x")
    assert capsys.readouterr().out.startswith(f"added {FORUM} Scaling Laws")
    assert site.queries(NOTES) == [{"id": "abcDEF123x"}]
    call_command("add", "https://openreview.net/forum?id=abcDEF123x&noteId=rev1")
    assert capsys.readouterr().out.startswith(f"unchanged {FORUM}")
    call_command("show", "https://openreview.net/pdf?id=abcDEF123x")
    shown = capsys.readouterr().out
    assert (
        "comments: ICLR 2025 Oral\n" in shown and "pdf_url: https://openreview.net/pdf?id=abcDEF123x" in shown
    )


def test_a_forum_of_an_older_venue_comes_from_api_1_and_a_missing_one_is_an_error(site, capsys):
    serve_venues(site, {})
    site.serve("/openreview-v1/notes", orjson.dumps({"notes": [API_1]}), content_type=JSON)
    call_command("add", "https://openreview.net/forum?id=B1lfHhR9tm")
    assert capsys.readouterr().out.startswith(
        "added url:https://openreview.net/forum?id=B1lfHhR9tm The Neuro-Symbolic Concept Learner"
    )
    assert [q["id"] for q in site.queries(NOTES) + site.queries("/openreview-v1/notes")] == ["B1lfHhR9tm"] * 2
    with pytest.raises(CommandError, match="could not be added"):
        call_command("add", "https://openreview.net/pdf?id=nowhere")
    assert "OpenReview has no paper nowhere" in capsys.readouterr().err
    assert Paper.objects.count() == 1


def test_refresh_fills_in_a_forum_a_haul_linked_to(tmp_path, site):
    links = [
        {
            "blog": "https://blog.example/1",
            "src": "https://openreview.net/forum?id=abcDEF123x",
            "title": "moe",
        }
    ]
    path = tmp_path / "links.json"
    path.write_text(json.dumps(links))
    import_file("links", path)
    assert incomplete() == [FORUM]
    serve_venues(site, {"ICLR.cc/2025/Conference": [ACCEPTED]})
    stats = refresh(incomplete())
    assert (stats.updated, stats.failed) == (1, 0)
    paper = Paper.objects.get(key=FORUM)
    assert paper.title == "Scaling Laws for Sparse Mixture-of-Experts" and paper.abstract
    assert incomplete() == []


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_keys_papers_by_their_forum():
    executor = MigrationExecutor(connection)
    executor.migrate([("papers", "0003_job_updated_at")])
    old = {
        "url:https://openreview.net/pdf?id=AAA": "forum?id=AAA",
        "url:https://openreview.net/forum?id=BBB&noteId=r1": "forum?id=BBB",
        "url:https://openreview.net/group?id=TMLR": "group?id=TMLR",
        "url:https://openreview.net/pdf?id=CCC": "pdf?id=CCC",  # its forum is in the library already
        "url:https://openreview.net/forum?id=CCC": "forum?id=CCC",
    }
    for key in old:
        paper = Paper.objects.create(key=key, title=key)
        Identifier.objects.create(key=key, paper=paper)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("papers", "0004_openreview_forum_keys")])
    for before, after in old.items():
        paper = Paper.objects.get(title=before)
        assert paper.key == f"url:https://openreview.net/{after}", before
        assert Identifier.objects.filter(key=paper.key, paper=paper).exists()
        assert Identifier.objects.filter(key=before, paper=paper).exists(), "the old link still resolves"


def test_a_venue_page_names_its_venue_and_a_malformed_id_is_refused(site, capsys):
    serve_venues(site, {"ICLR.cc/2025/Conference": [ACCEPTED]})
    call_command("sync", "openreview", "--venue", "https://openreview.net/group?id=ICLR.cc/2025/Conference")
    assert capsys.readouterr().out.startswith("added 1")
    with pytest.raises(CommandError, match="“ICLR 2025” is not an OpenReview venue id"):
        call_command("sync", "openreview", "--venue", "ICLR 2025")
    assert len(site.requests(NOTES)) == 1
