"""The fast path of the upsert: brand-new papers written set-wise through a staging table.

Almost every record of a first import (a snapshot of a million papers) is new and touches no
existing row. Binding every row of every table from Python would cost more than all the rest
of the import, so each batch is bound once, into a temporary staging table, and the database
itself copies it into papers, identifiers, source records and categories with one
``INSERT ... SELECT`` each, inside the batch's transaction. The upsert service decides which
records may take this path (no key, alias, source record or title already known); everything
else goes through the ORM in upsert.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from paperhaul.papers.models import Category, Identifier, Paper, PaperCategory, SourceRecord
from paperhaul.papers.prepared import PAPER_COLUMNS, ROW_COLUMNS, Prepared
from paperhaul.papers.signals import papers_bulk_inserted

STAGE = "paperhaul_stage"


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def placeholders(count: int) -> str:
    """``%s, %s, ...``: one query parameter for each of `count` values, as in ``IN (...)``."""
    return ", ".join(["%s"] * count)


def select_in(
    cursor,
    model: type,
    out: str,
    column: str,
    values: Sequence,
    *,
    equal: tuple[str, str] | None = None,
) -> list[tuple]:
    """Rows ``(column, out)`` of ``model`` whose ``column`` is in ``values`` (and, given
    ``equal=(name, value)``, whose ``name`` equals ``value``), fetched in chunks."""
    rows: list[tuple] = []
    extra, extra_params = (f" AND {_q(equal[0])} = %s", [equal[1]]) if equal else ("", [])
    for start in range(0, len(values), 900):
        chunk = list(values[start : start + 900])
        marks = placeholders(len(chunk))
        cursor.execute(
            f"SELECT {_q(column)}, {_q(out)} FROM {_table(model)} WHERE {_q(column)} IN ({marks}){extra}",
            chunk + extra_params,
        )
        rows.extend(cursor.fetchall())
    return rows


def _json_elements(column: str) -> str:
    """A FROM item expanding the JSON array in ``column`` into rows ``j.value`` (see _position)."""
    if connection.vendor == "postgresql":
        return f"jsonb_array_elements_text({column}) WITH ORDINALITY AS j(value, position)"
    return f"json_each({column}) AS j"


def _position() -> str:
    """The position of ``j.value`` in its array."""
    return "j.position" if connection.vendor == "postgresql" else "j.key"


def _new_papers() -> str:
    """The FROM clause of the staged papers ``s`` joined to their rows ``p`` once inserted."""
    return f"{STAGE} s JOIN {_table(Paper)} p ON p.{_q('key')} = s.{_q('key')}"


def _statements() -> list[str]:
    stage, paper, identifier = STAGE, _table(Paper), _table(Identifier)
    key = _q("key")
    columns = ", ".join(_q(c) for c in PAPER_COLUMNS)
    staged = ", ".join(f"s.{_q(c)}" for c in PAPER_COLUMNS)
    empty_list = "'[]'::jsonb" if connection.vendor == "postgresql" else "'[]'"
    new_papers = _new_papers()
    return [
        f"INSERT INTO {paper} ({columns}, note, edited_fields, created_at, modified_at)"
        f" SELECT {staged}, '', {empty_list}, s.fetched_at, s.fetched_at FROM {stage} s",
        f"INSERT INTO {identifier} ({key}, paper_id) SELECT s.{key}, p.id FROM {new_papers}",
        f"INSERT INTO {identifier} ({key}, paper_id)"
        f" SELECT j.value, p.id FROM {new_papers}, {_json_elements('s.aliases')}",
        f"INSERT INTO {_table(SourceRecord)} (paper_id, source, source_id, fetched_at,"
        f" payload_hash, data) SELECT p.id, s.source, s.source_id, s.fetched_at,"
        f" s.payload_hash, s.data FROM {new_papers}",
        f"INSERT INTO {_table(Category)} (name) SELECT DISTINCT j.value"
        f" FROM {stage} s, {_json_elements('s.cats')} WHERE true ON CONFLICT DO NOTHING",
        # In the record's order (the primary category first); the list was de-duplicated.
        f"INSERT INTO {_table(PaperCategory)} (paper_id, category_id)"
        f" SELECT p.id, c.id FROM {new_papers}, {_json_elements('s.cats')}"
        f" JOIN {_table(Category)} c ON c.name = j.value ORDER BY p.id, {_position()}",
    ]


class BulkWriter:
    """Inserts brand-new papers set-wise; one per import run (it keeps its statements)."""

    def __init__(self) -> None:
        self._statements: list[str] | None = None
        self.inserted = 0

    def _prepare(self, cursor) -> list[str]:
        if self._statements is None:
            postgres = connection.vendor == "postgresql"
            columns = ", ".join(f"{_q(c)} {kind}" if postgres else _q(c) for c, kind in ROW_COLUMNS.items())
            temp = "TEMPORARY TABLE IF NOT EXISTS"
            cursor.execute(f"CREATE {temp} {STAGE} ({columns})")
            self._statements = _statements()
        return self._statements

    def insert(self, records: Sequence[Prepared]) -> None:
        """Insert new papers (the caller made sure nothing in the library names them)."""
        if not records:
            return
        with connection.cursor() as cursor:
            statements = self._prepare(cursor)
            cursor.execute(f"DELETE FROM {STAGE}")
            marks = placeholders(len(ROW_COLUMNS))
            cursor.executemany(f"INSERT INTO {STAGE} VALUES ({marks})", [r.row for r in records])
            new_papers = _new_papers()
            signal = {"cursor": cursor, "new_papers": new_papers, "earlier": self.inserted}
            papers_bulk_inserted.send(BulkWriter, before=True, **signal)
            for statement in statements:
                cursor.execute(statement)
            papers_bulk_inserted.send(BulkWriter, before=False, **signal)
            cursor.execute(f"DELETE FROM {STAGE}")
        self.inserted += len(records)
