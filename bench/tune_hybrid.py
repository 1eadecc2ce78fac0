"""Tune hybrid fusion on the query sets: nDCG@10 over a grid of RRF constants and mode weights.

    python -m bench.tune_hybrid [--shared ../shared] [--runtime onnx-int8|torch]

Builds the same library as bench/search_quality.py, ranks every query once lexically and once
semantically (FUSION_DEPTH deep, as the service does), then fuses the two rankings offline with
each setting, so the grid costs nothing beyond the two searches. The chosen constants live in
paperhaul/search/hybrid.py; the table shows where they stand.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import tempfile
from pathlib import Path

from bench.querysets.build_daily import build_daily
from bench.querysets.build_known_item import build_known_item
from bench.search_quality import DEFAULT_SHARED, RUNTIMES, fill_library, library_keys, ndcg_at_k, open_library

RRF_KS = (5, 10, 20, 40, 60, 100)
LEXICAL_WEIGHTS = (0.5, 0.75, 1.0, 1.25, 1.5)


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
        from paperhaul.search import hybrid, service
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

    def score(name: str, k: int, weight: float) -> float:
        rows = rankings[name]
        total = 0.0
        for relevant, lexical, semantic in rows:
            fused = hybrid.fuse(lexical, semantic, k=k, weights=(weight, 1.0))
            total += ndcg_at_k([keys[s.id] for s in fused], relevant)
        return total / len(rows)

    singles = {
        name: (
            sum(ndcg_at_k([keys[s.id] for s in lex], rel) for rel, lex, _ in rows) / len(rows),
            sum(ndcg_at_k([keys[s.id] for s in sem], rel) for rel, _, sem in rows) / len(rows),
        )
        for name, rows in rankings.items()
    }
    for name, (lexical, semantic) in singles.items():
        print(f"{name}: lexical {lexical:.3f}  semantic {semantic:.3f}")
    print(f"{'k':>5} {'w_lex':>6} " + " ".join(f"{name:>12}" for name in rankings) + "   (nDCG@10)")
    current = (hybrid.RRF_K, hybrid.LEXICAL_WEIGHT)
    for k, weight in itertools.product(RRF_KS, LEXICAL_WEIGHTS):
        marker = "  <- current" if (k, weight) == current else ""
        print(f"{k:>5} {weight:>6} " + " ".join(f"{score(n, k, weight):>12.3f}" for n in rankings) + marker)


if __name__ == "__main__":
    main()
