"""The PostgreSQL backend: tsvector/GIN for words, pgvector HNSW (or the usearch file) for vectors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from paperhaul.search import pgvector, postgres_lexical, postgres_plan, postgres_typeahead, store
from paperhaul.search.filters import Filters
from paperhaul.search.query import ParsedQuery
from paperhaul.search.types import Scored
from paperhaul.search.vectors import vector_index


class PostgresBackend:
    name = "postgresql"

    def lexical(
        self,
        parsed: ParsedQuery,
        filters: Filters,
        limit: int,
        offset: int,
        newest: bool = False,
        any_words: bool = False,
    ) -> list[Scored]:
        return postgres_lexical.lexical(parsed, filters, limit, offset, newest, any_words)

    def matching(self, ids: Sequence[int], parsed: ParsedQuery) -> set[int]:
        return postgres_lexical.matching(list(ids), parsed)

    def title_word_matches(self, text: str, limit: int) -> list[int]:
        return postgres_typeahead.title_word_matches(text, limit)

    def author_matches(self, text: str, limit: int) -> list[int]:
        return postgres_typeahead.author_matches(text, limit)

    def vocabulary(self, first: str, lengths: range) -> list[str]:
        return postgres_typeahead.vocabulary(first, lengths)

    def nearest(self, model_id: str, vector: np.ndarray, k: int) -> list[Scored]:
        if pgvector.available():
            return pgvector.nearest(model_id, vector, k)
        return vector_index(model_id).nearest(vector, k)

    def check(self, repair: bool, thorough: bool = False) -> list[str]:
        """Missing lexical columns or indexes, and vectors without a pgvector copy (repaired when `repair`).

        PostgreSQL generates the lexical columns from each row, so they can be missing but never
        wrong; copies are missing for vectors stored before the server had pgvector. Both checks
        read the catalog and two row counts, so `thorough` adds nothing.
        """
        problems = postgres_lexical.check(repair)
        if pgvector.available():
            missing = pgvector.missing()
            if missing:
                problems.append(f"{missing} stored vectors missing from {pgvector.TABLE}")
                if repair:
                    pgvector.repair()
        return problems

    def settle(self) -> None:
        postgres_plan.analyze()

    def rebuild(self, model_id: str) -> None:
        postgres_lexical.check(repair=True)
        postgres_plan.analyze()
        store.forget_counts()
        if pgvector.available():
            pgvector.rebuild()
            return
        index = vector_index(model_id)
        index.forget()
        index.build()
