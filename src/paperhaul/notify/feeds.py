"""RSS 2.0 and Atom feeds of the reading lists: the daily list, trending, a category, a topic, a search.

Built on Django's syndication framework over the same lists as the pages and the digests
(sources.py). Every address starts with site_url() (PAPERHAUL_SITE_URL), never with the
request's Host header, and an item's GUID is its paper page's address, which stays the same
whatever list, day or format the paper is seen in, so a feed reader shows each paper once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from paperhaul import config
from paperhaul.community import daily
from paperhaul.enrich.browse import papers_of_topic
from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.hauls.publishing import site_url
from paperhaul.notify import sources
from paperhaul.papers.models import Category, Paper
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.links import paper_path
from paperhaul.web.views.errors import error_page

FEED_LIMIT = 100  # items in one feed
DAILY_FEED_DAYS = 3  # the latest day's list and the days before it, for readers that poll rarely
FORMATS = {"rss": Rss201rev2Feed, "atom": Atom1Feed}


@dataclass(frozen=True)
class PaperList:
    title: str
    description: str
    page: str  # path of the list's page on the site
    feed: str  # path (and query) of the feed itself
    papers: list[Paper]


def daily_list(request: HttpRequest) -> PaperList:
    latest = daily.latest_day()
    papers = sources.daily_papers(latest, DAILY_FEED_DAYS, FEED_LIMIT) if latest else []
    return PaperList(
        "the daily list",
        "The papers of the day, most upvoted first.",
        reverse("home"),
        request.get_full_path(),
        papers,
    )


def trending(request: HttpRequest) -> PaperList:
    return PaperList(
        "trending",
        "Papers with the most recent upvotes and comments.",
        reverse("trending"),
        request.get_full_path(),
        sources.trending_papers(FEED_LIMIT),
    )


def category(request: HttpRequest, name: str) -> PaperList:
    found = get_object_or_404(Category, name=name)
    return PaperList(
        found.name,
        f"Newest papers listed in {found.name}.",
        reverse("category", args=[found.name]),
        request.get_full_path(),
        sources.category_papers(found.name, None, FEED_LIMIT),
    )


def topic(request: HttpRequest, slug: str) -> PaperList:
    """A topic's newest papers, as its page lists them."""
    found = get_object_or_404(Topic, slug=slug)
    return PaperList(
        found.name,
        f"Newest papers on {found.name}.",
        reverse("topic", args=[found.slug]),
        request.get_full_path(),
        list(papers_of_topic(found)[:FEED_LIMIT]),
    )


def search(request: HttpRequest) -> PaperList:
    """Newest matches first unless ``sort`` says otherwise; the query string is /search/'s."""
    query = request.GET.urlencode()
    search_request = sources.saved_search(query, newest=True)
    words = search_request.q or query
    return PaperList(
        f"search: {words}",
        f"Papers matching “{words}”.",
        f"{reverse('search')}?{query}",
        request.get_full_path(),
        sources.search_papers(search_request, None, FEED_LIMIT),
    )


class PaperFeed(Feed):
    """A PaperList as a feed; ``feed_type`` is set per format (see FEEDS)."""

    def get_object(self, request: HttpRequest, *, source, **kwargs) -> PaperList:
        return source(request, **kwargs)

    def title(self, obj: PaperList) -> str:
        return f"{config.get('PAPERHAUL_SITE_NAME')}: {obj.title}"

    def description(self, obj: PaperList) -> str:
        return obj.description

    def subtitle(self, obj: PaperList) -> str:
        return obj.description

    def link(self, obj: PaperList) -> str:
        return site_url() + obj.page

    def feed_url(self, obj: PaperList) -> str:
        return site_url() + obj.feed

    def items(self, obj: PaperList) -> list[Paper]:
        return obj.papers

    def item_title(self, paper: Paper) -> str:
        return paper.title

    def item_description(self, paper: Paper) -> str:
        return paper.abstract or paper.title

    def item_link(self, paper: Paper) -> str:
        return site_url() + paper_path(paper)

    def item_guid(self, paper: Paper) -> str:
        return self.item_link(paper)

    item_guid_is_permalink = True

    def item_pubdate(self, paper: Paper) -> dt.datetime:
        if paper.published:
            return dt.datetime.combine(paper.published, dt.time.min, tzinfo=dt.UTC)
        return paper.created_at

    def item_author_name(self, paper: Paper) -> str:
        return ", ".join(paper.authors or [])

    def item_categories(self, paper: Paper) -> list[str]:
        return [paper.primary_category] if paper.primary_category else []


FEEDS = {
    name: type(f"{name.title()}PaperFeed", (PaperFeed,), {"feed_type": kind})()
    for name, kind in FORMATS.items()
}


@for_signed_out_readers
def serve(request: HttpRequest, fmt: str, source, **kwargs) -> HttpResponse:
    """The feed of ``source`` in ``fmt``; a search it cannot run is a 400 with the reason."""
    try:
        return FEEDS[fmt](request, source=source, **kwargs)
    except InputError as exc:
        return error_page(request, 400, str(exc))
