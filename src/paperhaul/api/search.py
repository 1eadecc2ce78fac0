"""Search endpoints: /api/search, /api/typeahead and /api/related (the web pages call these too)."""

from __future__ import annotations

import datetime as dt

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from paperhaul.api.schemas import IsoDate, errors
from paperhaul.papers.lookup import find_paper
from paperhaul.search import service, typeahead
from paperhaul.search.params import search_request
from paperhaul.web import links

router = Router(tags=["search"])


def json_answer(document: dict) -> HttpResponse:
    """The answer as JSON, as the response schema describes it, without validating it again.

    The two endpoints the search box calls on every keystroke build their answer from typed
    dataclasses (Hit, Suggestion) whose ``as_json`` the API tests check against the schema;
    validating each answer again cost a fifth of a search request.
    """
    return HttpResponse(orjson.dumps(document), content_type="application/json")


class SearchParams(Schema):
    """The parameters as documented; search_request() reads them (the web page reads the same)."""

    q: str = ""
    mode: str = Field("hybrid", json_schema_extra={"enum": list(service.MODES)})
    limit: int = Field(20, ge=1, le=service.MAX_LIMIT)
    offset: int = Field(0, ge=0, le=service.MAX_OFFSET)
    sort: str = Field("relevance", json_schema_extra={"enum": list(service.SORTS)})
    category: list[str] = Field([], description="any of these arXiv categories")
    since: IsoDate | None = Field(None, description="published on or after (YYYY-MM-DD)")
    until: IsoDate | None = Field(None, description="published on or before (YYYY-MM-DD)")
    source: str | None = Field(None, description="only papers seen in this source (arxiv-api, daily...)")
    has_code: bool = False
    covered: bool = Field(False, description="only papers covered in a published haul")
    topic: list[str] = Field([], description="any of these topics (slugs of the taxonomy, as in /topics/)")


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
    page: str = Field(description="this site's page of the paper or the author")


class TypeaheadOut(Schema):
    suggestions: list[SuggestionOut]


class RelatedOut(Schema):
    paper: str
    hits: list[HitOut]


@router.get("/search", response={200: SearchOut, **errors(400, 422)})
def search(request: HttpRequest, params: Query[SearchParams]):
    """Lexical, semantic or hybrid search with the query language of `paperhaul search`."""
    wanted = search_request(request.GET, limit=params.limit, offset=params.offset)
    return json_answer(service.search(wanted).as_json())


@router.get("/typeahead", response={200: TypeaheadOut, **errors(400)})
def suggest(request: HttpRequest, q: str = ""):
    """Up to 8 titles, arXiv ids and authors for what has been typed so far."""
    return json_answer({"suggestions": [{**s.as_json(), "page": _page(s)} for s in typeahead.suggest(q)]})


def _page(suggestion: typeahead.Suggestion) -> str:
    """Where the header's box takes a reader: `url` is the paper's own address (arXiv...)."""
    if suggestion.kind == "author":
        return links.author_path(suggestion.key)
    return links.paper_path(suggestion.key)


@router.get("/related", response={200: RelatedOut, **errors(400, 404, 422)})
def related(request: HttpRequest, paper: str, limit: int = Query(10, ge=1, le=service.MAX_LIMIT)):
    """Papers like the one named by `paper` (any key, id, URL or exact title)."""
    found = find_paper(paper)
    if found is None:
        raise HttpError(404, f"not in the library: {paper}")
    return {"paper": found.key, "hits": [h.as_json() for h in service.related(found, limit)]}
