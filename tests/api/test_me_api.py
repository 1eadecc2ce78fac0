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
