"""Search quality: nDCG@10, MRR@10 and Recall@10 of lexical, semantic and hybrid search.

    python -m bench.search_quality [--shared ../shared] [--runtime R]
                                   [--modes lexical,semantic,hybrid] [--json OUT] [--keep DIR]
                                   [--distractors N]

1. builds the query sets from ``../shared`` (bench/querysets): known-item search by the
   curator's commentary on the haul posts, and hand-written queries for the daily-papers sample;
2. makes one fresh SQLite library holding both corpora (``paperhaul import jsonl`` of each; the
   sample's lines are paper records) and embeds it (``paperhaul embed``), so each set is searched
   among the other set's papers too, as a real library would be;
3. runs every query in every mode through the search service and prints, per set and mode, the
   number of queries and the mean nDCG@10, MRR@10 and Recall@10 (binary relevance).

``--distractors N`` imports N synthetic papers (bench/synthetic.py: Zipf vocabulary with common
ML words) after the real ones and without vectors: newer than every real paper to the lexical
index, as the bulk of a large library is. It measures lexical ranking at scale (the semantic side
sees only the real papers, so hybrid figures then show only what the lexical side costs it).

A paper of one set can also be in the other (the hauls linked some papers of the daily sample);
importing merges them into one item, so every answer key is looked up in the library after the
import, and a key the library does not hold stops the run rather than counting as a miss.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bench.querysets import DEFAULT_SHARED, Query, QuerySet
from bench.querysets.build_daily import build_daily
from bench.querysets.build_known_item import build_known_item
from paperhaul.search.embeddings import RUNTIMES

K = 10
MODES = ("lexical", "semantic", "hybrid")


def _top_hits(ranked_keys: Sequence[str], relevant: Collection[str], k: int) -> list[bool]:
    """Per rank of the top k, whether it is relevant; a key listed twice counts once."""
    if not relevant:
        raise ValueError("a query without a relevant key cannot be scored")
    seen: set[str] = set()
    hits = []
    for key in ranked_keys[:k]:
        hits.append(key in relevant and key not in seen)
        seen.add(key)
    return hits


def ndcg_at_k(ranked_keys: Sequence[str], relevant: Collection[str], k: int = K) -> float:
    """DCG of the top k over the DCG of a perfect ranking (all relevant keys first)."""
    hits = _top_hits(ranked_keys, relevant, k)
    dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(hits) if hit)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(set(relevant)), k)))
    return dcg / ideal


def mrr_at_k(ranked_keys: Sequence[str], relevant: Collection[str], k: int = K) -> float:
    """1 / rank of the first relevant key in the top k, else 0."""
    hits = _top_hits(ranked_keys, relevant, k)
    return next((1 / (rank + 1) for rank, hit in enumerate(hits) if hit), 0.0)


def recall_at_k(ranked_keys: Sequence[str], relevant: Collection[str], k: int = K) -> float:
    """The share of the relevant keys found in the top k."""
    return sum(_top_hits(ranked_keys, relevant, k)) / len(set(relevant))


@dataclass(frozen=True)
class Scores:
    set_name: str
    mode: str
    queries: int
    ndcg: float
    mrr: float
    recall: float

    def as_json(self) -> dict[str, float | int]:
        return {
            "queries": self.queries,
            f"ndcg@{K}": self.ndcg,
            f"mrr@{K}": self.mrr,
            f"recall@{K}": self.recall,
        }


def score_set(
    set_name: str, mode: str, queries: Sequence[Query], rank: Callable[[str], list[str]], k: int = K
) -> Scores:
    """Mean metrics of ``rank`` (query text -> keys, best first) over the queries."""
    if not queries:
        raise ValueError(f"query set {set_name} is empty")
    ndcg = mrr = recall = 0.0
    for query in queries:
        ranked = rank(query.query)
        ndcg += ndcg_at_k(ranked, query.relevant, k)
        mrr += mrr_at_k(ranked, query.relevant, k)
        recall += recall_at_k(ranked, query.relevant, k)
    n = len(queries)
    return Scores(set_name, mode, n, ndcg / n, mrr / n, recall / n)


def open_library(home: Path, runtime: str) -> None:
    """Point paperhaul at a fresh SQLite library under ``home`` and set Django up.

    The settings read the environment once, when Django is set up, so it is set first.
    """
    os.environ["PAPERHAUL_HOME"] = str(home)
    os.environ["PAPERHAUL_EMBEDDING_RUNTIME"] = runtime
    os.environ["DJANGO_SETTINGS_MODULE"] = "paperhaul.settings"
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def fill_library(sets: Sequence[QuerySet], embed: bool) -> None:
    from django.core.management import call_command

    for query_set in sets:
        print(f"importing {query_set.name}: {query_set.corpus}", flush=True)
        call_command("import", "jsonl", str(query_set.corpus))
    if embed:
        call_command("embed")


def add_distractors(n: int, folder: Path) -> None:
    """N synthetic papers imported after the real ones, without vectors (see the module's doc)."""
    from django.core.management import call_command

    from bench.synthetic import write_snapshot

    path = folder / "distractors.jsonl"
    write_snapshot(n, path)
    print(f"importing {n:,} synthetic distractors", flush=True)
    call_command("import", "snapshot", str(path))


def library_keys(query_set: QuerySet) -> list[Query]:
    """The queries with each answer as the key the library holds it under.

    A paper first known by its title takes the real key of a record with the same title (the
    daily sample's papers that a haul linked), so a ``title:`` key may live on under another.
    """
    from paperhaul.papers.lookup import find_paper
    from paperhaul.papers.models import Paper

    def resolve(key: str) -> str | None:
        paper = find_paper(key)
        if paper is None and key.startswith("title:"):
            matches = list(Paper.objects.filter(title_norm=key.removeprefix("title:"))[:2])
            paper = matches[0] if len(matches) == 1 else None
        return paper.key if paper else None

    resolved, missing = [], set()
    for query in query_set.queries:
        keys = tuple(resolve(key) for key in query.relevant)
        missing.update(key for key, found in zip(query.relevant, keys, strict=True) if found is None)
        resolved.append(replace(query, relevant=tuple(k for k in keys if k)))
    if missing:
        raise SystemExit(f"{query_set.name}: answers not in the library: {', '.join(sorted(missing))}")
    return resolved


def search_ranker(mode: str, k: int = K) -> Callable[[str], list[str]]:
    """The search service as query -> keys. Imported here: it needs Django set up first."""
    try:
        from paperhaul.search.service import SearchRequest, search
    except ImportError as exc:
        raise SystemExit(f"the search service is not available: {exc}") from None

    def rank(q: str) -> list[str]:
        result = search(SearchRequest(q=q, mode=mode, limit=k))
        # The service answers lexically when it cannot embed the query; scored as semantic,
        # that would be a lexical result under the wrong name.
        served = getattr(result, "mode", mode)
        if served != mode:
            raise SystemExit(f"{mode} search answered in {served} mode ({getattr(result, 'notice', '')})")
        return [hit.key for hit in result.hits]

    return rank


def print_table(scores: Sequence[Scores]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"search quality (@{K}, binary relevance)")
    for column in ("set", "mode", "queries", f"nDCG@{K}", f"MRR@{K}", f"Recall@{K}"):
        table.add_column(column, justify="left" if column in ("set", "mode") else "right")
    best = {name: max(s.ndcg for s in scores if s.set_name == name) for name in {s.set_name for s in scores}}
    for s in scores:
        ndcg = f"{s.ndcg:.3f}"
        table.add_row(
            s.set_name,
            s.mode,
            str(s.queries),
            f"[bold]{ndcg}[/bold]" if s.ndcg == best[s.set_name] else ndcg,
            f"{s.mrr:.3f}",
            f"{s.recall:.3f}",
        )
    Console().print(table)


def hybrid_verdicts(scores: Sequence[Scores]) -> list[str]:
    """Per set with all three modes: does hybrid beat both single modes on nDCG@10 (the bar)?"""
    lines = []
    for set_name in dict.fromkeys(s.set_name for s in scores):
        by_mode = {s.mode: s.ndcg for s in scores if s.set_name == set_name}
        if set(MODES) <= by_mode.keys():
            wins = by_mode["hybrid"] > max(by_mode["lexical"], by_mode["semantic"])
            lines.append(f"{set_name}: hybrid {'beats' if wins else 'does NOT beat'} lexical and semantic")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--runtime", choices=RUNTIMES, default="auto", help="embedding runtime")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES))
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the numbers as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the library here and keep it")
    parser.add_argument(
        "--distractors", type=int, default=0, metavar="N", help="N newer synthetic papers, not embedded"
    )
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        parser.error(f"unknown mode(s) {', '.join(unknown) or '(none)'}: use {', '.join(MODES)}")

    sets = [build_known_item(args.shared), build_daily(args.shared)]
    for query_set in sets:
        print(f"{query_set.name}: {query_set.corpus_size} papers, {len(query_set.queries)} queries")
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        raise SystemExit(f"{args.keep} is not empty: the library must be fresh")
    home = args.keep or Path(tempfile.mkdtemp(prefix="paperhaul-quality-"))
    try:
        open_library(home, args.runtime)
        fill_library(sets, embed=any(mode != "lexical" for mode in modes))
        if args.distractors:
            add_distractors(args.distractors, home)
        resolved = {query_set.name: library_keys(query_set) for query_set in sets}
        scores = [
            score_set(name, mode, queries, search_ranker(mode))
            for name, queries in resolved.items()
            for mode in modes
        ]
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)
    print_table(scores)
    for line in hybrid_verdicts(scores):
        print(line)
    if args.json:
        document = {"k": K, "runtime": args.runtime, "sets": {}}
        for s in scores:
            entry = document["sets"].setdefault(s.set_name, {"queries": s.queries, "modes": {}})
            entry["modes"][s.mode] = s.as_json()
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
