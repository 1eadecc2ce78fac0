"""sort=upvoted: the most upvoted of the relevant papers first, in the service, the API and the CLI."""

from __future__ import annotations

import pytest

from paperhaul.community.models import PaperActivity
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from paperhaul.search.filters import Filters
from paperhaul.search.service import FUSION_DEPTH, SearchRequest, search
from tests.search.conftest import make_record

pytestmark = pytest.mark.django_db


def give_upvotes(votes: dict[str, int]) -> None:
    for key, upvotes in votes.items():
        PaperActivity.objects.update_or_create(
            paper=Paper.objects.get(key=key), defaults={"upvotes": upvotes}
        )


def keys(q: str, sort: str, mode: str = "lexical", **kwargs) -> list[str]:
    return [hit.key for hit in search(SearchRequest(q=q, mode=mode, sort=sort, **kwargs)).hits]


def test_most_upvoted_first_and_relevance_breaks_ties(library):
    relevant = keys("language models", "relevance")
    assert len(relevant) >= 4
    give_upvotes({relevant[-1]: 5, relevant[-2]: 2})
    ranked = keys("language models", "upvoted")
    assert ranked[:2] == [relevant[-1], relevant[-2]]
    assert ranked[2:] == [key for key in relevant if key not in ranked[:2]]


def test_a_popular_paper_that_does_not_match_stays_out(library):
    give_upvotes({"arxiv:hep-th/9901001": 100})
    assert "arxiv:hep-th/9901001" not in keys("language models", "upvoted")


def test_filters_and_exclusions_still_apply(library):
    give_upvotes({"arxiv:2005.14165": 9, "arxiv:2203.02155": 3})
    assert keys("language -instructions", "upvoted", filters=Filters(categories=("cs.CL",)))[0] == (
        "arxiv:2005.14165"
    )
    assert "arxiv:2203.02155" not in keys("language -instructions", "upvoted")


def test_pages_walk_the_same_order(library):
    give_upvotes({"arxiv:2203.02155": 4, "arxiv:2106.09685": 1})
    whole = keys("language", "upvoted")
    walked = []
    for offset in range(len(whole) + 1):
        page = search(SearchRequest(q="language", mode="lexical", sort="upvoted", limit=1, offset=offset))
        walked += [hit.key for hit in page.hits]
        assert page.has_more == (offset < len(whole) - 1)
    assert walked == whole


def test_upvotes_reorder_only_within_blocks_of_relevance(db):
    """Deep pages re-sort their own block of ranks, never ranks an earlier page showed."""
    Library().upsert(
        [
            make_record(
                f"2401.{n:05d}", f"Benchmark number {n}", "A benchmark.", ["A. Author"], ["cs.LG"], None
            )
            for n in range(FUSION_DEPTH + 30)
        ]
    )
    relevant = keys("benchmark", "relevance", limit=100) + keys(
        "benchmark", "relevance", limit=100, offset=100
    )
    give_upvotes({relevant[FUSION_DEPTH + 10]: 10})
    assert keys("benchmark", "upvoted", limit=100) == relevant[:100]
    assert keys("benchmark", "upvoted", limit=1, offset=FUSION_DEPTH) == [relevant[FUSION_DEPTH + 10]]


def test_hybrid_and_semantic_sort_by_upvotes_too(embedded):
    give_upvotes({"arxiv:2212.04356": 3})
    for mode in ("hybrid", "semantic"):
        found = search(SearchRequest(q="language models", mode=mode, sort="upvoted", limit=5))
        assert found.mode == mode
        assert found.hits[0].key == "arxiv:2212.04356"


def test_the_api_accepts_it(client, library):
    give_upvotes({"arxiv:2203.02155": 2})
    body = client.get("/api/search", {"q": "language", "mode": "lexical", "sort": "upvoted"}).json()
    assert body["hits"][0]["key"] == "arxiv:2203.02155"
    bad = client.get("/api/search", {"q": "language", "sort": "votes"})
    assert bad.status_code == 400 and "upvoted" in bad.json()["detail"]


def test_the_cli_accepts_it(cli, tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text('{"id": "1706.03762", "title": "Attention Is All You Need", "abstract": "Attention."}\n')
    assert cli("import", "jsonl", str(path)).code == 0
    found = cli("search", "attention", "--mode", "lexical", "--sort", "upvoted", "--json")
    assert found.code == 0, found.stderr
    assert found.json()["hits"][0]["key"] == "arxiv:1706.03762"
