"""The fields of a page of hits, read with one plain query.

A search answers many requests a second, and building the ORM query for a page of twenty papers
cost as much as reading them; the columns are few and fixed, so they are read directly.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import NamedTuple

from django.db import connection

from paperhaul.papers.bulk import placeholders
from paperhaul.papers.models import Paper


class HitRow(NamedTuple):
    id: int
    key: str
    title: str
    authors: list[str]
    published: dt.date | None
    primary_category: str
    abstract: str
    abs_url: str


def hit_rows(ids: Sequence[int]) -> dict[int, HitRow]:
    """The rows of these papers by id (papers deleted meanwhile are left out)."""
    if not ids:
        return {}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in HitRow._fields)
    marks = placeholders(len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(Paper._meta.db_table)} WHERE id IN ({marks})", list(ids)
        )
        rows = cursor.fetchall()
    return {row[0]: _typed(row) for row in rows}


def _typed(row: tuple) -> HitRow:
    """SQLite gives JSON and dates as text, PostgreSQL as values: the same types either way."""
    pid, key, title, authors, published, category, abstract, abs_url = row
    if isinstance(authors, str):
        authors = json.loads(authors)
    if isinstance(published, str):
        published = dt.date.fromisoformat(published)
    return HitRow(pid, key, title, authors, published, category, abstract, abs_url)
