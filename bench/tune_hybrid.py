"""Tune hybrid fusion on the query sets: nDCG@10 over a grid of RRF constants and mode weights.

    python -m bench.tune_hybrid [--shared ../shared] [--runtime onnx-int8|torch]

Builds the same library as bench/search_quality.py, ranks every query once lexically and once
semantically (FUSION_DEPTH deep, as the service does), then fuses the two rankings offline with
each setting, so the grid costs nothing beyond the two searches: paperhaul's convex combination
over its lexical share, and reciprocal rank fusion over k and the lexical weight as the baseline.
The chosen constant lives in paperhaul/search/hybrid.py; the table shows where it stands.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.querysets.build_daily import build_daily
from bench.querysets.build_known_item import build_known_item
from bench.search_quality import DEFAULT_SHARED, RUNTIMES, fill_library, library_keys, ndcg_at_k, open_library
from paperhaul.search import hybrid
from paperhaul.search.types import Scored

LEXICAL_SHARES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
RRF_KS = (5, 10, 20, 60)
LEXICAL_WEIGHTS = (0.5, 0.75, 1.0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--runtime", choices=RUNTIMES, default="auto")
    args = parser.parse_args(argv)
    sets = [build_known_item(args.shared), build_daily(args.shared)]
    home = Path(tempfile.mkdtemp(prefix="paperhaul-tune-"))
    try:
        open_library(home, args.runtime)
        fill_library(sets, embed=True)
        from paperhaul.papers.models import Paper
        from paperhaul.search import service
        from paperhaul.search.filters import Filters
        from paperhaul.search.query import parse_query

        keys = dict(Paper.objects.values_list("pk", "key"))
        rankings = {}
        for query_set in sets:
            rows = []
            for query in library_keys(query_set):
                parsed = parse_query(query.query)
                lexical = service._lexical(parsed, Filters(), service.FUSION_DEPTH, 0, False)
                semantic = service._semantic(parsed, Filters(), service.FUSION_DEPTH)
                rows.append((query.relevant, lexical, semantic))
            rankings[query_set.name] = rows
    finally:
        shutil.rmtree(home, ignore_errors=True)

    def mean_ndcg(name: str, fuse: Callable[[list[Scored], list[Scored]], list[Scored]]) -> float:
        rows = rankings[name]
        return sum(ndcg_at_k([keys[s.id] for s in fuse(lex, sem)], rel) for rel, lex, sem in rows) / len(rows)

    for name in rankings:
        lexical = mean_ndcg(name, lambda lex, sem: lex)
        semantic = mean_ndcg(name, lambda lex, sem: sem)
        print(f"{name}: lexical {lexical:.3f}  semantic {semantic:.3f}")
    header = " ".join(f"{name:>12}" for name in rankings)
    print(f"convex combination (paperhaul): {'share':>8} {header}   (nDCG@10)")
    for share in LEXICAL_SHARES:
        marker = "  <- current" if share == hybrid.LEXICAL_SHARE else ""
        scores = " ".join(
            f"{mean_ndcg(n, lambda lex, sem, a=share: hybrid.fuse(lex, sem, lexical_share=a)):>12.3f}"
            for n in rankings
        )
        print(f"{'':>31} {share:>8} {scores}{marker}")
    print(f"reciprocal rank fusion:  {'k':>5} {'w_lex':>6} {header}")
    for k, weight in itertools.product(RRF_KS, LEXICAL_WEIGHTS):
        scores = " ".join(
            f"{mean_ndcg(n, lambda lex, sem, k=k, w=weight: reciprocal_rank_fusion(lex, sem, k, w)):>12.3f}"
            for n in rankings
        )
        print(f"{'':>24} {k:>5} {weight:>6} {scores}")


def reciprocal_rank_fusion(
    lexical: list[Scored], semantic: list[Scored], k: int, weight: float
) -> list[Scored]:
    """The usual fusion, as a baseline: sum of weight / (k + rank) over the rankings a paper is in."""
    scores: dict[int, float] = {}
    for ranking, w in ((lexical, weight), (semantic, 1.0)):
        for rank, hit in enumerate(ranking, start=1):
            scores[hit.id] = scores.get(hit.id, 0.0) + w / (k + rank)
    return [Scored(pid, score) for pid, score in sorted(scores.items(), key=lambda item: -item[1])]


if __name__ == "__main__":
    main()
