"""Author pages and profiles: an author's papers, a reader's upvotes and comments, private saves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from paperhaul.community import comments, people, reactions
from paperhaul.community.models import SavedPaper
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from tests.web.conftest import record

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].items]


def test_author_page_lists_their_papers_newest_first(client, papers):
    response = client.get("/authors/Ada Lovelace")
    assert response.status_code == 200
    assert titles(response) == [
        "Speech Recognition with Tiny Transformers",
        "Reward Models Are Not Enough",
        "An Old Paper About Tokenizers",
    ]
    html = response.content.decode()
    assert "<h1>Ada Lovelace</h1>" in html


def test_an_author_is_followed_by_feed_and_e_mail(client, papers):
    html = client.get("/authors/Ada Lovelace").content.decode()
    query = "q=author%3A%22Ada+Lovelace%22"
    assert f'<a href="/feeds/search.rss?{query}" type="application/rss+xml">RSS</a>' in html
    assert f'href="/feeds/search.atom?{query}"' in html and f'href="/subscribe/?{query}"' in html
    assert 'rel="alternate" type="application/rss+xml"' in html
    feed = client.get(f"/feeds/search.rss?{query}").content.decode()
    newest, older = "Speech Recognition with Tiny Transformers", "Reward Models Are Not Enough"
    assert feed.index(newest) < feed.index(older)
    assert "Sparse Attention for Long Documents" not in feed
    form = client.get(f"/subscribe/?{query}").content.decode()
    assert "author:&quot;Ada Lovelace&quot;" in form


def test_author_names_must_match_a_whole_author(client, papers):
    """Words that run on from one author into the next are not that author."""
    Library().upsert(
        [
            record("arxiv:2401.00010", "Two Collaborators", authors=("Grace Ada", "Lovelace Hopper")),
            record("arxiv:2401.00011", "A Namesake", authors=("Ada Lovelace-King",)),
            record("arxiv:2401.00012", "Spacing and Case", authors=("ada  LOVELACE",)),
        ]
    )
    found = titles(client.get("/authors/Ada Lovelace"))
    assert "Two Collaborators" not in found and "A Namesake" not in found
    assert "Spacing and Case" in found
    assert titles(client.get("/authors/Lovelace Hopper")) == ["Two Collaborators"]


def test_author_page_is_paginated(client, db):
    Library().upsert(
        [
            record(f"arxiv:2401.{i:05d}", f"Paper number {i}", days_ago=i, authors=("Prolific Writer",))
            for i in range(1, 36)
        ]
    )
    first = client.get("/authors/Prolific Writer")
    assert titles(first) == [f"Paper number {i}" for i in range(1, 31)]
    assert first.context["page"].has_next
    assert 'rel="next" href="?page=2"' in first.content.decode()
    second = client.get("/authors/Prolific Writer", {"page": 2})
    assert titles(second) == [f"Paper number {i}" for i in range(31, 36)]
    assert not second.context["page"].has_next
    assert client.get("/authors/Prolific Writer", {"page": 3}).status_code == 404
    assert client.get("/authors/Prolific Writer", {"page": "x"}).status_code == 404


def test_author_papers_are_read_from_the_index_in_batches(db, monkeypatch):
    """A prolific author's first page reads only as many candidates as it needs."""
    Library().upsert(
        [
            record(f"arxiv:2402.{i:05d}", f"Paper {i}", days_ago=i, authors=("Batch Author",))
            for i in range(1, 12)
        ]
        + [record("arxiv:2402.00099", "Other", authors=("Batch", "Author Else"))]
    )
    monkeypatch.setattr(people, "CANDIDATE_BATCH", 4)
    ids = people.author_paper_ids("Batch Author", 11)
    assert len(ids) == 11
    assert people.author_paper_ids("Batch Author", 5) == ids[:5]


@pytest.mark.parametrize("name", ["Nobody Atall", "!!!", "x" * 400, "<script>alert(1)</script>"])
def test_unknown_author_is_404(client, papers, name):
    response = client.get(f"/authors/{name}")
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.content.decode()


def test_author_names_in_hostile_imports_are_escaped(client, db):
    Library().upsert_one(record("arxiv:2402.00666", "Hostile", authors=("<img src=x onerror=alert(1)>",)))
    response = client.get("/authors/<img src=x onerror=alert(1)>")
    assert response.status_code == 200
    assert "<img src=x" not in response.content.decode()


