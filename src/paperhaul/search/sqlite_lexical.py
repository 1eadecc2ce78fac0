"""Lexical search and typeahead on SQLite: two FTS5 indexes kept by triggers.

`search_fts` (title, authors, abstract) ranks with BM25, the title weighted highest;
`search_titles` (title, authors) is smaller and serves typeahead and its spelling repairs.
Both are contentless (the text stays in the paper table only) and triggers update them inside
the transaction that changes a paper, so the index can never fall behind the library, even
after a crash. (External content over a view cannot be used: FTS5 cannot read a view that
calls json_each, which turns the JSON author list into text.)

A bulk import indexes its new papers set-wise instead (index_bulk_insert): FTS5 flushes its
pending terms at every statement savepoint, so a trigger firing once a row writes one tiny
segment a paper, and merging those costs three times the tokenising. The insert triggers stand
aside while the marker table BULK holds a row; the bulk writer fills it and empties it again
inside its own transaction, so no other connection ever sees it set and a crash rolls it back.
"""

from __future__ import annotations

import heapq
from operator import itemgetter

from django.db import DatabaseError, connection

from paperhaul.search import rarity
from paperhaul.search.filters import Filters, filter_sql
from paperhaul.search.fts5 import match_expression, prefix_expression, quote
from paperhaul.search.query import ParsedQuery
from paperhaul.search.types import Scored

PAPER = "papers_paper"
# Ranking stems words (a query for "preferences" finds "preference"); typeahead does not, so that
# prefixes and spelling repairs compare what was typed with words as they are written.
TOKENIZERS = {
    "search_fts": "porter unicode61 remove_diacritics 2",
    "search_titles": "unicode61 remove_diacritics 2",
}
# Prefix indexes make typeahead's prefix queries fast; only the small title index needs them
# (they would triple the cost of indexing abstracts).
PREFIXES = {"search_titles": ", prefix='2 3'"}
# BM25 weights of the columns title, authors, abstract.
WEIGHTS = (10.0, 4.0, 1.0)
_AUTHORS = "(SELECT group_concat(value, ', ') FROM json_each({row}.authors))"
_INDEXES = {"search_fts": ("title", "authors", "abstract"), "search_titles": ("title", "authors")}
BULK = "search_bulk_insert"
# Terms FTS5 gathers in memory before writing a segment (its default is 1 MiB): a bulk import's
# batch then makes one segment, not dozens to merge. Only a large transaction reaches it.
HASH_SIZE = 32 * 1024 * 1024


def _values(row: str, columns: tuple[str, ...]) -> str:
    return ", ".join(_AUTHORS.format(row=row) if c == "authors" else f"{row}.{c}" for c in columns)


def _select(columns: tuple[str, ...]) -> str:
    return f"SELECT id, {_values(PAPER, columns)} FROM {PAPER}"


def _insert(table: str) -> str:
    columns = _INDEXES[table]
    return f"INSERT INTO {table}(rowid, {', '.join(columns)}) VALUES (new.id, {_values('new', columns)});"


def _insert_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON {PAPER}"
        f" WHEN NOT EXISTS (SELECT 1 FROM {BULK}) BEGIN {_insert(table)} END"
    )


def _schema() -> list[str]:
    """The indexes and the triggers that keep them on deletes and updates (inserts: install)."""
    statements = []
    for table, columns in _INDEXES.items():
        names = ", ".join(columns)
        delete = (
            f"INSERT INTO {table}({table}, rowid, {names})"
            f" VALUES ('delete', old.id, {_values('old', columns)});"
        )
        statements += [
            f"CREATE VIRTUAL TABLE {table} USING fts5({names}, content='',"
            f" tokenize='{TOKENIZERS[table]}'{PREFIXES.get(table, '')})",
            f"CREATE TRIGGER {table}_delete AFTER DELETE ON {PAPER} BEGIN {delete} END",
            f"CREATE TRIGGER {table}_update AFTER UPDATE OF {names} ON {PAPER}"
            f" BEGIN {delete} {_insert(table)} END",
            f"CREATE VIRTUAL TABLE {table}_vocab USING fts5vocab({table}, 'row')",
        ]
    return statements


def install(cursor) -> None:
    for statement in _schema():
        cursor.execute(statement)
    install_bulk_indexing(cursor)
    for table in _INDEXES:
        _fill(cursor, table)


def install_bulk_indexing(cursor) -> None:
    """The marker table, the insert triggers that honour it and FTS5's hash size; on its own, it
    brings an index made before set-wise bulk indexing up to date (migration 0003)."""
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {BULK} (id INTEGER PRIMARY KEY)")
    for table in _INDEXES:
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_insert")
        cursor.execute(_insert_trigger(table))
        cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', {HASH_SIZE})")


def uninstall(cursor) -> None:
    for table in _INDEXES:
        for event in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{event}")
        cursor.execute(f"DROP TABLE IF EXISTS {table}_vocab")
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"DROP TABLE IF EXISTS {BULK}")


def index_bulk_insert(sender, *, cursor, new_papers: str, before: bool, **kwargs) -> None:
    """Receiver of papers_bulk_inserted: set the marker before the insert, index the papers after.

    (On PostgreSQL the lexical index is a generated column: nothing to do.)
    """
    if cursor.db.vendor != "sqlite":
        return
    if before:
        cursor.execute(f"INSERT INTO {BULK} (id) VALUES (1)")
        return
    for table, columns in _INDEXES.items():
        cursor.execute(
            f"INSERT INTO {table}(rowid, {', '.join(columns)}) SELECT p.id, {_values('p', columns)}"
            f" FROM {new_papers}"
        )
    cursor.execute(f"DELETE FROM {BULK}")


