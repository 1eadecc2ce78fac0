"""The static site's feeds and sitemap.

Feeds are the live site's own classes (hauls/feeds.py) rendered through feeds.feed_document while
publishing.site_url() is the build's base URL, so a static feed is the live one byte for byte when
both have the same address. The sitemap lists only what the build holds (its pages, not the live
app's), through the sitemaps framework's Sitemap and its sitemap.xml template (sitemaps.org 0.9).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.template.loader import render_to_string

from paperhaul.hauls.feeds import HaulsAtomFeed, HaulsFeed, TagAtomFeed, TagFeed, feed_document
from paperhaul.hauls.models import Haul, Tag
from paperhaul.hauls.publishing import haul_path, hauls_feed_path, hauls_path, tag_feed_path, tag_path
from paperhaul.hauls.site.address import SEARCH_PATH, SITEMAP_PATH, TAGS_PATH, SiteAddress, paper_path
from paperhaul.papers.models import Paper

Entry = tuple[str, dt.datetime | None]  # a site path and its last change

# Google and the protocol cap one sitemap file at 50,000 addresses; a bigger site gets an index of parts.
SITEMAP_LIMIT = 50_000


@dataclass(frozen=True)
class Feed:
    path: str
    xml: bytes


def feeds(tags: list[Tag]) -> list[Feed]:
    """RSS and Atom of all hauls and of each tag; call inside publishing.site_url_as(base URL)."""
    documents = [
        Feed(hauls_feed_path("rss"), feed_document(HaulsFeed())),
        Feed(hauls_feed_path("atom"), feed_document(HaulsAtomFeed())),
    ]
    for tag in tags:
        documents.append(Feed(tag_feed_path(tag, "rss"), feed_document(TagFeed(), tag.slug)))
        documents.append(Feed(tag_feed_path(tag, "atom"), feed_document(TagAtomFeed(), tag.slug)))
    return documents


def entries(hauls: list[Haul], tags: list[Tag], papers: list[Paper]) -> list[Entry]:
    """Every page of the build a search engine should know, with when it last changed."""
    found: list[Entry] = [(path, None) for path in ("/", hauls_path(), TAGS_PATH, SEARCH_PATH)]
    found += [(haul_path(haul), haul.modified_at) for haul in hauls]
    found += [(tag_path(tag), None) for tag in tags]
    found += [(paper_path(paper.key), paper.modified_at) for paper in papers]
    return found


class StaticSitemap(Sitemap):
    """Site paths with their last change, located under the base URL's path."""

    limit = SITEMAP_LIMIT

    def __init__(self, address: SiteAddress, entries: list[Entry]) -> None:
        self.address = address
        self.entries = entries

    def items(self) -> list[Entry]:
        return self.entries

    def location(self, item: Entry) -> str:
        return self.address.link(item[0])

    def lastmod(self, item: Entry) -> dt.datetime | None:
        return item[1]


def sitemaps(address: SiteAddress, entries: list[Entry]) -> list[tuple[str, str]]:
    """(site path, XML) of /sitemap.xml, and past SITEMAP_LIMIT addresses an index of numbered parts."""
    parts = urlsplit(address.base_url)
    site = SimpleNamespace(domain=parts.netloc)
    sitemap = StaticSitemap(address, entries)
    pages = range(1, sitemap.paginator.num_pages + 1)
    documents = []
    for page in pages:
        urlset = render_to_string("sitemap.xml", {"urlset": sitemap.get_urls(page, site, parts.scheme)})
        documents.append((SITEMAP_PATH if len(pages) == 1 else f"/sitemap-{page}.xml", urlset))
    if len(documents) > 1:
        index = [SitemapIndexItem(address.url(path)) for path, _ in documents]
        documents.append((SITEMAP_PATH, render_to_string("sitemap_index.xml", {"sitemaps": index})))
    return documents
