"""The curators' API: adding a paper by its address, answering possible duplicates, merging (and
its dry run); readers and strangers are refused, and a refused call changes nothing."""

from __future__ import annotations

import pytest

from paperhaul.community.reactions import set_upvote
from paperhaul.papers.models import Paper, PossibleDuplicate
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library
from tests.web.test_library import ARXIV_FIXTURES

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}
FORUM = "url:https://openreview.net/forum?id=SparseAttn"


@pytest.fixture
def twin(papers) -> Paper:
    """An OpenReview item of the sparse-attention paper, reported by the import as its possible duplicate."""
    forum, _ = Library().upsert_one(
        PaperRecord(
            source="openreview", key=FORUM, title="Sparse Attention for Long Documents", journal_ref="ICLR"
        )
    )
    return forum


def test_a_curator_adds_a_paper_by_its_address(client, db, as_curator, settings, httpserver):
    settings.PAPERHAUL_ARXIV_API_URL = httpserver.url_for("/api/query")
    settings.PAPERHAUL_ARXIV_DELAY = 0
    httpserver.expect_request("/api/query").respond_with_data(
        (ARXIV_FIXTURES / "api_feed.xml").read_bytes(), content_type="application/atom+xml"
    )
    added = client.post(
        "/api/library/papers", {"target": "https://arxiv.org/abs/2311.11077v2"}, headers=as_curator, **JSON
    )
    assert added.status_code == 200
    body = added.json()
    assert (body["outcome"], body["paper"]["key"]) == ("added", "arxiv:2311.11077")
    again = client.post("/api/library/papers", {"target": "2311.11077"}, headers=as_curator, **JSON)
    assert again.json()["outcome"] == "unchanged"


def test_a_source_that_fails_is_a_502(client, db, as_curator, unreachable_arxiv):
    failed = client.post("/api/library/papers", {"target": "2401.99999"}, headers=as_curator, **JSON)
    assert failed.status_code == 502 and unreachable_arxiv in failed.json()["detail"]
    assert not Paper.objects.exists()


def test_reports_are_listed_and_dismissed(client, twin, as_curator):
    [listed] = client.get("/api/library/duplicates", headers=as_curator).json()["reports"]
    assert (listed["reason"], listed["paper"]["key"], listed["other"]["key"]) == (
        "same normalised title",
        "arxiv:2401.00002",
        FORUM,
    )
    assert (
        client.post(f"/api/library/duplicates/{listed['id']}/dismiss", headers=as_curator).status_code == 204
    )
    assert client.get("/api/library/duplicates", headers=as_curator).json()["reports"] == []
    assert PossibleDuplicate.objects.get().status == "dismissed"
    assert client.post("/api/library/duplicates/999/dismiss", headers=as_curator).status_code == 404


def test_a_merge_is_tried_then_done(client, twin, papers, reader, as_curator):
    set_upvote(reader, twin, True)
    ask = {"keep": "2401.00002", "other": "https://openreview.net/forum?id=SparseAttn"}
    tried = client.post("/api/library/merge", {**ask, "dry_run": True}, headers=as_curator, **JSON).json()
    assert tried["dry_run"] and tried["absorbed"] == FORUM and "journal_ref" in tried["filled"]
    assert tried["moved"]["votes"] == 1
    assert Paper.objects.filter(key=FORUM).exists(), "a dry run changes nothing"
    done = client.post("/api/library/merge", ask, headers=as_curator, **JSON).json()
    assert (done["dry_run"], done["key"]) == (False, "arxiv:2401.00002")
    assert not Paper.objects.filter(key=FORUM).exists()
    assert Paper.objects.get(key="arxiv:2401.00002").journal_ref == "ICLR"
    same = client.post(
        "/api/library/merge", {"keep": "2401.00002", "other": "2401.00002"}, headers=as_curator, **JSON
    )
    assert same.status_code == 400 and "already one item" in same.json()["detail"]


def test_a_merge_found_wrong_is_undone(client, twin, papers, reader, as_curator):
    set_upvote(reader, twin, True)
    ask = {"keep": "2401.00002", "other": FORUM}
    assert (
        client.post("/api/library/merge", {**ask, "dry_run": True}, headers=as_curator, **JSON).json()[
            "merge"
        ]
        is None
    )
    done = client.post("/api/library/merge", ask, headers=as_curator, **JSON).json()
    listed = client.get("/api/library/merges", headers=as_curator).json()
    assert (listed["page"], listed["has_next"]) == (1, False)
    [merge] = listed["merges"]
    assert merge["id"] == done["merge"] and (merge["key"], merge["absorbed"]) == ("arxiv:2401.00002", FORUM)
    assert merge["by"] == "curator" and merge["undone_at"] is None
    assert merge["summary"].startswith(f"Merged {FORUM} into arxiv:2401.00002")

    undo = f"/api/library/merges/{merge['id']}/undo"
    tried = client.post(undo, {"dry_run": True}, headers=as_curator, **JSON).json()
    assert tried["dry_run"] and tried["restored"] == FORUM and tried["attached"]["votes"] == 1
    assert not Paper.objects.filter(key=FORUM).exists(), "a dry run changes nothing"
    undone = client.post(undo, {}, headers=as_curator, **JSON).json()
    assert (undone["dry_run"], undone["key"], undone["restored"]) == (False, "arxiv:2401.00002", FORUM)
    assert Paper.objects.get(key=FORUM).journal_ref == "ICLR"
    assert Paper.objects.get(key="arxiv:2401.00002").journal_ref == ""
    assert client.get("/api/library/merges", headers=as_curator).json()["merges"][0]["undone_by"] == "curator"
    again = client.post(undo, {}, headers=as_curator, **JSON)
    assert again.status_code == 400 and "undone already" in again.json()["detail"]
    assert client.post("/api/library/merges/999/undo", {}, headers=as_curator, **JSON).status_code == 404


def test_readers_and_strangers_are_refused(client, twin, as_reader):
    for method, path, body in (
        ("post", "/api/library/papers", {"target": "2401.00009"}),
        ("get", "/api/library/duplicates", None),
        ("post", "/api/library/merge", {"keep": "2401.00002", "other": FORUM}),
        ("get", "/api/library/merges", None),
        ("post", "/api/library/merges/1/undo", {"dry_run": True}),
    ):
        call = getattr(client, method)
        kwargs = {"data": body, **JSON} if body else {}
        assert call(path, headers=as_reader, **kwargs).status_code == 403, path
        assert call(path, **kwargs).status_code == 401, path
    assert Paper.objects.filter(key=FORUM).exists() and PossibleDuplicate.objects.get().status == "open"
