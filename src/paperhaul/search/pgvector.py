"""Vectors in pgvector (HNSW, cosine) when the PostgreSQL server has the extension.

A copy of each models.Embedding row's vector in a column pgvector can index, keyed by the row's
id: it is written in the same transaction as the row (store.save) and removed with it by the
foreign key (ON DELETE CASCADE, whether Django deletes the row or the paper), and the model a
vector belongs to is read from the row itself, so the copy cannot claim a vector of the wrong
model. Copies can only be missing (rows stored before the server had pgvector); check() finds
those and repair() adds them. Servers without pgvector use the usearch file of vectors.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db import DatabaseError, connection, transaction

from paperhaul.search.models import Embedding
from paperhaul.search.types import Scored

TABLE = "search_pgvector"
EMBEDDING = Embedding._meta.db_table
EF_SEARCH = 100
# pgvector's largest hnsw.ef_search; an HNSW scan returns at most that many rows, so a deeper
# search (a far page of results) scans every vector exactly instead.
MAX_EF_SEARCH = 1000
COPY_BATCH = 1000
# Serialises the creation of the table and its indexes between processes (any constant will do).
_LOCK_KEY = 7_160_253
_INSUFFICIENT_PRIVILEGE = "42501"

_available: dict[str, bool] = {}


def available() -> bool:
    """Whether vectors live in pgvector here; the extension and table are created on first use.

    The answer is kept per connection alias once it cannot change: False when the server lacks
    pgvector or refuses to create it, True once the table is seen outside a transaction (inside
    one, it may be this transaction's own creation, which a rollback would undo — as it does at
    the end of every test).
    """
    alias = connection.alias
    if alias in _available:
        return _available[alias]
    ready = _table_exists() or _install()
    if not ready or not connection.in_atomic_block:
        _available[alias] = ready
    return ready


def _table_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TABLE])
        return cursor.fetchone()[0]


def _install() -> bool:
    """Create the extension and the table; False when the server has no pgvector or may not create it.

    A savepoint keeps a refusal from breaking the caller's transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT installed_version FROM pg_available_extensions WHERE name = 'vector'")
        row = cursor.fetchone()
        if row is None:
            return False
        try:
            with transaction.atomic():
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
                if row[0] is None:
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {TABLE} (embedding_id bigint PRIMARY KEY"
                    f" REFERENCES {EMBEDDING}(id) ON DELETE CASCADE, embedding vector NOT NULL)"
                )
        except DatabaseError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != _INSUFFICIENT_PRIVILEGE:
                raise
            return False
    return True


def _index_name(dimension: int) -> str:
    return f"{TABLE}_hnsw_{dimension}"


def _ensure_index(cursor, dimension: int) -> None:
    """An HNSW index per dimension: pgvector indexes only columns of one fixed dimension.

    It is a partial index on the column cast to that dimension; nearest() repeats both the
    predicate and the expression, which is what lets the planner use it. The catalog is read
    first because CREATE INDEX IF NOT EXISTS would lock out concurrent writers of the table.
    """
    name = _index_name(dimension)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {name} ON {TABLE} USING hnsw"
        f" ((embedding::vector({dimension})) vector_cosine_ops) WHERE vector_dims(embedding) = {dimension}"
    )


def _literal(vector: np.ndarray) -> str:
    """pgvector's text form; Python's shortest repr of each float32 value reads back exactly."""
    return "[" + ",".join(map(repr, np.asarray(vector, dtype=np.float32).tolist())) + "]"


def save(model_id: str, paper_ids: Sequence[int], vectors: np.ndarray) -> None:
    """Copy the vectors just stored (store.save) for these papers, in its transaction."""
    if not len(paper_ids):
        return
    with connection.cursor() as cursor:
        _ensure_index(cursor, vectors.shape[1])
        cursor.execute(
            f"INSERT INTO {TABLE} (embedding_id, embedding)"
            f" SELECT e.id, u.vector::vector FROM unnest(%s::bigint[], %s::text[]) AS u(paper_id, vector)"
            f" JOIN {EMBEDDING} e ON e.paper_id = u.paper_id AND e.model = %s"
            " ON CONFLICT (embedding_id) DO UPDATE SET embedding = EXCLUDED.embedding",
            [list(map(int, paper_ids)), [_literal(v) for v in vectors], model_id],
        )


def nearest(model_id: str, vector: np.ndarray, k: int) -> list[Scored]:
    """The k papers nearest to `vector` among the model's vectors, by HNSW (exactly when k is large).

    The nearest copies are found first, on the table alone, in the form the planner can answer
    from the HNSW index (with a join it may prefer to sort every vector of the model); the
    model is checked afterwards, as HNSW filters anyway. While a new model's vectors are being
    computed, fewer than k may come back.
    """
    dimension = len(vector)
    column = f"embedding::vector({dimension})" if k <= MAX_EF_SEARCH else "embedding"
    with transaction.atomic(), connection.cursor() as cursor:
        if k <= MAX_EF_SEARCH:
            # Lasts until the end of the transaction: this query's, or the caller's when it has one.
            cursor.execute("SELECT set_config('hnsw.ef_search', %s, true)", [str(max(EF_SEARCH, k))])
        cursor.execute(
            f"SELECT e.paper_id, c.distance FROM (SELECT embedding_id,"
            f" {column} <=> %s::vector({dimension}) AS distance FROM {TABLE}"
            f" WHERE vector_dims(embedding) = {dimension} ORDER BY distance LIMIT %s) c"
            f" JOIN {EMBEDDING} e ON e.id = c.embedding_id WHERE e.model = %s ORDER BY c.distance",
            [_literal(vector), k, model_id],
        )
        return [Scored(int(pid), 1.0 - float(distance)) for pid, distance in cursor.fetchall()]


def missing() -> int:
    """Stored vectors without a copy here (a copy is removed with its row, so counts suffice)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT count(*) FROM {EMBEDDING}) - (SELECT count(*) FROM {TABLE})")
        return cursor.fetchone()[0]


def repair() -> None:
    """Copy every stored vector that has no copy yet, then index every dimension present."""
    after = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT e.id, e.vector FROM {EMBEDDING} e WHERE e.id > %s AND NOT EXISTS"
                f" (SELECT 1 FROM {TABLE} v WHERE v.embedding_id = e.id) ORDER BY e.id LIMIT %s",
                [after, COPY_BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            after = rows[-1][0]
            cursor.execute(
                f"INSERT INTO {TABLE} (embedding_id, embedding)"
                " SELECT * FROM unnest(%s::bigint[], %s::text[]::vector[])",
                [[r[0] for r in rows], [_literal(np.frombuffer(bytes(r[1]), dtype="<f4")) for r in rows]],
            )
        cursor.execute(f"SELECT DISTINCT vector_dims(embedding) FROM {TABLE}")
        for (dimension,) in cursor.fetchall():
            _ensure_index(cursor, dimension)


def rebuild() -> None:
    """Copy every stored vector again (`paperhaul reindex`), indexing after the copy as pgvector advises.

    One transaction, so a failure leaves the old copies; searches wait for it (dropping an
    index locks the table) rather than see half of it.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
            [TABLE, f"{TABLE}\\_hnsw\\_%"],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(f"DELETE FROM {TABLE}")
        repair()
