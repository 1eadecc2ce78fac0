"""Keeping vectors in step with the library: embed what is new or changed, newest first.

Work goes in committed batches, so an interrupted run loses at most one batch and the next run
carries on; a paper is pending when it has no vector of the current model, or was modified after
its vector was made and its text (title + abstract) is no longer the text that was embedded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from paperhaul.papers.models import Paper
from paperhaul.search import pgvector, store
from paperhaul.search.embeddings import Embedder, document_text, get_embedder
from paperhaul.search.models import Embedding
from paperhaul.search.vectors import vector_index

BATCH = 256
_PENDING = (
    "FROM papers_paper p LEFT JOIN search_embedding e ON e.paper_id = p.id"
    " WHERE (e.id IS NULL OR e.model <> %s OR e.embedded_at < p.modified_at)"
)


@dataclass
class EmbedStats:
    embedded: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return f"embedded {self.embedded} / unchanged {self.unchanged}"


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def pending_count(model_id: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {_PENDING}", [model_id])
        return cursor.fetchone()[0]


def embed_pending(
    *,
    embedder: Embedder | None = None,
    limit: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> EmbedStats:
    """Embed pending papers, newest first, in committed batches; then refresh the vector index file."""
    embedder = embedder or get_embedder("documents")
    stats = EmbedStats()
    below = None  # keyset: papers are visited by descending id, each at most once per run
    while limit is None or stats.embedded < limit:
        size = BATCH if limit is None else min(BATCH, limit - stats.embedded)
        rows = _pending_batch(embedder.model_id, below, size)
        if not rows:
            break
        below = rows[-1][0]
        _embed_batch(embedder, rows, stats)
        if progress:
            progress(stats.embedded + stats.unchanged)
    if stats.embedded:
        count, _ = store.stats(embedder.model_id)
        pgvector_serves = connection.vendor == "postgresql" and pgvector.available()
        if count >= settings.PAPERHAUL_SEARCH_EXACT_BELOW and not pgvector_serves:
            vector_index(embedder.model_id).build()
    return stats


def _pending_batch(model_id: str, below: int | None, size: int) -> list[tuple]:
    keyset = "" if below is None else " AND p.id < %s"
    params = [model_id] + ([] if below is None else [below]) + [size]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.title, p.abstract, e.text_hash, e.model {_PENDING}{keyset}"
            " ORDER BY p.id DESC LIMIT %s",
            params,
        )
        return cursor.fetchall()


def _embed_batch(embedder: Embedder, rows: list[tuple], stats: EmbedStats) -> None:
    texts = {pid: document_text(title, abstract) for pid, title, abstract, _, _ in rows}
    hashes = {pid: text_hash(text) for pid, text in texts.items()}
    unchanged = [pid for pid, _, _, old, model in rows if model == embedder.model_id and old == hashes[pid]]
    if unchanged:
        Embedding.objects.filter(paper_id__in=unchanged).update(embedded_at=timezone.now())
        stats.unchanged += len(unchanged)
    todo = [pid for pid in texts if pid not in set(unchanged)]
    if todo:
        vectors = embedder.encode([texts[pid] for pid in todo])
        store.save(embedder.model_id, todo, [hashes[pid] for pid in todo], vectors)
        stats.embedded += len(todo)


def store_restored_vector(absorbed: Paper, **_: object) -> None:
    """Receiver of papers_unmerged: a paper whose merge was undone got its vector back as it was,
    under its old id. It is stored again (a new id, and pgvector's copy on PostgreSQL) because the
    vector indexes take in the rows written after their file by id (vectors.py)."""
    row = Embedding.objects.filter(paper=absorbed).values_list("model", "text_hash").first()
    if row is not None:
        model_id, text_hash = row
        store.save(model_id, [absorbed.pk], [text_hash], np.stack([store.vector_of(model_id, absorbed.pk)]))
