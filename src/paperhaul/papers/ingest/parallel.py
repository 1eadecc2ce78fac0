"""Parsing a large line-based file in a worker process while the main process writes.

A bulk import spends about as long turning lines into records as writing them; with two cores
the two halves overlap. At most ``window`` chunks are in flight, so memory stays flat however
large the file is, and records come back in file order.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from paperhaul.errors import RecordError
from paperhaul.papers.prepared import Prepared, prepare, utc_text
from paperhaul.papers.records import ParsedRecord

Reader = Callable[[Iterable[bytes], str], Iterator[ParsedRecord]]
CHUNK_LINES = 5000


def parse_chunk(
    reader: Reader, lines: list[bytes], first_line: int, path: str
) -> list[Prepared | RecordError]:
    """Parse and prepare one chunk; line numbers of bad records are made relative to the file."""
    fetched_at = utc_text(dt.datetime.now(dt.UTC))
    parsed: list[Prepared | RecordError] = []
    for item in reader(lines, path):
        if isinstance(item, RecordError):
            line = None if item.line is None else item.line + first_line - 1
            parsed.append(RecordError(item.reason, line=line, path=path))
        else:
            parsed.append(prepare(item, fetched_at))
    return parsed


def parse_in_worker(
    reader: Reader, lines: Iterable[bytes], path: str, *, window: int = 4
) -> Iterator[ParsedRecord]:
    workers = max(1, min(2, (os.cpu_count() or 2) - 1))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future] = deque()
        iterator = iter(lines)
        first_line = 1
        while True:
            while len(pending) < window:
                chunk = list(islice(iterator, CHUNK_LINES))
                if not chunk:
                    break
                pending.append(pool.submit(parse_chunk, reader, chunk, first_line, path))
                first_line += len(chunk)
            if not pending:
                return
            yield from pending.popleft().result()
