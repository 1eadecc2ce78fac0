"""cites: and citedby: in the query: papers citing a paper, and the papers a paper cites, by the
library's citation graph, in every mode, on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import pytest

from paperhaul.papers.citation_graph import record_references
from paperhaul.papers.models import Identifier, Paper
from paperhaul.search.query import QueryError, parse_query
from paperhaul.search.service import SearchRequest, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def graph(library):
    """GPT-3, InstructGPT, LoRA and ViT cite the Transformer; InstructGPT also cites GPT-3 by its DOI."""
    pk = dict(Paper.objects.values_list("key", "id"))
    Identifier.objects.create(key="doi:10.5555/gpt3", paper_id=pk["arxiv:2005.14165"])
    record_references(
        {
            pk["arxiv:2005.14165"]: ["arxiv:1706.03762"],
            pk["arxiv:2203.02155"]: ["arxiv:1706.03762", "doi:10.5555/gpt3", "arxiv:9999.99999"],
            pk["arxiv:2106.09685"]: ["arxiv:1706.03762"],
            pk["arxiv:2010.11929"]: ["arxiv:1706.03762"],
        }
    )


def keys(q: str, mode: str = "lexical", **request) -> list[str]:
    return [hit.key for hit in search(SearchRequest(q=q, mode=mode, limit=50, **request)).hits]


def test_the_operators_are_parsed_and_name_papers():
    parsed = parse_query("language cites:https://arxiv.org/abs/1706.03762v5 CitedBy:arXiv:2203.02155")
    assert parsed.cites == ("arxiv:1706.03762",) and parsed.cited_by == ("arxiv:2203.02155",)
    assert parsed.terms == ("language",) and not parse_query("cites:10.5555/GPT3").is_empty
    with pytest.raises(
        QueryError, match="cites: takes a paper's arXiv id, DOI or link, not 'cites:attention'"
    ):
        parse_query("cites:attention")


def test_papers_citing_a_paper_by_any_of_its_keys(graph):
    citing = {"arxiv:2005.14165", "arxiv:2203.02155", "arxiv:2106.09685", "arxiv:2010.11929"}
    assert set(keys("cites:1706.03762")) == citing, "a filter alone lists the papers"
    assert keys("cites:2005.14165") == ["arxiv:2203.02155"], "cited by its DOI, asked by its arXiv id"
    assert keys("cites:9999.99999") == ["arxiv:2203.02155"], "a paper not in the library is named by its key"
    assert keys("language cites:1706.03762") and set(keys("language cites:1706.03762")) <= citing
    assert keys("cites:1706.03762 cites:2005.14165") == ["arxiv:2203.02155"], "each must be cited"
    assert keys("cites:2311.12908") == []


def test_the_papers_a_paper_cites(graph):
    assert set(keys("citedby:2203.02155")) == {"arxiv:1706.03762", "arxiv:2005.14165"}
    assert keys("citedby:1706.03762") == []


def test_every_mode_applies_them(graph, embedded):
    for mode in ("hybrid", "semantic"):
        found = keys("language models cites:1706.03762", mode)
        assert found and set(found) <= {
            "arxiv:2005.14165",
            "arxiv:2203.02155",
            "arxiv:2106.09685",
            "arxiv:2010.11929",
        }
    assert keys("cites:1706.03762", sort="newest")[0] == "arxiv:2203.02155"
