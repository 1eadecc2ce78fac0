"""Search endpoints: /api/search, /api/typeahead and /api/related (the web pages call these too)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from paperhaul.errors import InputError
from paperhaul.papers.lookup import find_paper
from paperhaul.search import service, typeahead
from paperhaul.search.filters import Filters

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = ""
    mode: str = "hybrid"
    limit: int = 20
    offset: int = 0
    sort: str = "relevance"
    category: list[str] = []
    since: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None
    has_code: bool = False


class HitOut(Schema):
    key: str
    url: str
    title: str
    authors: list[str]
    published: dt.date | None
    primary_category: str
    snippet: str
    score: float


class SearchOut(Schema):
    query: str
    mode: str
    offset: int
    has_more: bool
    notice: str
    hits: list[HitOut]


class SuggestionOut(Schema):
    kind: str
    label: str
    key: str
    url: str
    detail: str


class TypeaheadOut(Schema):
    suggestions: list[SuggestionOut]


class RelatedOut(Schema):
    paper: str
    hits: list[HitOut]


@router.get("/search", response=SearchOut)
def search(request: HttpRequest, params: Query[SearchParams]):
    """Lexical, semantic or hybrid search with the query language of `paperhaul search`."""
    filters = Filters.published(
        params.since,
        params.until,
        categories=tuple(params.category),
        source=params.source,
        has_code=params.has_code,
    )
    request_ = service.SearchRequest(
        q=params.q,
        mode=params.mode,
        limit=params.limit,
        offset=params.offset,
        filters=filters,
        sort=params.sort,
    )
    return service.search(request_).as_json()


@router.get("/typeahead", response=TypeaheadOut)
def suggest(request: HttpRequest, q: str = ""):
    """Up to 8 titles, arXiv ids and authors for what has been typed so far."""
    return {"suggestions": [s.as_json() for s in typeahead.suggest(q)]}


@router.get("/related", response=RelatedOut)
def related(request: HttpRequest, paper: str, limit: int = 10):
    """Papers like the one named by `paper` (any key, id, URL or exact title)."""
    if not 1 <= limit <= service.MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {service.MAX_LIMIT}")
    found = find_paper(paper)
    if found is None:
        raise HttpError(404, f"not in the library: {paper}")
    return {"paper": found.key, "hits": [h.as_json() for h in service.related(found, limit)]}
