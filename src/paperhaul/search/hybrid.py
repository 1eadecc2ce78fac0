"""Fusing the lexical and the semantic ranking into one (weighted reciprocal rank fusion).

RRF needs no score calibration between BM25 and cosine similarity, which have nothing in
common; the constants were tuned on the query sets of bench/search_quality.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from paperhaul.search.types import Scored

RRF_K = 10
LEXICAL_WEIGHT = 0.75
SEMANTIC_WEIGHT = 1.0


def fuse(
    lexical: Sequence[Scored],
    semantic: Sequence[Scored],
    *,
    k: int = RRF_K,
    weights: tuple[float, float] = (LEXICAL_WEIGHT, SEMANTIC_WEIGHT),
) -> list[Scored]:
    """One ranking from two: each paper scores sum(weight / (k + rank)) over the lists it is in."""
    scores: dict[int, float] = {}
    for ranking, weight in ((lexical, weights[0]), (semantic, weights[1])):
        for rank, hit in enumerate(ranking, start=1):
            scores[hit.id] = scores.get(hit.id, 0.0) + weight / (k + rank)
    return [Scored(pid, score) for pid, score in sorted(scores.items(), key=lambda item: -item[1])]
