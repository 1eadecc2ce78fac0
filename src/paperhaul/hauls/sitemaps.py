"""sitemap.xml: the public pages, published hauls, their tags, the topics and every paper page.

Built on django.contrib.sitemaps, always as an index (/sitemap.xml) of section files
(/sitemap-<section>-<page>.xml, at most 50,000 addresses each), so a library of a million papers
needs no change and a static host serves the same files (no ``?p=`` query). Addresses start
with site_url() (PAPERHAUL_SITE_URL), never with the request's host. The views and
`paperhaul site build` both write through render_index and render_section.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.paginator import EmptyPage
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse

from paperhaul.enrich.models import PaperTopic, Topic
from paperhaul.hauls import publishing
from paperhaul.hauls.models import Haul, Tag
from paperhaul.papers.models import Paper
from paperhaul.web.links import paper_path


class PublicSitemap(Sitemap):
    """A sitemap whose addresses start with site_url() rather than the requested host."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(publishing.site_url()).scheme

    def get_domain(self, site=None) -> str:
        """The site address without its scheme: a path prefix (``/papers-site``) is kept."""
        return publishing.site_url().split("://", 1)[1]


class PagesSitemap(PublicSitemap):
    """The reading lists: daily (home), trending, new, the list of hauls and their statistics."""

    changefreq = "daily"

    def items(self) -> list[str]:
        return ["home", "trending", "new", "hauls", "haul_stats"]

    def location(self, name: str) -> str:
        return reverse(name)


class HaulSitemap(PublicSitemap):
    def items(self):
        return publishing.published_hauls().only("slug", "modified_at")

    def location(self, haul: Haul) -> str:
        return publishing.haul_path(haul)

    def lastmod(self, haul: Haul) -> dt.datetime:
        return haul.modified_at

    def get_latest_lastmod(self) -> dt.datetime | None:
        return publishing.published_hauls().aggregate(latest=Max("modified_at"))["latest"]


class TagSitemap(PublicSitemap):
    def items(self):
        return publishing.public_tags().order_by("slug")

    def location(self, tag: Tag) -> str:
        return publishing.tag_path(tag)


class TopicSitemap(PublicSitemap):
    """The pages of the topics that have papers (an empty topic's page says nothing worth indexing)."""

    changefreq = "daily"

    def items(self):
        filed = PaperTopic.objects.filter(topic=OuterRef("pk"))
        return Topic.objects.filter(Exists(filed)).order_by("slug").only("slug")

    def location(self, topic: Topic) -> str:
        return reverse("topic", args=[topic.slug])


class PaperSitemap(PublicSitemap):
    """Every paper page, lastmod its latest version (else its first): read as plain rows per page."""

    def items(self):
        return (
            Paper.objects.order_by("pk")
            .annotate(changed=Coalesce("updated", "published"))
            .values_list("key", "changed")
        )

    def location(self, row: tuple[str, dt.date | None]) -> str:
        return paper_path(row[0])

    def lastmod(self, row: tuple[str, dt.date | None]) -> dt.date | None:
        return row[1]

    def get_latest_lastmod(self) -> dt.date | None:
        return Paper.objects.aggregate(latest=Max(Coalesce("updated", "published")))["latest"]


SITEMAPS: dict[str, type[PublicSitemap]] = {
    "pages": PagesSitemap,
    "hauls": HaulSitemap,
    "tags": TagSitemap,
    "topics": TopicSitemap,
    "papers": PaperSitemap,
}


def section_path(section: str, page: int) -> str:
    return reverse("sitemap_section", kwargs={"section": section, "page": page})


def index_entries() -> list[SitemapIndexItem]:
    """One entry per page of each section that has addresses (an empty urlset is not valid)."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        if not sitemap.paginator.count:
            continue
        lastmod = sitemap.get_latest_lastmod()
        for page in sitemap.paginator.page_range:
            entries.append(SitemapIndexItem(publishing.site_url() + section_path(section, page), lastmod))
    return entries


def render_index() -> str:
    """/sitemap.xml: the sitemap index."""
    return render_to_string("sitemap_index.xml", {"sitemaps": index_entries()})


def render_section(section: str, page: int) -> str:
    """One page of a section; KeyError for an unknown section, EmptyPage for a page past the end."""
    sitemap = SITEMAPS[section]()
    if not sitemap.paginator.count:
        raise EmptyPage("this section has no addresses")
    return render_to_string("sitemap.xml", {"urlset": sitemap.get_urls(page=page)})
