"""Fusing the lexical and the semantic ranking (no database: plain rankings in, one ranking out)."""

from __future__ import annotations

from paperhaul.search.hybrid import fuse
from paperhaul.search.types import Scored


def test_a_paper_in_both_rankings_beats_papers_in_one():
    lexical = [Scored(1, 9.0), Scored(2, 5.0), Scored(3, 1.0)]
    semantic = [Scored(4, 0.9), Scored(2, 0.8), Scored(5, 0.1)]
    assert [hit.id for hit in fuse(lexical, semantic)][:1] == [2]


def test_equal_scores_keep_the_semantic_order_then_the_lexical_one():
    lexical = [Scored(7, 1.0), Scored(8, 1.0)]
    semantic = [Scored(3, 1.0), Scored(4, 1.0)]
    assert [hit.id for hit in fuse(lexical, semantic, lexical_share=0.5)] == [3, 4, 7, 8]
