"""sort=cited: the most cited of the relevant papers first (Semantic Scholar's counts), in the
service, the search page and the API."""

from __future__ import annotations

import pytest

from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library
from paperhaul.search.service import SearchRequest, search

pytestmark = pytest.mark.django_db


def give_citations(counts: dict[str, int]) -> None:
    """Counts as `paperhaul sync semantic-scholar` keeps them: a source record of each paper."""
    Library().upsert(
        [
            PaperRecord(
                source="semantic-scholar",
                key=key,
                title="",
                source_id=f"s2-{key}",
                extra={"citations": count, "paper_id": f"s2-{key}"},
            )
            for key, count in counts.items()
        ]
    )


def keys(q: str, sort: str, mode: str = "lexical", **kwargs) -> list[str]:
    return [hit.key for hit in search(SearchRequest(q=q, mode=mode, sort=sort, **kwargs)).hits]


def test_most_cited_first_and_relevance_breaks_ties(library):
    relevant = keys("language models", "relevance")
    assert len(relevant) >= 4
    give_citations({relevant[-1]: 900, relevant[-2]: 30, "arxiv:hep-th/9901001": 10_000})
    ranked = keys("language models", "cited")
    assert ranked[:2] == [relevant[-1], relevant[-2]]
    assert ranked[2:] == [key for key in relevant if key not in ranked[:2]]
    assert "arxiv:hep-th/9901001" not in ranked, "a much cited paper that does not match stays out"


def test_the_page_and_the_api_offer_it(client, library):
    relevant = keys("language", "relevance")
    give_citations({relevant[-1]: 5})
    body = client.get("/api/search", {"q": "language", "mode": "lexical", "sort": "cited"}).json()
    assert body["hits"][0]["key"] == relevant[-1]
    html = client.get("/search/", {"q": "language", "mode": "lexical"}).content.decode()
    assert ">Most cited</a>" in html
    assert (
        html.count('<span class="cited" title="Citations counted by Semantic Scholar">cited by 5</span>') == 1
    )
    bad = client.get("/api/search", {"q": "language", "sort": "citations"})
    assert bad.status_code == 400 and "cited" in bad.json()["detail"]