def optimize() -> None:
    """Merge every segment of each index into one; queries then read the fewest pages."""
    with connection.cursor() as cursor:
        for table in _INDEXES:
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def _rebuild(cursor, table: str) -> None:
    cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")
    _fill(cursor, table)


def _fill(cursor, table: str) -> None:
    columns = _INDEXES[table]
    cursor.execute(f"INSERT INTO {table}(rowid, {', '.join(columns)}) {_select(columns)}")


def lexical(
    parsed: ParsedQuery, filters: Filters, limit: int, offset: int, newest: bool, any_words: bool
) -> list[Scored]:
    """Papers matching the query, best BM25 first (or newest first), after `offset`."""
    cap = rarity.RANK_CAP
    if any_words and not newest:
        rarer = rarity.rarer_words(parsed, _count)
        if rarer is None:
            cap = rarity.LOOSE_RANK_CAP
        else:
            parsed = rarer
    expression = match_expression(parsed, any_words=any_words)
    where, params = filter_sql(filters)
    if expression is None:
        sql = (
            f"SELECT p.id, 0.0 FROM {PAPER} p WHERE {where}"
            " ORDER BY p.published DESC, p.id DESC LIMIT %s OFFSET %s"
        )
        args = [*params, limit, offset]
    elif newest:
        sql = (
            f"SELECT search_fts.rowid, 0.0 FROM search_fts JOIN {PAPER} p ON p.id = search_fts.rowid"
            f" WHERE search_fts MATCH %s AND {where} ORDER BY p.published DESC, p.id DESC LIMIT %s OFFSET %s"
        )
        args = [expression, *params, limit, offset]
    else:
        ranked = _ranked(expression, filters, cap)
        # Only the page is made into Scored values: a query of common words ranks a thousand rows.
        best = heapq.nlargest(offset + limit, ranked, key=itemgetter(1))
        return [Scored(pid, score) for pid, score in best[offset:]]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [Scored(int(pid), float(score)) for pid, score in cursor.fetchall()]


def _count(text: str, is_phrase: bool) -> int:
    """Papers matching one word or phrase, counted up to RANK_CAP + 1 (see rarity.rarer_words)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
            [quote(text), rarity.RANK_CAP + 1],
        )
        return cursor.fetchone()[0]


def _ranked(expression: str, filters: Filters, cap: int) -> list[tuple[int, float]]:
    """(paper id, BM25) of the newest `cap` matches (unsorted).

    FTS5 scores every match before it can sort by score; reading matches newest first and
    stopping at the cap bounds the work of a query made of very common words.
    """
    where, params = filter_sql(filters)
    bm25 = f"bm25(search_fts, {', '.join(map(str, WEIGHTS))})"
    join = f" JOIN {PAPER} p ON p.id = search_fts.rowid" if filters.active else ""
    condition = f" AND {where}" if filters.active else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT search_fts.rowid, -{bm25} FROM search_fts{join}"
            f" WHERE search_fts MATCH %s{condition} ORDER BY search_fts.rowid DESC LIMIT %s",
            [expression, *params, cap],
        )
        return cursor.fetchall()


def title_word_matches(text: str, limit: int) -> list[int]:
    """Papers whose title has every word of `text`, the last as a prefix; newest first."""
    expression = prefix_expression(text)
    if expression is None:
        return []
    return _column_matches("title", expression, limit)


def _column_matches(column: str, expression: str, limit: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM search_titles WHERE search_titles MATCH %s ORDER BY rowid DESC LIMIT %s",
            ["{" + column + "} : (" + expression + ")", limit],
        )
        return [row[0] for row in cursor.fetchall()]


def author_matches(text: str, limit: int) -> list[int]:
    """Papers with an author matching every word of `text` (the last as a prefix); newest first."""
    expression = prefix_expression(text)
    if expression is None:
        return []
    return _column_matches("authors", expression, limit)


def vocabulary(first: str, lengths: range) -> list[str]:
    """Indexed title and author words starting with `first`, of a length in `lengths`."""
    upper = first[:-1] + chr(ord(first[-1]) + 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term FROM search_titles_vocab WHERE term >= %s AND term < %s"
            " AND length(term) BETWEEN %s AND %s",
            [first, upper, lengths.start, lengths.stop - 1],
        )
        return [row[0] for row in cursor.fetchall()]


def check(repair: bool, thorough: bool = False) -> list[str]:
    """Disagreements between the FTS indexes and the papers; rebuilt when `repair`.

    The quick check compares row counts (the triggers keep them equal); `thorough` also runs
    FTS5's integrity check, which reads the whole index.
    """
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {PAPER}")
        papers = cursor.fetchone()[0]
        for table in _INDEXES:
            cursor.execute(f"SELECT count(*) FROM {table}_docsize")
            indexed = cursor.fetchone()[0]
            if indexed != papers:
                problems.append(f"{table} holds {indexed} papers of {papers}")
            elif thorough:
                try:
                    cursor.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
                except DatabaseError as exc:
                    problems.append(f"{table}: {exc}")
            if repair and problems and problems[-1].startswith(table):
                _rebuild(cursor, table)
    return problems


def rebuild() -> None:
    with connection.cursor() as cursor:
        for table in _INDEXES:
            _rebuild(cursor, table)
    optimize()
