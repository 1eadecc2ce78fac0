"""The daily-papers query set: hand-written queries for papers of the daily-papers sample.

    python -m bench.querysets.build_daily [--shared ../shared]

``daily_queries.jsonl`` (committed, beside this file) holds ``{"query", "title"}`` lines: short
queries (3 to 8 words) written the way a researcher types from vague memory, some sharing few
words with the paper (semantic search should help), some naming a rare term or model (lexical
search should help). This script resolves each title against
``../shared/data/daily-papers-sample.jsonl`` and writes ``bench/out/daily_queries.jsonl`` with
the paper's key. A title that is not in the sample is an error: a query whose answer is not in
the library would count as a miss of the search rather than of the query file.

The sample is the corpus as it is: its lines are paper records (``title``, ``abstract``), so
``paperhaul import jsonl`` reads it directly, keyed by title. (``import daily`` wants the
daily-papers API's JSON array, which the sample is not.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.querysets import DEFAULT_SHARED, OUT, Query, QuerySet, read_jsonl, write_jsonl
from paperhaul.papers.ingest.records_jsonl import read_jsonl as read_paper_records
from paperhaul.papers.records import PaperRecord

NAME = "daily"
QUERIES = Path(__file__).with_name("daily_queries.jsonl")
SOURCE = "daily-papers-sample.jsonl"
MIN_WORDS, MAX_WORDS = 3, 8


class QueryFileError(ValueError):
    """The hand-written query file does not fit the sample: every problem, one per line."""


def sample_path(shared: Path) -> Path:
    return shared / "data" / SOURCE


def sample_keys(sample: Path) -> dict[str, str]:
    """Title -> key of every paper of the sample, keyed by paperhaul's own reader of the format
    the harness imports it with, so the keys are the ones the library will hold."""
    keys = {}
    with sample.open("rb") as lines:
        for record in read_paper_records(lines, str(sample)):
            if not isinstance(record, PaperRecord):
                raise QueryFileError(f"the sample has a bad line: {record}")
            keys[record.title] = record.key
    return keys


def build_daily(shared: Path = DEFAULT_SHARED, out: Path = OUT, queries: Path = QUERIES) -> QuerySet:
    """Resolve the hand-written queries; raises QueryFileError naming every unusable line."""
    sample = sample_path(shared)
    keys = sample_keys(sample)
    resolved, problems, seen = [], [], set()
    for number, line in enumerate(read_jsonl(queries), 1):
        query, title = line.get("query", ""), line.get("title", "")
        if not MIN_WORDS <= len(query.split()) <= MAX_WORDS:
            problems.append(f"line {number}: {query!r} is not {MIN_WORDS} to {MAX_WORDS} words")
        if (query, title) in seen:
            problems.append(f"line {number}: {query!r} for {title!r} is there twice")
        seen.add((query, title))
        if title not in keys:
            problems.append(f"line {number}: title not in {sample.name}: {title!r}")
            continue
        resolved.append(Query(query, (keys[title],), SOURCE, title))
    if problems:
        raise QueryFileError(f"{queries}:\n" + "\n".join(problems))
    queries_path = out / "daily_queries.jsonl"
    write_jsonl(queries_path, (q.as_json() for q in resolved))
    papers = len({q.relevant[0] for q in resolved})
    notes = [f"queries for {papers} of the {len(keys)} papers of the sample"]
    return QuerySet(NAME, sample, resolved, queries_path, len(keys), notes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--samples", type=int, default=5, help="queries to show")
    args = parser.parse_args(argv)
    try:
        built = build_daily(args.shared)
    except QueryFileError as exc:
        raise SystemExit(str(exc)) from None
    print(f"{built.corpus_size} papers in {built.corpus}")
    print(f"{len(built.queries)} queries -> {built.queries_path}")
    for note in built.notes:
        print(f"note: {note}")
    step = max(1, len(built.queries) // max(1, args.samples))
    for query in built.queries[::step][: args.samples]:
        print(f"  {query.query!r}\n    -> {query.relevant[0]}")


if __name__ == "__main__":
    main()
