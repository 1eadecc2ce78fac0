"""The search page: the same search as /api/search and `paperhaul search`, shown like the lists."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from paperhaul.community.daily import with_activity
from paperhaul.community.reactions import marks
from paperhaul.enrich.display import attach
from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.papers.models import Paper
from paperhaul.search import service
from paperhaul.search.params import TRUE_VALUES, search_request, topic_slugs
from paperhaul.search.query import parse_query
from paperhaul.web import links
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.highlight import Highlighter
from paperhaul.web.pages import PER_PAGE, Page, page_number

SORTS = (
    ("relevance", "Relevance"),
    ("newest", "Newest"),
    ("upvoted", "Most upvoted"),
    ("cited", "Most cited"),
)
MODES = (("hybrid", "Words and meaning"), ("lexical", "Words only"), ("semantic", "Meaning only"))


@dataclass(frozen=True)
class Result:
    paper: Paper
    title: SafeString
    takeaway: SafeString
    snippet: SafeString


@require_safe
@for_signed_out_readers
def search(request: HttpRequest) -> HttpResponse:
    """Results with marked words, filters and pages; a query naming one paper opens its page."""
    number = page_number(request.GET)
    offset = (number - 1) * PER_PAGE
    if offset > service.MAX_OFFSET:
        raise Http404("no such page")
    context = {
        "query": request.GET.get("q", ""),
        "form": _form(request.GET),
        "sorts": _sort_links(request.GET),
    }
    try:
        wanted = search_request(request.GET, limit=PER_PAGE, offset=offset)
        if not wanted.q.strip() and not wanted.filters.active:
            return render(request, "search/search.html", context)
        found = service.search(wanted)
    except InputError as exc:
        return render(request, "search/search.html", {**context, "error": str(exc)}, status=400)
    parsed = parse_query(wanted.q, max_length=settings.PAPERHAUL_SEARCH_MAX_QUERY)
    if parsed.key and found.hits:
        return redirect(links.paper_path(found.hits[0].key))
    results = _results(found.hits, Highlighter(parsed))
    page = Page(results, number, found.has_more, PER_PAGE)
    return render(
        request,
        "search/search.html",
        {
            **context,
            "searched": True,
            "tips": parsed.is_empty and not wanted.filters.active,
            "found": found,
            "page": page,
            **marks(request.user, [r.paper.pk for r in results]),
            "follow_query": _follow_query(request.GET),
            "subscribe_query": urlencode({"q": wanted.q}),
        },
    )


def _follow_query(params: QueryDict) -> str:
    """The search's parameters without its page: what its feeds and an e-mail subscription follow."""
    followed = params.copy()
    followed.pop("page", None)
    return followed.urlencode()


def _results(hits: list[service.Hit], highlighter: Highlighter) -> list[Result]:
    """The hits as papers with their counts, takeaways and topics, in the order of the hits."""
    papers = with_activity(Paper.objects.all()).in_bulk([hit.key for hit in hits], field_name="key")
    attach(list(papers.values()))
    return [
        Result(paper, highlighter.whole(paper.title), *_takeaway_and_snippet(paper, highlighter))
        for paper in (papers.get(hit.key) for hit in hits)
        if paper is not None
    ]


def _takeaway_and_snippet(paper: Paper, highlighter: Highlighter) -> tuple[SafeString, SafeString]:
    """The takeaway with the query's words marked, and the abstract's best window among what the
    takeaway does not already say: an extractive takeaway is sentences of the abstract, and a
    one-sentence abstract (a model card, a blog post's description) may be the takeaway whole."""
    abstract = " ".join(paper.abstract.split())
    takeaway = paper.enrichment.takeaway
    if not takeaway:
        return mark_safe(""), highlighter.snippet(abstract)
    said = " ".join(takeaway.text.split())
    if _plain(abstract) in _plain(said):
        abstract = ""
    elif said and said in abstract:
        abstract = " ".join(abstract.replace(said, " ").split())
    return highlighter.whole(said), highlighter.snippet(abstract)


def _plain(text: str) -> str:
    return " ".join(text.split()).rstrip(".\u2026 ").casefold()


def _form(params: QueryDict) -> dict:
    """What the filter form shows: the values of this search, as typed (``filtered``: any is set)."""
    form = {
        "mode": params.get("mode") or "hybrid",
        "modes": MODES,
        "sort": params.get("sort") or "relevance",
        "since": params.get("since", ""),
        "until": params.get("until", ""),
        "category": " ".join(params.getlist("category")),
        "source": params.get("source", ""),
        "has_code": params.get("has_code", "").strip().lower() in TRUE_VALUES,
        "covered": params.get("covered", "").strip().lower() in TRUE_VALUES,
        "topics": _topic_choices(params),
    }
    form["topic"] = any(checked for _, checked in form["topics"])
    form["filtered"] = form["mode"] != "hybrid" or any(
        form[name] for name in ("since", "until", "category", "source", "has_code", "covered", "topic")
    )
    return form


def _topic_choices(params: QueryDict) -> list[tuple[Topic, bool]]:
    """Every topic of the taxonomy, and whether this search keeps it (``topic``, repeatable)."""
    wanted = set(topic_slugs(params))
    return [(topic, topic.slug in wanted) for topic in Topic.objects.only("name", "slug")]


def _sort_links(params: QueryDict) -> list[dict]:
    """The same search in each order, from its first page."""
    current = params.get("sort") or "relevance"
    choices = []
    for value, label in SORTS:
        changed = params.copy()
        changed["sort"] = value
        changed.pop("page", None)
        choices.append(
            {"value": value, "label": label, "url": "?" + changed.urlencode(), "current": value == current}
        )
    return choices
