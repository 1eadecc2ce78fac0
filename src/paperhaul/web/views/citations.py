"""BibTeX downloads: a paper's citation, a reader's saved papers, the papers of a haul.

Each is the text `paperhaul cite` prints (papers/bibtex.py), served as a .bib attachment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from paperhaul.community import people
from paperhaul.community.daily import papers_in_order
from paperhaul.papers import bibtex
from paperhaul.papers.models import Paper
from paperhaul.web.caching import for_signed_out_readers
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


def _attachment(papers: Iterable[Paper], name: str) -> HttpResponse:
    response = HttpResponse(bibtex.bibliography(papers), content_type=bibtex.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.bib"'
    return response
