"""Nearest-neighbour search over the stored embeddings: exact when small, HNSW (usearch) when large.

The database rows (models.Embedding) are the truth; the index file under
PAPERHAUL_HOME/search/ is a cache of them, tagged with the newest row id it holds. A reader
memory-maps the file (so every server process shares one copy) and searches the rows newer than
the file exactly, so a paper is findable as soon as its vector is committed. When that tail grows
large, or the file is missing, damaged or from another model, it is rebuilt from the rows under a
file lock: a crash at any point leaves at worst a stale cache that the next search repairs.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from usearch.index import Index

from paperhaul.search import store
from paperhaul.search.types import Scored

# Rows newer than the file searched exactly before the file is brought up to date.
TAIL_LIMIT = 5000
# bfloat16: an eighth faster to build and a third faster to search than float16 on the CPUs
# measured, with recall@10 0.998 against exact search (docs/benchmarks.md); a file of another
# type is rebuilt.
DTYPE = "bf16"
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 96


@dataclass
class _Matrix:
    """Vectors held in memory for exact search, with the newest row id they include."""

    ids: np.ndarray
    vectors: np.ndarray
    max_row: int = 0
    unfiled: int = 0  # of a tail: how many of its papers the index file does not hold

    @classmethod
    def empty(cls, dimension: int) -> _Matrix:
        return cls(np.empty(0, dtype=np.int64), np.empty((0, dimension), dtype=np.float32))

    def extend(self, ids: np.ndarray, vectors: np.ndarray, max_row: int) -> None:
        if len(ids):
            self.ids = np.concatenate([self.ids, ids])
            self.vectors = np.vstack([self.vectors, vectors])
        self.max_row = max(self.max_row, max_row)

    def nearest(self, query: np.ndarray, k: int) -> list[Scored]:
        return exact_nearest(self.ids, self.vectors, query, k)


def exact_nearest(ids: np.ndarray, vectors: np.ndarray, query: np.ndarray, k: int) -> list[Scored]:
    """The k best by cosine similarity (the vectors are normalised): a scan of every vector."""
    if not len(ids) or k <= 0:
        return []
    scores = vectors @ query.astype(np.float32)
    k = min(k, len(ids))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [Scored(int(ids[i]), float(scores[i])) for i in top]


def _slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("_")[:120] or "model"


class VectorIndex:
    """Search over one model's vectors; one instance per model per process (see `vector_index`)."""

    def __init__(self, model_id: str, folder: Path | None = None) -> None:
        self.model_id = model_id
        self.folder = folder or Path(settings.HOME) / "search"
        self.path = self.folder / f"{_slug(model_id)}.usearch"
        self.meta_path = self.path.with_suffix(".json")
        self._lock = threading.Lock()
        self._exact: _Matrix | None = None
        self._tail: _Matrix | None = None
        self._view: Index | None = None
        self._view_stamp: tuple | None = None
        self._view_meta: dict = {}

    # --- searching

    def nearest(self, query: np.ndarray, k: int) -> list[Scored]:
        """The k papers nearest to `query`, best first.

        Only papers that still have a vector: the index file keeps the vectors of papers deleted
        since it was written, so when the row count says there are such, the candidates are
        checked against the rows. (The count is cached for store.COUNT_TTL seconds, so for that
        long a deleted paper may still come back: callers that read the papers skip it.)
        """
        count, max_row = store.stats(self.model_id)
        if count == 0:
            return []
        with self._lock:
            if count < settings.PAPERHAUL_SEARCH_EXACT_BELOW:
                return self._exact_matrix(count, max_row).nearest(query, k)
            view, tail = self._ann_parts(count, max_row)
        deleted = max(0, len(view) + tail.unfiled - count)
        matches = view.search(query.astype(np.float32), min(k + deleted, len(view)))
        best = dict(zip(matches.keys.tolist(), (1.0 - matches.distances).tolist(), strict=True))
        newer = tail.nearest(query, k)
        for hit in newer:
            best[hit.id] = hit.score  # a newer vector replaces the file's one
        if deleted:
            alive = store.with_vectors(self.model_id, list(best))
            best = {pid: score for pid, score in best.items() if pid in alive}
        # The file's matches come best first; only the tail's can change the order.
        ranked = sorted(best.items(), key=lambda item: -item[1])[:k] if newer else list(best.items())[:k]
        return [Scored(pid, score) for pid, score in ranked]

    def _exact_matrix(self, count: int, max_row: int) -> _Matrix:
        matrix = self._exact
        if matrix is None or max_row < matrix.max_row:
            matrix = self._exact = _Matrix.empty(store.dimension(self.model_id))
        if max_row > matrix.max_row:
            ids, vectors, last = store.rows_after(self.model_id, matrix.max_row)
            matrix.extend(ids, vectors, last)
        if len(matrix.ids) != count:  # rows were deleted or replaced: read them all again
            ids, vectors, last = store.rows_after(self.model_id, 0)
            matrix = self._exact = _Matrix(ids, vectors, last)
        return matrix

    def _ann_parts(self, count: int, max_row: int) -> tuple[Index, _Matrix]:
        self._refresh_view()
        file_row = self._view_meta.get("max_row", -1) if self._view is not None else -1
        stale = self._view is None or max_row - file_row > TAIL_LIMIT
        drifted = self._view is not None and abs(len(self._view) - count) > max(TAIL_LIMIT, count // 20)
        if stale or drifted:
            self.build()
            self._refresh_view()
            file_row = self._view_meta["max_row"]
        tail = self._tail
        if tail is None or tail.max_row < file_row:
            tail = self._tail = _Matrix.empty(store.dimension(self.model_id))
            tail.max_row = file_row
        if max_row > tail.max_row:
            ids, vectors, last = store.rows_after(self.model_id, tail.max_row)
            tail.extend(ids, vectors, last)
            if len(ids):
                tail.unfiled += len(ids) - int(np.count_nonzero(self._view.contains(ids.astype(np.uint64))))
        return self._view, tail

    def _refresh_view(self) -> None:
        """Map the index file again when another process has replaced it."""
        try:
            stat = self.path.stat()
        except OSError:
            self._view, self._view_stamp = None, None
            return
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if stamp == self._view_stamp:
            return
        try:
            meta = json.loads(self.meta_path.read_text())
        except (OSError, ValueError):
            self._view, self._view_stamp = None, None
            return
        if not self._meta_matches(meta, stat.st_size):
            self._view, self._view_stamp = None, None
            return
        try:
            view = Index.restore(str(self.path), view=True)
        except Exception:
            view = None
        if view is None:
            self._view, self._view_stamp = None, None
            return
        view.expansion_search = EXPANSION_SEARCH
        self._view, self._view_stamp, self._view_meta = view, stamp, meta
        self._tail = None

    # --- building

    def build(self) -> int:
        """Bring the index file up to date with the rows (incrementally when it can); returns its size."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.path.with_suffix(".lock")):
            index, max_row = self._load_for_update()
            count, latest = store.stats(self.model_id)
            if latest > max_row:
                for ids, vectors, last in store.batches_after(self.model_id, max_row):
                    present = [key for key in ids.tolist() if index.contains(key)]
                    if present:
                        index.remove(present)
                    index.add(ids.astype(np.uint64), vectors)
                    max_row = last
            if len(index) != count:  # papers were deleted since: drop their vectors
                live = store.paper_ids(self.model_id)
                keys = np.asarray(index.keys, dtype=np.int64)
                gone = np.setdiff1d(keys, live, assume_unique=True)
                if len(gone):
                    index.remove(gone.astype(np.uint64))
            temporary = self.path.with_suffix(".tmp")
            index.save(str(temporary))
            size = temporary.stat().st_size
            meta = {
                "model": self.model_id,
                "dtype": DTYPE,
                "max_row": max_row,
                "count": len(index),
                "size": size,
            }
            os.replace(temporary, self.path)
            _write_atomic(self.meta_path, json.dumps(meta))
            return len(index)

    def _meta_matches(self, meta: dict, size: int) -> bool:
        """Whether the file described by `meta` is this model's, of this scalar type, and whole."""
        return (meta.get("model"), meta.get("dtype"), meta.get("size")) == (self.model_id, DTYPE, size)

    def _load_for_update(self) -> tuple[Index, int]:
        try:
            meta = json.loads(self.meta_path.read_text())
            if self._meta_matches(meta, self.path.stat().st_size):
                index = Index.restore(str(self.path))
                if index is not None:
                    index.expansion_add = EXPANSION_ADD
                    return index, int(meta["max_row"])
        except (OSError, ValueError, KeyError, RuntimeError):
            pass
        index = Index(
            ndim=store.dimension(self.model_id),
            metric="cos",
            dtype=DTYPE,
            connectivity=CONNECTIVITY,
            expansion_add=EXPANSION_ADD,
            expansion_search=EXPANSION_SEARCH,
        )
        return index, 0

    def forget(self) -> None:
        """Drop the caches of this process and the index file (reindex builds them again)."""
        with self._lock:
            self._exact = self._tail = self._view = None
            self._view_stamp = None
            for path in (self.path, self.meta_path):
                path.unlink(missing_ok=True)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


_indexes: dict[tuple[str, str], VectorIndex] = {}
_indexes_lock = threading.Lock()


def vector_index(model_id: str) -> VectorIndex:
    """The process-wide index of one model under the current PAPERHAUL_HOME."""
    with _indexes_lock:
        key = (str(settings.HOME), model_id)
        if key not in _indexes:
            _indexes[key] = VectorIndex(model_id)
        return _indexes[key]
