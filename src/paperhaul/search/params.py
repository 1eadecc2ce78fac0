"""A search request from the parameters of an address (/search/ and /api/search read the same ones).

One reader for both, so a filter that works in the API works on the page and fails with the same
one-line message; the page and the API only differ in how they page (``page`` or ``limit``/``offset``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.http import QueryDict

from paperhaul.errors import InputError
from paperhaul.search.filters import Filters
from paperhaul.search.service import SearchRequest

MAX_CATEGORIES = 20
# The spellings pydantic (and so the API's schema) reads as booleans.
TRUE_VALUES = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"", "0", "off", "f", "false", "n", "no"})
_SEPARATORS_RE = re.compile(r"[\s,]+")


def search_request(params: QueryDict, *, limit: int, offset: int) -> SearchRequest:
    """``q``, ``mode``, ``sort``, ``since``, ``until``, ``category`` (repeatable, or several in one
    value separated by spaces or commas), ``source``, ``has_code`` and ``covered``; raises InputError."""
    filters = Filters.published(
        _date(params, "since"),
        _date(params, "until"),
        categories=_categories(params),
        source=params.get("source", "").strip() or None,
        has_code=_flag(params, "has_code"),
        covered=_flag(params, "covered"),
    )
    return SearchRequest(
        q=params.get("q", ""),
        mode=params.get("mode") or "hybrid",
        sort=params.get("sort") or "relevance",
        limit=limit,
        offset=offset,
        filters=filters,
    )


def _date(params: QueryDict, name: str) -> dt.date | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{name}: {text[:40]!r} is not a date (YYYY-MM-DD)") from None


def _categories(params: QueryDict) -> tuple[str, ...]:
    names = [name for value in params.getlist("category") for name in _SEPARATORS_RE.split(value) if name]
    if len(names) > MAX_CATEGORIES:
        raise InputError(f"too many categories: {len(names)}, the limit is {MAX_CATEGORIES}")
    return tuple(dict.fromkeys(names))


def _flag(params: QueryDict, name: str) -> bool:
    value = params.get(name, "").strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{name}: {value[:20]!r} is not yes or no")
