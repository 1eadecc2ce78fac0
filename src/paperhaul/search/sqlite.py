"""The SQLite backend: FTS5 for words (sqlite_lexical.py), a usearch file for vectors (vectors.py)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db import connection

from paperhaul.papers.bulk import placeholders
from paperhaul.search import sqlite_lexical, store
from paperhaul.search.filters import Filters
from paperhaul.search.fts5 import match_expression
from paperhaul.search.query import ParsedQuery
from paperhaul.search.types import Scored
from paperhaul.search.vectors import vector_index


class SqliteBackend:
    name = "sqlite"

    def lexical(
        self,
        parsed: ParsedQuery,
        filters: Filters,
        limit: int,
        offset: int,
        newest: bool = False,
        any_words: bool = False,
    ) -> list[Scored]:
        return sqlite_lexical.lexical(parsed, filters, limit, offset, newest, any_words)

    def matching(self, ids: Sequence[int], parsed: ParsedQuery) -> set[int]:
        expression = match_expression(parsed)
        if expression is None:
            return set(ids)
        marks = placeholders(len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({marks})",
                [expression, *ids],
            )
            return {row[0] for row in cursor.fetchall()}

    def title_word_matches(self, text: str, limit: int) -> list[int]:
        return sqlite_lexical.title_word_matches(text, limit)

    def author_matches(self, text: str, limit: int) -> list[int]:
        return sqlite_lexical.author_matches(text, limit)

    def vocabulary(self, first: str, lengths: range) -> list[str]:
        return sqlite_lexical.vocabulary(first, lengths)

    def nearest(self, model_id: str, vector: np.ndarray, k: int) -> list[Scored]:
        return vector_index(model_id).nearest(vector, k)

    def check(self, repair: bool, thorough: bool = False) -> list[str]:
        return sqlite_lexical.check(repair, thorough)

    def settle(self) -> None:
        sqlite_lexical.optimize()

    def rebuild(self, model_id: str) -> None:
        sqlite_lexical.rebuild()
        index = vector_index(model_id)
        index.forget()
        store.forget_counts()
        index.build()
