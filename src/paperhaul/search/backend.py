"""The search backend protocol and the choice of implementation for the configured database.

A backend answers the database-specific questions (lexical ranking, word and prefix matches,
the indexed vocabulary, nearest vectors, index health); everything built from them (query
parsing, filters, hybrid fusion, typeahead, related papers) is shared, in service.py and
typeahead.py, so both databases behave alike and pass one test suite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np
from django.db import connection

from paperhaul.search.filters import Filters
from paperhaul.search.query import ParsedQuery
from paperhaul.search.types import Scored


class SearchBackend(Protocol):
    name: str

    def lexical(
        self,
        parsed: ParsedQuery,
        filters: Filters,
        limit: int,
        offset: int,
        newest: bool = False,
        any_words: bool = False,
    ) -> list[Scored]:
        """Papers matching the query text and filters, best first (or newest first).

        Every word must match, or with `any_words` at least one (stopwords dropped, at most
        fts5.MAX_ANY_WORDS of the longest), which is what a pasted description needs.
        """

    def matching(self, ids: Sequence[int], parsed: ParsedQuery) -> set[int]:
        """Those of `ids` (a page's worth) that match every word, phrase and author of `parsed`."""

    def title_word_matches(self, text: str, limit: int) -> list[int]:
        """Papers whose title has every word of `text`, the last one as a prefix; newest first."""

    def author_matches(self, text: str, limit: int) -> list[int]:
        """Papers with an author matching every word of `text`, the last as a prefix; newest first."""

    def vocabulary(self, first: str, lengths: range) -> list[str]:
        """Indexed title and author words that start with `first`, of a length in `lengths`."""

    def nearest(self, model_id: str, vector: np.ndarray, k: int) -> list[Scored]:
        """The k papers whose vectors (of `model_id`) are nearest to `vector`, best first.

        Deleted papers are left out (their vectors go with them), except perhaps for a few seconds
        after the deletion (see vectors.VectorIndex.nearest).
        """

    def check(self, repair: bool, thorough: bool = False) -> list[str]:
        """Disagreements between the lexical index and the library (repaired when `repair`).

        The quick check is cheap enough for every start of the server; `thorough` reads it all.
        Vector indexes check and repair themselves on each search (vectors.py).
        """

    def rebuild(self, model_id: str) -> None:
        """Build every index again from the library."""

    def settle(self) -> None:
        """Bring what queries rely on up to date after many papers came at once (see settle_after_import):
        SQLite merges its index segments; PostgreSQL gathers the statistics its plans and word
        frequencies are estimated from."""


# An import that added at least this many papers ends with the backend's settle(): on SQLite,
# FTS5 merges segments only a few at a time as they come, and queries over the many a bulk
# import leaves read more pages (at 100,000 papers: 15 % slower, 2.4 s to merge); on PostgreSQL,
# a table that autovacuum has not analysed yet (or never will, where it is off) has no
# statistics, and each query would count its words' matches (seconds at 1,000,000 papers).
SETTLE_AFTER = 10_000


def settle_after_import(sender, *, added: int = 0, **kwargs) -> None:
    """Receiver of library_changed: settle the backend after a large import (see SETTLE_AFTER)."""
    if added >= SETTLE_AFTER:
        get_backend().settle()


def constrain(backend: SearchBackend, ids: Sequence[int], parsed: ParsedQuery) -> list[int]:
    """Those of `ids` that satisfy the query's `author:` constraints and exclusions, in order.

    Semantic candidates come from vectors, which know nothing of authors or excluded words.
    """
    if not ids or not (parsed.authors or parsed.excluded):
        return list(ids)
    bare = replace(parsed, terms=(), phrases=(), excluded=(), authors=())
    keep = set(ids)
    if parsed.authors:
        keep &= backend.matching(ids, replace(bare, authors=parsed.authors))
    for excluded in parsed.excluded:
        keep -= backend.matching(ids, replace(bare, phrases=(excluded,)))
    return [i for i in ids if i in keep]


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from paperhaul.search.postgres import PostgresBackend

        return PostgresBackend()
    from paperhaul.search.sqlite import SqliteBackend

    return SqliteBackend()
