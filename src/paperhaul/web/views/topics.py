"""Topic pages: the taxonomy with how many papers each topic holds, and a topic's newest papers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from paperhaul.enrich.browse import papers_of_topic, topics_with_counts
from paperhaul.enrich.models import Topic
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.pages import page_number, window
from paperhaul.web.views.feed import list_page


@for_signed_out_readers
def topics(request: HttpRequest) -> HttpResponse:
    return render(request, "topics/list.html", {"topics": topics_with_counts()})


@for_signed_out_readers
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    """The topic's newest papers, paged like a category's."""
    found = get_object_or_404(Topic, slug=slug)
    page = window(papers_of_topic(found), page_number(request.GET))
    return list_page(request, "topics/detail.html", page, topic=found)
