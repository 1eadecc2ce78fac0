"""Importing files into the library: one entry per format of `paperhaul import`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from paperhaul.errors import InputError
from paperhaul.papers.ingest import files, parallel
from paperhaul.papers.records import PaperRecord, ParsedRecord
from paperhaul.papers.upsert import ImportStats, Library
from paperhaul.progress import Bar

# Below this size a file is parsed in the main process: a worker would cost more than it saves.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024


@dataclass
class ImportResult:
    stats: ImportStats
    duplicates: list[str] = field(default_factory=list)


def _line_format(reader: Callable[[Iterable[bytes], str], Iterator[ParsedRecord]]):
    def run(path: Path, library: Library, skip_bad: bool, bar: Bar) -> ImportResult:
        started = time.monotonic()
        with files.open_binary(path) as stream:
            size = path.stat().st_size or 1

            def report(stats: ImportStats) -> None:
                elapsed = max(time.monotonic() - started, 1e-9)
                bar.update(
                    completed=files.raw_position(stream),
                    total=size,
                    records=f"{stats.processed:,}",
                    rate=f"{stats.processed / elapsed:,.0f}",
                )
                if stats.finishing:
                    bar.note("finishing: search indexes")

            lines = files.iter_lines(stream, path)
            if size >= PARALLEL_MIN_BYTES:
                records = parallel.parse_in_worker(reader, lines, str(path))
            else:
                records = reader(lines, str(path))
            library.upsert(records, skip_bad=skip_bad, on_batch=report)
        return ImportResult(library.stats)

    return run


def _whole_file_format(parse: Callable[[str, str], list[ParsedRecord]], find_duplicates=None):
    def run(path: Path, library: Library, skip_bad: bool, bar: Bar) -> ImportResult:
        items = parse(files.read_text(path), str(path))
        duplicates = []
        if find_duplicates is not None:
            good = [item for item in items if isinstance(item, PaperRecord)]
            duplicates = [
                f"{a.extra.get('blog', '')}: {a.extra.get('src', a.key)} and "
                f"{b.extra.get('src', b.key)} are the same item ({a.key})"
                for a, b in find_duplicates(good)
            ]
        library.upsert(
            items,
            skip_bad=skip_bad,
            on_batch=lambda s: bar.update(
                completed=s.processed, total=len(items), records=s.processed, rate="-"
            ),
        )
        return ImportResult(library.stats, duplicates)

    return run


def _reader(fmt: str) -> Callable[[Path, Library, bool, Bar], ImportResult]:
    if fmt == "snapshot":
        from paperhaul.papers.ingest.arxiv_snapshot import read_snapshot

        return _line_format(read_snapshot)
    if fmt == "jsonl":
        from paperhaul.papers.ingest.records_jsonl import read_jsonl

        return _line_format(read_jsonl)
    if fmt == "links":
        from paperhaul.papers.ingest.links_dataset import find_duplicates, read_links

        return _whole_file_format(lambda text, path: list(read_links(text, path)), find_duplicates)
    if fmt == "bibtex":
        from paperhaul.papers.ingest.bibtex_file import read_bibtex

        return _whole_file_format(lambda text, path: list(read_bibtex(text, path)))
    if fmt == "ris":
        from paperhaul.papers.ingest.ris_file import read_ris

        return _whole_file_format(lambda text, path: list(read_ris(text, path)))
    from paperhaul.papers.ingest.daily_papers import parse_daily_papers

    return _whole_file_format(lambda text, path: list(parse_daily_papers(text.encode(), path)))


FORMATS = ("jsonl", "snapshot", "links", "daily", "bibtex", "ris")
# Formats that are more than paper records: they have an importer of their own (one per name)
# taking every PATH at once, and a summary of their own.
OTHER_FORMATS = ("haul",)


def import_file(fmt: str, path: Path, *, skip_bad: bool = False, bar: Bar | None = None) -> ImportResult:
    """Import one file of a library format; the summary says what was added, updated, unchanged."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return _reader(fmt)(path, Library(), skip_bad, bar or Bar(None, None))
