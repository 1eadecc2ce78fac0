"""Fusing the lexical and the semantic ranking into one: a convex combination of their scores.

Each ranking's scores are scaled to [0, 1] within the candidates (min-max), then a paper scores
LEXICAL_SHARE x its lexical score + (1 - LEXICAL_SHARE) x its semantic score, 0 for a ranking it is
not in. Unlike reciprocal rank fusion it keeps the margins: a paper far ahead lexically (a rare
term such as "DPO") is not overtaken by one a hair ahead semantically. Tuned with
bench/tune_hybrid.py on the query sets of bench/search_quality.py, where it beat the best
reciprocal rank fusion on both sets (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from paperhaul.search.types import Scored

LEXICAL_SHARE = 0.4


def normalised(ranking: Sequence[Scored]) -> dict[int, float]:
    """Scores scaled to [0, 1] within the ranking (all 1.0 when they are equal)."""
    if not ranking:
        return {}
    low = min(hit.score for hit in ranking)
    spread = max(hit.score for hit in ranking) - low
    return {hit.id: (hit.score - low) / spread if spread > 0 else 1.0 for hit in ranking}


def fuse(
    lexical: Sequence[Scored], semantic: Sequence[Scored], *, lexical_share: float = LEXICAL_SHARE
) -> list[Scored]:
    """One ranking from two, best first; ties keep the semantic order, then the lexical one."""
    semantic_share = 1 - lexical_share
    scores = {pid: semantic_share * value for pid, value in normalised(semantic).items()}
    for pid, value in normalised(lexical).items():
        scores[pid] = scores.get(pid, 0.0) + lexical_share * value
    # The sort is stable: equal scores stay in insertion order, semantic hits first.
    return [Scored(pid, score) for pid, score in sorted(scores.items(), key=lambda item: -item[1])]
