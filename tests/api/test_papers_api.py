"""Public reads of the API: a paper in any of its forms, the daily list, trending and new."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from paperhaul.community import comments, reactions, trending
from paperhaul.papers.upsert import Library
from tests.web.conftest import record

pytestmark = pytest.mark.django_db

DPO = "Direct Preference Optimization for Diffusion Models"


def keys(response) -> list[str]:
    return [p["key"] for p in response.json()["papers"]]


@pytest.mark.parametrize(
    "ref",
    [
        "2401.00001",
        "arxiv:2401.00001",
        "arXiv:2401.00001v2",
        "https://arxiv.org/abs/2401.00001v2",
        "arxiv.org/pdf/2401.00001",
    ],
)
def test_a_paper_by_any_form_of_its_id(client, today, ref):
    response = client.get(f"/api/papers/{ref}")
    assert response.status_code == 200, response.content
    paper = response.json()
    assert paper["key"] == "arxiv:2401.00001"
    assert paper["title"] == DPO
    assert paper["authors"] == ["Bram Wallace", "Meihua Dang"]
    assert paper["categories"] == ["cs.CV", "cs.LG"]
    assert paper["published"] == today.isoformat()
    assert paper["code_url"] == "https://github.com/example/diffusion-dpo"
    assert paper["page"] == "/papers/2401.00001"
    assert paper["abstract"].startswith("We study direct preference")
    assert (paper["upvotes"], paper["comment_count"], paper["voted"], paper["saved"]) == (0, 0, False, False)
    assert (paper["cites_in_library"], paper["cited_by_in_library"]) == ([], [])


def test_a_paper_names_the_papers_of_the_library_it_cites_and_that_cite_it(client, papers):
    from paperhaul.papers.citation_graph import record_references

    record_references({papers["arxiv:2401.00002"].pk: ["arxiv:2401.00001", "arxiv:1999.99999"]})
    assert client.get("/api/papers/2401.00001").json()["cited_by_in_library"] == ["arxiv:2401.00002"]
    assert client.get("/api/papers/2401.00002").json()["cites_in_library"] == ["arxiv:2401.00001"]


def test_a_paper_leaves_the_librarys_private_fields_out(client, papers):
    paper = papers["arxiv:2401.00001"]
    paper.note = "private curator note"
    paper.save()
    body = client.get("/api/papers/2401.00001").json()
    assert not {"note", "sources", "edited_fields", "possible_duplicates"} & body.keys()
    assert "private curator note" not in str(body)


def test_keys_with_slashes_and_urls_resolve(client, db):
    Library().upsert(
        [
            record("arxiv:hep-th/9901001", "Strings Before the Millennium", days_ago=9000),
            record("url:https://example.org/blog/attention-post", "A Blog Post About Attention"),
        ]
    )
    assert client.get("/api/papers/hep-th/9901001").json()["key"] == "arxiv:hep-th/9901001"
    assert client.get("/api/papers/hep-th/9901001/comments").json() == []
    # A URL's own query string is percent-encoded, or it would be the API's query string.
    post = client.get("/api/papers/https://www.example.org/blog/attention-post/%3Futm_source%3Dx")
    assert post.status_code == 200 and post.json()["title"] == "A Blog Post About Attention"
    by_key = client.get("/api/papers/url:https://example.org/blog/attention-post").json()
    assert by_key["page"].startswith("/papers/url:")


def test_a_url_ending_like_an_action_is_named_with_a_trailing_slash(client, db):
    Library().upsert([record("url:https://example.org/comments", "Comments Considered Harmful")])
    assert (
        client.get("/api/papers/https://example.org/comments/").json()["title"]
        == "Comments Considered Harmful"
    )
    assert client.get("/api/papers/https://example.org/comments").status_code == 404  # example.org's thread


def test_unknown_paper_is_a_json_404(client, papers):
    response = client.get("/api/papers/2401.99999")
    assert response.status_code == 404
    assert response.json() == {"detail": "not in the library: 2401.99999"}
    assert client.get("/api/papers/2401.99999/comments").status_code == 404


def test_the_callers_vote_and_save_show_for_token_and_session(reader_client, papers, reader, as_reader):
    paper = papers["arxiv:2401.00001"]
    reactions.set_upvote(reader, paper, True)
    reactions.set_saved(reader, paper, True)
    by_token = Client().get("/api/papers/2401.00001", headers=as_reader)
    for response in (by_token, reader_client.get("/api/papers/2401.00001")):
        body = response.json()
        assert (body["upvotes"], body["voted"], body["saved"]) == (1, True, True)
    anonymous = Client().get("/api/papers/2401.00001").json()
    assert (anonymous["upvotes"], anonymous["voted"], anonymous["saved"]) == (1, False, False)


def test_a_bad_token_is_refused_even_on_reads(client, papers):
    response = client.get("/api/papers/2401.00001", headers={"Authorization": "Bearer ph_wrong"})
    assert response.status_code == 401
    assert response.json() == {"detail": "unknown or revoked API token"}


def test_daily_defaults_to_the_latest_day_most_upvoted_first(
    client, papers, today, reader, other_reader, as_reader
):
    reactions.set_upvote(reader, papers["arxiv:2401.00002"], True)
    reactions.set_upvote(other_reader, papers["arxiv:2401.00002"], True)
    reactions.set_upvote(reader, papers["arxiv:2401.00003"], True)
    response = client.get("/api/daily", headers=as_reader)
    assert response.status_code == 200
    body = response.json()
    assert body["day"] == today.isoformat()
    assert body["previous_day"] == (today - dt.timedelta(days=2)).isoformat()
    assert body["next_day"] is None
    assert keys(response) == ["arxiv:2401.00002", "arxiv:2401.00003", "arxiv:2401.00001"]
    assert [(p["upvotes"], p["voted"]) for p in body["papers"]] == [(2, True), (1, True), (0, False)]
    assert (body["page"], body["limit"], body["has_next"]) == (1, 30, False)


def test_daily_of_another_day(client, today):
    response = client.get("/api/daily", {"date": (today - dt.timedelta(days=2)).isoformat()})
    assert keys(response) == ["arxiv:2401.00004"]
    assert response.json()["next_day"] == today.isoformat()
    assert response.json()["previous_day"] == (today - dt.timedelta(days=30)).isoformat()


def test_daily_pages(client, papers):
    first = client.get("/api/daily", {"limit": 2})
    second = client.get("/api/daily", {"limit": 2, "page": 2})
    assert first.json()["has_next"] and not second.json()["has_next"]
    assert len(keys(first)) == 2 and len(keys(second)) == 1
    assert not set(keys(first)) & set(keys(second))
    assert client.get("/api/daily", {"limit": 2, "page": 3}).status_code == 404


@pytest.mark.parametrize(
    "params",
    # A number is no date (pydantic alone would read 0 as 1 January 1970, a Unix time).
    [{"limit": 101}, {"limit": 0}, {"page": 0}, {"page": "x"}, {"date": "2024-13-01"}, {"date": "0"}],
)
def test_daily_refuses_bad_parameters(client, papers, params):
    response = client.get("/api/daily", params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_daily_of_an_empty_library(client, db):
    body = client.get("/api/daily").json()
    assert body["papers"] == [] and body["day"] == timezone.localdate().isoformat()
    assert body["previous_day"] is None and body["next_day"] is None


def test_trending_ranks_by_score(client, papers, reader, other_reader):
    assert client.get("/api/trending").json()["papers"] == []
    reactions.set_upvote(reader, papers["arxiv:2401.00003"], True)
    comments.add_comment(reader, papers["arxiv:2401.00004"], "Worth reading.")
    assert client.get("/api/trending").json()["papers"] == []  # the ranking is kept for a minute
    cache.delete(trending.CACHE_KEY)
    body = client.get("/api/trending").json()
    assert [p["key"] for p in body["papers"]] == ["arxiv:2401.00004", "arxiv:2401.00003"]
    assert body["papers"][0]["score"] == pytest.approx(2.0, abs=0.01)
    assert body["papers"][0]["comment_count"] == 1
    assert body["papers"][1]["score"] == pytest.approx(1.0, abs=0.01)
    assert keys(client.get("/api/trending", {"limit": 1, "page": 2})) == ["arxiv:2401.00003"]


def test_new_lists_newest_first_and_by_category(client, papers):
    newest = keys(client.get("/api/new"))
    assert newest[-2:] == ["arxiv:2401.00004", "arxiv:2312.00005"]
    assert len(newest) == 5
    assert keys(client.get("/api/new", {"category": "cs.LG"})) == ["arxiv:2401.00001", "arxiv:2401.00004"]
    assert keys(client.get("/api/new", {"category": "no.such"})) == []
