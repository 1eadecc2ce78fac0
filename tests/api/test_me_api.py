"""A reader's own lists through the API: their saved papers (with the versions posted since) and
the replies to their comments; nobody else's, and nothing without knowing who asks."""

from __future__ import annotations

import datetime as dt

import pytest

from paperhaul.community.comments import add_comment
from paperhaul.community.models import SavedPaper
from paperhaul.community.reactions import set_saved
from paperhaul.papers.models import Paper
from paperhaul.papers.records import PaperRecord, Version
from paperhaul.papers.upsert import Library

pytestmark = pytest.mark.django_db


def arxiv(versions: int) -> PaperRecord:
    dates = [dt.datetime(2024, n, 1, tzinfo=dt.UTC) for n in range(1, versions + 1)]
    return PaperRecord(
        source="arxiv-api",
        key="arxiv:2401.00011",
        title="Revised since",
        versions=tuple(Version(n, when) for n, when in enumerate(dates, start=1)),
    )


def test_saved_papers_say_which_have_a_new_version(client, papers, reader, as_reader):
    Library().upsert([arxiv(1)])
    set_saved(reader, Paper.objects.get(key="arxiv:2401.00011"), True)
    SavedPaper.objects.update(created_at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    set_saved(reader, papers["arxiv:2401.00002"], True)
    Library().upsert([arxiv(2)])  # v2 on 1 February
    body = client.get("/api/me/saved", headers=as_reader).json()
    assert [(p["key"], p["revised_since_saved"]) for p in body["papers"]] == [
        ("arxiv:2401.00002", ""),
        ("arxiv:2401.00011", "v2"),
    ]
    assert (body["page"], body["has_next"]) == (1, False)


def test_replies_to_the_caller_s_comments(client, papers, reader, other_reader, as_reader, as_other):
    paper = papers["arxiv:2401.00001"]
    question = add_comment(reader, paper, "Does it scale?")
    add_comment(other_reader, paper, "It does.", parent=question)
    add_comment(reader, paper, "Thanks.", parent=question)
    [reply] = client.get("/api/me/replies", headers=as_reader).json()["replies"]
    assert (reply["author"], reply["body"], reply["paper_key"]) == ("other", "It does.", "arxiv:2401.00001")
    assert reply["url"].startswith("/papers/2401.00001#comment-")
    assert client.get("/api/me/replies", headers=as_other).json()["replies"] == []


def test_nothing_without_knowing_who_asks(client, papers):
    for path in ("/api/me/saved", "/api/me/replies"):
        response = client.get(path)
        assert response.status_code == 401 and "authentication required" in response.json()["detail"]
    assert (
        client.get("/api/me/saved?limit=1000", headers={"Authorization": "Bearer ph_nope"}).status_code == 401
    )


def test_the_reading_list_through_the_api(client, papers, reader, as_reader):
    json = {"content_type": "application/json", "headers": as_reader}
    marked = client.patch(
        "/api/papers/2401.00002/save", {"read": True, "note": "Compare with Longformer."}, **json
    )
    assert marked.status_code == 200
    body = marked.json()
    assert (body["saved"], body["read"], body["note"]) == (True, True, "Compare with Longformer.")
    assert body["read_at"] and body["saved_at"]
    client.patch("/api/papers/2401.00003/save", {}, **json)  # saved, to read
    listed = client.get("/api/me/saved?state=to-read", headers=as_reader).json()
    assert [(p["key"], p["read_at"], p["note"]) for p in listed["papers"]] == [("arxiv:2401.00003", None, "")]
    [read] = client.get("/api/me/saved?state=read", headers=as_reader).json()["papers"]
    assert (read["key"], read["note"]) == ("arxiv:2401.00002", "Compare with Longformer.")
    newest = client.get("/api/new", headers=as_reader).json()["papers"]
    assert {p["key"] for p in newest if p["saved"]} == {"arxiv:2401.00002", "arxiv:2401.00003"}
    assert not any(p["saved"] for p in client.get("/api/new").json()["papers"]), "nobody's for nobody"
    back = client.patch("/api/papers/2401.00002/save", {"read": False}, **json).json()
    assert (back["read"], back["note"]) == (False, "Compare with Longformer."), "the note stays"
    assert len(client.get("/api/me/saved", headers=as_reader).json()["papers"]) == 2


def test_reading_list_errors_change_nothing(client, papers, reader, as_reader):
    json = {"content_type": "application/json", "headers": as_reader}
    too_long = client.patch("/api/papers/2401.00002/save", {"read": True, "note": "x" * 5001}, **json)
    assert too_long.status_code == 400
    assert too_long.json()["detail"] == "a note is at most 5,000 characters (this one has 5,001)"
    assert not SavedPaper.objects.exists()
    assert client.patch("/api/papers/2401.00002/save", {"read": "perhaps"}, **json).status_code == 422
    assert client.get("/api/me/saved?state=later", headers=as_reader).status_code == 422
    assert client.patch("/api/papers/2499.99999/save", {"read": True}, **json).status_code == 404
    anonymous = client.patch("/api/papers/2401.00002/save", {"read": True}, content_type="application/json")
    assert anonymous.status_code == 401
    assert not SavedPaper.objects.exists()
