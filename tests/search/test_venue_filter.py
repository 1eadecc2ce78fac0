"""venue: in the query: papers whose journal reference or comments name the venue, in every mode,
on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import pytest

from paperhaul.papers.models import Paper
from paperhaul.search.query import parse_query
from paperhaul.search.service import SearchRequest, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def venues(library):
    """Three papers of the search library with a venue, written as sources write them."""
    Paper.objects.filter(key="arxiv:1706.03762").update(journal_ref="Advances in NeurIPS 30 (2017)")
    Paper.objects.filter(key="arxiv:2106.09685").update(comments="ICLR 2022 Oral")
    Paper.objects.filter(key="arxiv:2203.02155").update(comments="Accepted at NeurIPS 2022; 50% more data")


def keys(q: str, mode: str = "lexical") -> list[str]:
    return [hit.key for hit in search(SearchRequest(q=q, mode=mode, limit=50)).hits]


def test_the_operator_is_parsed():
    parsed = parse_query('diffusion venue:iclr VENUE:"NeurIPS 2024"')
    assert parsed.venues == ("iclr", "NeurIPS 2024") and parsed.terms == ("diffusion",)
    assert not parse_query("venue:ICLR").is_empty
    assert parse_query("venue:").terms == ("venue:",)


def test_a_venue_in_the_journal_reference_or_the_comments_whatever_the_case(venues):
    assert set(keys("venue:neurips")) == {"arxiv:1706.03762", "arxiv:2203.02155"}
    assert keys('venue:"iclr 2022"') == ["arxiv:2106.09685"]
    assert keys("venue:neurips venue:2022") == ["arxiv:2203.02155"], "each venue: must match"
    assert keys("language venue:neurips") == ["arxiv:2203.02155"]
    assert keys("venue:CVPR") == []


def test_like_wildcards_are_plain_characters(venues):
    assert keys('venue:"50%"') == ["arxiv:2203.02155"]
    assert keys('venue:"0% more"') == ["arxiv:2203.02155"]
    assert keys("venue:N%S") == [], "% is not a wildcard"
    assert keys("venue:ICLR_2022") == [], "_ is not a wildcard"
    assert keys("venue:ICLR!") == []


def test_every_mode_applies_it(venues, embedded):
    for mode in ("hybrid", "semantic"):
        assert set(keys("language models venue:NeurIPS", mode)) <= {"arxiv:1706.03762", "arxiv:2203.02155"}
        assert keys("language models venue:NeurIPS", mode)
