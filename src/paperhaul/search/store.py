"""Reading and writing embedding rows: the source of truth the vector indexes are built from."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from paperhaul.papers.bulk import select_in
from paperhaul.search import pgvector
from paperhaul.search.filters import Filters, filter_sql
from paperhaul.search.models import Embedding

TABLE = Embedding._meta.db_table
BATCH = 50_000
# How long a row count is trusted while the newest row id is unchanged (deletions change only the count).
COUNT_TTL = 10.0

_counts: dict[str, tuple[int, int, float]] = {}
_counts_lock = threading.Lock()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def _matrix(blobs: Sequence, dimension: int | None = None) -> np.ndarray:
    if not blobs:
        return np.empty((0, dimension or 0), dtype=np.float32)
    return np.frombuffer(b"".join(bytes(b) for b in blobs), dtype="<f4").reshape(len(blobs), -1)


def stats(model_id: str) -> tuple[int, int]:
    """(number of vectors, newest row id) of a model; the count is cached briefly (see COUNT_TTL)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {TABLE} WHERE model = %s", [model_id])
        max_row = cursor.fetchone()[0] or 0
        with _counts_lock:
            cached = _counts.get(model_id)
        if cached and cached[1] == max_row and time.monotonic() - cached[2] < COUNT_TTL:
            return cached[0], max_row
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE model = %s", [model_id])
        count = cursor.fetchone()[0]
    with _counts_lock:
        _counts[model_id] = (count, max_row, time.monotonic())
    return count, max_row


def forget_counts() -> None:
    with _counts_lock:
        _counts.clear()


def dimension(model_id: str) -> int:
    row = Embedding.objects.filter(model=model_id).values_list("vector", flat=True).first()
    return len(bytes(row)) // 4 if row is not None else 0


def batches_after(
    model_id: str, after: int, size: int = BATCH
) -> Iterator[tuple[np.ndarray, np.ndarray, int]]:
    """(paper ids, vectors, last row id) of the rows newer than `after`, oldest first, in batches."""
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, paper_id, vector FROM {TABLE} WHERE model = %s AND id > %s ORDER BY id LIMIT %s",
                [model_id, after, size],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        after = rows[-1][0]
        yield np.array([r[1] for r in rows], dtype=np.int64), _matrix([r[2] for r in rows]), after
        if len(rows) < size:
            return


def rows_after(model_id: str, after: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Every row newer than `after` at once (for exact search over a small set)."""
    parts = list(batches_after(model_id, after))
    if not parts:
        return np.empty(0, dtype=np.int64), np.empty((0, dimension(model_id)), dtype=np.float32), after
    return np.concatenate([p[0] for p in parts]), np.vstack([p[1] for p in parts]), parts[-1][2]


def paper_ids(model_id: str) -> np.ndarray:
    ids = Embedding.objects.filter(model=model_id).values_list("paper_id", flat=True)
    return np.sort(np.fromiter(ids.iterator(chunk_size=BATCH), dtype=np.int64))


def with_vectors(model_id: str, paper_ids_: Sequence[int]) -> set[int]:
    """Those of these papers that have a vector of the model (deleting a paper deletes its vector)."""
    with connection.cursor() as cursor:
        rows = select_in(cursor, Embedding, "paper_id", "paper_id", paper_ids_, equal=("model", model_id))
    return {paper_id for paper_id, _ in rows}


def vector_of(model_id: str, paper_id: int) -> np.ndarray | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT vector FROM {TABLE} WHERE model = %s AND paper_id = %s LIMIT 1", [model_id, paper_id]
        )
        row = cursor.fetchone()
    return None if row is None else np.frombuffer(bytes(row[0]), dtype="<f4")


def has_vector(paper_id: int) -> bool:
    """Whether the paper has a vector of any model (a paper page asks before loading the model)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TABLE} WHERE paper_id = %s LIMIT 1", [paper_id])
        return cursor.fetchone() is not None


def filtered_rows(model_id: str, filters: Filters, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of the papers that pass `filters` (at most `limit`, newest first)."""
    where, params = filter_sql(filters)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.paper_id, e.vector FROM {TABLE} e JOIN papers_paper p ON p.id = e.paper_id"
            f" WHERE e.model = %s AND {where} ORDER BY p.published DESC, p.id DESC LIMIT %s",
            [model_id, *params, limit],
        )
        rows = cursor.fetchall()
    return np.array([r[0] for r in rows], dtype=np.int64), _matrix([r[1] for r in rows])


def save(model_id: str, paper_ids_: Sequence[int], hashes: Sequence[str], vectors: np.ndarray) -> None:
    """Store new vectors, replacing (delete, then insert: ids only grow) any earlier ones of the papers."""
    now = timezone.now()
    with transaction.atomic():
        Embedding.objects.filter(paper_id__in=list(paper_ids_)).delete()
        Embedding.objects.bulk_create(
            Embedding(paper_id=pid, model=model_id, text_hash=h, vector=to_bytes(v), embedded_at=now)
            for pid, h, v in zip(paper_ids_, hashes, vectors, strict=True)
        )
        if connection.vendor == "postgresql" and pgvector.available():
            pgvector.save(model_id, paper_ids_, vectors)