@pytest.fixture
def active_reader(reader, other_reader, papers):
    """The reader upvoted two papers, saved one and wrote comments (one later hidden, one deleted)."""
    reactions.set_upvote(reader, papers["arxiv:2401.00002"], True)
    reactions.set_upvote(reader, papers["arxiv:2401.00004"], True)
    reactions.set_saved(reader, papers["arxiv:2401.00003"], True)
    dpo = papers["arxiv:2401.00001"]
    kept = comments.add_comment(reader, dpo, "Worth reading, **really**")
    gone = comments.add_comment(reader, dpo, "Deleted later")
    comments.delete_comment(reader, gone)
    return reader, kept


def test_profile_shows_upvotes_newest_first_to_everyone(client, active_reader):
    response = client.get("/u/reader/")
    assert response.status_code == 200
    assert titles(response) == ["Reward Models Are Not Enough", "Sparse Attention for Long Documents"]
    html = response.content.decode()
    assert "<h1>reader</h1>" in html
    assert "?show=saved" not in html
    assert "/accounts/password/change/" not in html and "/accounts/tokens/" not in html


def test_profile_comments_link_to_the_comment(client, active_reader):
    _, kept = active_reader
    response = client.get("/u/reader/", {"show": "comments"})
    assert [c.body for c in response.context["page"].items] == ["Worth reading, **really**"]
    html = response.content.decode()
    assert f'href="/papers/2401.00001#comment-{kept.pk}"' in html
    assert "Deleted later" not in html


def test_saved_papers_show_only_to_their_owner(client, active_reader, other_reader):
    reader, _ = active_reader
    assert client.get("/u/reader/", {"show": "saved"}).status_code == 404
    client.force_login(other_reader)
    assert client.get("/u/reader/", {"show": "saved"}).status_code == 404
    assert "?show=saved" not in client.get("/u/reader/").content.decode()
    client.force_login(reader)
    own = client.get("/u/reader/", {"show": "saved"})
    assert own.status_code == 200
    assert titles(own) == ["Speech Recognition with Tiny Transformers"]
    html = own.content.decode()
    assert "?show=saved" in html
    assert 'href="/accounts/password/change/"' in html and 'href="/accounts/tokens/"' in html


def test_own_profile_shows_empty_states(reader_client, reader):
    html = reader_client.get("/u/reader/", {"show": "saved"}).content.decode()
    assert "Nothing saved yet" in html
    assert "You have not commented yet." in reader_client.get("/u/reader/?show=comments").content.decode()
    assert "No upvotes yet." in reader_client.get("/u/reader/").content.decode()


def test_unknown_user_or_list_is_404(client, reader):
    assert client.get("/u/nobody/").status_code == 404
    assert client.get("/u/reader/", {"show": "passwords"}).status_code == 404
    assert Client().get("/u/reader/", {"page": "0"}).status_code == 404


def test_the_reading_list_says_which_papers_have_a_new_version_since_they_were_saved(reader_client, reader):
    from paperhaul.papers.records import PaperRecord, Version

    def arxiv(number: str, versions: int) -> PaperRecord:
        dates = [dt.datetime(2024, 1, n, tzinfo=dt.UTC) for n in range(1, versions + 1)]
        return PaperRecord(
            source="arxiv-api",
            key=f"arxiv:{number}",
            title=f"Paper {number}",
            versions=tuple(Version(n, when) for n, when in enumerate(dates, start=1)),
        )

    Library().upsert([arxiv("2401.00011", 1), arxiv("2401.00012", 2)])
    for key in ("arxiv:2401.00011", "arxiv:2401.00012"):
        reactions.set_saved(reader, Paper.objects.get(key=key), True)
    SavedPaper.objects.update(created_at=dt.datetime(2024, 1, 3, tzinfo=dt.UTC))
    html = reader_client.get("/u/reader/", {"show": "saved"}).content.decode()
    assert "posted since you saved it" not in html, "v2 came before the save"
    Library().upsert([arxiv("2401.00012", 4)])  # v3 and v4 on 3 and 4 January
    html = reader_client.get("/u/reader/", {"show": "saved"}).content.decode()
    assert html.count("posted since you saved it") == 1
    assert '<span class="revised">v4 posted since you saved it</span>' in html
