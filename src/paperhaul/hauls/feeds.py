"""RSS 2.0 and Atom feeds of published hauls, all of them or one tag's, with each haul's full text.

Built on Django's syndication framework. Every address in a feed starts with site_url()
(PAPERHAUL_SITE_URL), never with the Host header of the request, so a feed reader, a proxy and
the static site (`paperhaul site build`, through feed_document) all see the same links and GUIDs.
The full text is the sanitised haul article (hauls/article.py): RSS carries it as
``content:encoded`` beside the snippet in ``description``, Atom as ``content`` beside ``summary``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from paperhaul import config
from paperhaul.hauls import publishing
from paperhaul.hauls.article import haul_article
from paperhaul.hauls.models import Haul, Tag

# The newest hauls a feed carries: readers poll often, and a haul's full text is long.
FEED_LIMIT = 50
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"


class FullContentRss(Rss201rev2Feed):
    """RSS 2.0 with each item's full HTML in ``content:encoded``."""

    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NAMESPACE}

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class FullContentAtom(Atom1Feed):
    """Atom 1.0 with each entry's full HTML in ``content``."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class HaulsFeed(Feed):
    """All published hauls, newest first (RSS 2.0 at /hauls/feed.rss)."""

    feed_type = FullContentRss
    kind = "rss"

    def title(self, obj: Tag | None = None) -> str:
        return f"{config.get('PAPERHAUL_SITE_NAME')} hauls"

    def description(self, obj: Tag | None = None) -> str:
        return "Digests of machine-learning papers with the curator's commentary."

    def subtitle(self, obj: Tag | None = None) -> str:
        return self.description(obj)

    def link(self, obj: Tag | None = None) -> str:
        return publishing.site_url() + publishing.hauls_path()

    def feed_url(self, obj: Tag | None = None) -> str:
        return publishing.site_url() + publishing.hauls_feed_path(self.kind)

    def items(self, obj: Tag | None = None):
        return publishing.published_hauls()[:FEED_LIMIT]

    def item_title(self, haul: Haul) -> str:
        return haul.title

    def item_description(self, haul: Haul) -> str:
        return haul.snippet or haul.title

    def item_link(self, haul: Haul) -> str:
        return publishing.haul_url(haul)

    def item_guid(self, haul: Haul) -> str:
        return publishing.haul_url(haul)

    item_guid_is_permalink = True

    def item_pubdate(self, haul: Haul):
        return haul.published_at

    def item_updateddate(self, haul: Haul):
        return haul.modified_at

    def item_categories(self, haul: Haul) -> list[str]:
        return haul.tag_names()

    def item_extra_kwargs(self, haul: Haul) -> dict[str, str]:
        return {"content": haul_article(haul, base=publishing.site_url())}


class HaulsAtomFeed(HaulsFeed):
    """All published hauls as Atom (/hauls/feed.atom)."""

    feed_type = FullContentAtom
    kind = "atom"


class TagFeed(HaulsFeed):
    """One tag's published hauls (/tags/<slug>/feed.rss); a tag without any is a 404."""

    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        return publishing.public_tags().get(slug=slug)

    def title(self, obj: Tag | None = None) -> str:
        return f"{super().title(obj)}: {obj}"

    def description(self, obj: Tag | None = None) -> str:
        return f"Hauls tagged “{obj}”."

    def link(self, obj: Tag | None = None) -> str:
        return publishing.site_url() + publishing.tag_path(obj)

    def feed_url(self, obj: Tag | None = None) -> str:
        return publishing.site_url() + publishing.tag_feed_path(obj, self.kind)

    def items(self, obj: Tag | None = None):
        return publishing.hauls_tagged(obj)[:FEED_LIMIT]


class TagAtomFeed(TagFeed):
    """One tag's published hauls as Atom (/tags/<slug>/feed.atom)."""

    feed_type = FullContentAtom
    kind = "atom"


class _PublicSiteRequest(HttpRequest):
    """A request as if made to PAPERHAUL_SITE_URL, for rendering a feed with no server running.

    The syndication framework asks a request for the host and scheme even when every link is
    absolute; this one answers from the site address, so no Host header is involved.
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = self.path_info = path
        self.method = "GET"
        self._site = urlsplit(publishing.site_url())

    def get_host(self) -> str:
        return self._site.netloc

    def _get_scheme(self) -> str:
        return self._site.scheme


def feed_document(feed: Feed, slug: str | None = None) -> bytes:
    """The feed's XML as served, without a request (for `paperhaul site build`).

    ``slug`` names the tag of a TagFeed or TagAtomFeed; a tag without published hauls raises Http404.
    """
    request = _PublicSiteRequest("/")
    response = feed(request, slug=slug) if slug is not None else feed(request)
    return response.content
