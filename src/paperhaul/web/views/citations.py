"""Citation downloads: a paper, a reader's saved papers, a shared list, the papers of a haul, a page
of search results; each as BibTeX (.bib, the text `paperhaul cite` prints, papers/bibtex.py) or RIS (.ris,
for EndNote, Mendeley and Zotero, papers/ris.py), chosen by the address's extension.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from paperhaul.community import collections, reading
from paperhaul.community.daily import papers_in_order
from paperhaul.errors import InputError
from paperhaul.papers import bibtex, ris
from paperhaul.papers.lookup import papers_by_keys
from paperhaul.papers.models import Paper
from paperhaul.search import service
from paperhaul.search.params import search_request
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.pages import PER_PAGE, page_number
from paperhaul.web.views.hauls import visible_haul


@require_GET
@for_signed_out_readers
def paper(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    found = get_object_or_404(Paper, pk=pk)
    return _attachment([found], re.sub(r"[^A-Za-z0-9.]+", "-", found.key), fmt)


@require_GET
def saved(request: HttpRequest, username: str, fmt: str) -> HttpResponse:
    """The reader's own reading list (``state``: all, to-read or read, in the tab's order) with
    their notes; nobody else's (a 404, as the tab)."""
    state = request.GET.get("state", "all")
    if not request.user.is_authenticated or request.user.get_username() != username:
        raise Http404("no such list")
    if state not in reading.STATES:
        raise Http404("no such part of the reading list")
    papers = papers_in_order(list(reading.saved_paper_ids(request.user, state)))
    notes = {pk: row.note for pk, row in reading.entries(request.user, papers).items() if row.note}
    name = f"{username}-saved" if state == "all" else f"{username}-{state}"
    return _attachment(papers, name, fmt, notes)


@require_GET
@for_signed_out_readers
def shared_list(request: HttpRequest, username: str, slug: str, fmt: str) -> HttpResponse:
    """The papers of a shared list, in its order (a private list: its owner and editors only)."""
    found = collections.find(username, slug, request.user)
    if found is None:
        raise Http404("no such list")
    return _attachment([item.paper for item in collections.items(found)], f"{username}-{slug}", fmt)


@require_GET
@for_signed_out_readers
def haul(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The papers a haul covers, in the order of the post."""
    found = visible_haul(request, slug)
    papers = [item.paper for item in found.items.select_related("paper").order_by("position")]
    return _attachment(papers, f"{found.slug}-papers", fmt)


@require_GET
@for_signed_out_readers
def search_results(request: HttpRequest, fmt: str) -> HttpResponse:
    """The papers of one page of a search (same parameters as the search page), in its order."""
    number = page_number(request.GET)
    try:
        wanted = search_request(request.GET, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
        found = service.search(wanted)
    except InputError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    if found.notice == service.NOTHING_TO_SEARCH:
        return HttpResponseBadRequest(found.notice, content_type="text/plain; charset=utf-8")
    return _attachment(papers_by_keys([hit.key for hit in found.hits]), "search-results", fmt)


# The formats by the extension of their address (the CitationFormat converter of urls.py).
WRITERS = {"bib": bibtex, "ris": ris}


def _attachment(
    papers: Iterable[Paper], name: str, fmt: str, notes: Mapping[int, str] | None = None
) -> HttpResponse:
    writer = WRITERS[fmt]
    response = HttpResponse(writer.bibliography(papers, notes), content_type=writer.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
