"""A search request from the parameters of an address (/search/ and /api/search read the same ones).

One reader for both, so a filter that works in the API works on the page and fails with the same
one-line message; the page and the API only differ in how they page (``page`` or ``limit``/``offset``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.http import QueryDict

from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.search.filters import Filters
from paperhaul.search.service import SearchRequest

MAX_CATEGORIES = 20
# The spellings pydantic (and so the API's schema) reads as booleans.
TRUE_VALUES = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"", "0", "off", "f", "false", "n", "no"})
_SEPARATORS_RE = re.compile(r"[\s,]+")


def search_request(params: QueryDict, *, limit: int, offset: int) -> SearchRequest:
    """``q``, ``mode``, ``sort``, ``since``, ``until``, ``category`` and ``topic`` (repeatable, or
    several in one value separated by spaces or commas), ``source``, ``has_code`` and ``covered``;
    raises InputError."""
    filters = Filters.published(
        _date(params, "since"),
        _date(params, "until"),
        categories=_categories(params),
        source=params.get("source", "").strip() or None,
        has_code=_flag(params, "has_code"),
        covered=_flag(params, "covered"),
        topics=_topics(params),
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


def _listed(params: QueryDict, name: str) -> tuple[str, ...]:
    """The values of a repeatable parameter, each of which may hold several (spaces or commas)."""
    values = [part for value in params.getlist(name) for part in _SEPARATORS_RE.split(value) if part]
    return tuple(dict.fromkeys(values))


def _categories(params: QueryDict) -> tuple[str, ...]:
    names = _listed(params, "category")
    if len(names) > MAX_CATEGORIES:
        raise InputError(f"too many categories: {len(names)}, the limit is {MAX_CATEGORIES}")
    return names


def topic_slugs(params: QueryDict) -> tuple[str, ...]:
    """The topics (slugs) a search asks for, as written: what the search page's form shows checked."""
    return _listed(params, "topic")


def _topics(params: QueryDict) -> tuple[str, ...]:
    return check_topics(topic_slugs(params))


def check_topics(slugs: tuple[str, ...]) -> tuple[str, ...]:
    """The topics asked for, each a slug of the taxonomy; an unknown one is an error naming the known."""
    if not slugs:
        return ()
    known = list(Topic.objects.values_list("slug", flat=True))
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise InputError(f"unknown topic {unknown[0][:60]!r}: use one of {', '.join(known)}")
    return slugs


def _flag(params: QueryDict, name: str) -> bool:
    value = params.get(name, "").strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{name}: {value[:20]!r} is not yes or no")
