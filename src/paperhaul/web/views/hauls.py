"""The public pages of hauls: the list, one haul, a tag's hauls; and the sitemap files.

Readers see published hauls only (hauls/publishing.py); a draft is a 404 for them and shown
with a "Draft" banner to staff, who preview it there before publishing.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from paperhaul.hauls import publishing, sitemaps
from paperhaul.hauls.article import haul_article
from paperhaul.hauls.layouts import LAYOUTS, POST
from paperhaul.hauls.models import Haul
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.pages import page_number, window

HAULS_PER_PAGE = 20


@for_signed_out_readers
def hauls(request: HttpRequest) -> HttpResponse:
    page = window(publishing.listed(publishing.published_hauls()), page_number(request.GET), HAULS_PER_PAGE)
    return render(request, "hauls/list.html", {"page": page, "tags": publishing.public_tags()})


@for_signed_out_readers
def haul(request: HttpRequest, slug: str) -> HttpResponse:
    """A haul as posted, or with its papers grouped by topic (``?layout=topics``)."""
    found = visible_haul(request, slug)
    draft = found.status != Haul.Status.PUBLISHED
    layout = request.GET.get("layout") or POST
    if layout not in LAYOUTS:
        raise Http404("no such layout")
    older, newer = publishing.neighbours(found)
    context = {
        "haul": found,
        "draft": draft,
        "article": haul_article(found, layout=layout),
        "layout": layout,
        "canonical": publishing.haul_url(found),
        "older": older,
        "newer": newer,
    }
    return render(request, "hauls/detail.html", context)


def visible_haul(request: HttpRequest, slug: str) -> Haul:
    """The haul with that slug when this reader may see it (a draft only staff); else 404."""
    found = get_object_or_404(publishing.listed(Haul.objects.all()), slug=slug)
    if found.status != Haul.Status.PUBLISHED and not request.user.is_staff:
        raise Http404("no such haul")
    return found


@for_signed_out_readers
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(publishing.public_tags(), slug=slug)
    hauls_of_tag = publishing.listed(publishing.hauls_tagged(found))
    page = window(hauls_of_tag, page_number(request.GET), HAULS_PER_PAGE)
    return render(request, "hauls/tag.html", {"page": page, "tag": found})


def _xml(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="application/xml; charset=utf-8")


@for_signed_out_readers
def sitemap_index(request: HttpRequest) -> HttpResponse:
    return _xml(sitemaps.render_index())


@for_signed_out_readers
def sitemap_section(request: HttpRequest, section: str, page: int) -> HttpResponse:
    try:
        return _xml(sitemaps.render_section(section, page))
    except (KeyError, EmptyPage):
        raise Http404("no such sitemap") from None
