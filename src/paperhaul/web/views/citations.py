"""BibTeX downloads: a paper's citation, a reader's saved papers, the papers of a haul, a page
of search results.

Each is the text `paperhaul cite` prints (papers/bibtex.py), served as a .bib attachment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from paperhaul.community import people
from paperhaul.community.daily import papers_in_order
from paperhaul.errors import InputError
from paperhaul.papers import bibtex
from paperhaul.papers.lookup import papers_by_keys
from paperhaul.papers.models import Paper
from paperhaul.search import service
from paperhaul.search.params import search_request
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.pages import PER_PAGE, page_number
from paperhaul.web.views.hauls import visible_haul


@require_GET
@for_signed_out_readers
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Paper, pk=pk)
    return _attachment([found], re.sub(r"[^A-Za-z0-9.]+", "-", found.key))


@require_GET
def saved(request: HttpRequest, username: str) -> HttpResponse:
    """The reader's own saved papers, the latest saved first; nobody else's (a 404, as the tab)."""
    if not request.user.is_authenticated or request.user.get_username() != username:
        raise Http404("no such list")
    return _attachment(papers_in_order(list(people.saved_paper_ids(request.user))), f"{username}-saved")


@require_GET
@for_signed_out_readers
def haul(request: HttpRequest, slug: str) -> HttpResponse:
    """The papers a haul covers, in the order of the post."""
    found = visible_haul(request, slug)
    papers = [item.paper for item in found.items.select_related("paper").order_by("position")]
    return _attachment(papers, f"{found.slug}-papers")


@require_GET
@for_signed_out_readers
def search_results(request: HttpRequest) -> HttpResponse:
    """The papers of one page of a search (same parameters as the search page), in its order."""
    number = page_number(request.GET)
    try:
        wanted = search_request(request.GET, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
        found = service.search(wanted)
    except InputError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    if found.notice == service.NOTHING_TO_SEARCH:
        return HttpResponseBadRequest(found.notice, content_type="text/plain; charset=utf-8")
    return _attachment(papers_by_keys([hit.key for hit in found.hits]), "search-results")


def _attachment(papers: Iterable[Paper], name: str) -> HttpResponse:
    response = HttpResponse(bibtex.bibliography(papers), content_type=bibtex.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.bib"'
    return response
