"""Query sets for ``bench/search_quality.py``, built from the real data in ``../shared``.

A query set is a corpus to import into a library (paper records JSON lines) and JSON lines of
``{"query": ..., "relevant": [key, ...], "source": ..., "title": ...}``. The build scripts read
``../shared`` and write under ``bench/out/`` (git-ignored): the data never enters the repository.
The one exception is ``daily_queries.jsonl``, our own hand-written queries, which names papers
only by title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

OUT = Path(__file__).resolve().parents[1] / "out"
DEFAULT_SHARED = Path(__file__).resolve().parents[3] / "shared"


@dataclass(frozen=True)
class Query:
    """A query and the keys of the papers that answer it (binary relevance)."""

    query: str
    relevant: tuple[str, ...]
    source: str
    title: str

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "relevant": list(self.relevant),
            "source": self.source,
            "title": self.title,
        }


@dataclass
class QuerySet:
    """A built set: the corpus file to import with ``paperhaul import jsonl``, its queries, and
    what was odd in the data (skipped items, duplicates), for the build's report."""

    name: str
    corpus: Path
    queries: list[Query]
    queries_path: Path
    corpus_size: int
    notes: list[str] = field(default_factory=list)


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write rows atomically: a build that fails halfway leaves the previous file in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as out:
        for row in rows:
            out.write(orjson.dumps(row) + b"\n")
    partial.replace(path)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON lines file; blank lines are skipped."""
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
