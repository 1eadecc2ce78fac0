"""The static site's HTML pages, rendered from the site/ templates with every link made by the address.

The templates are a lean copy of the web app's look (its site.css) without accounts, votes or
API calls: a static host serves nothing but these files. The haul body is html.article_html,
already cleaned by nh3, so it is the only markup a page takes from what a curator wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from paperhaul import config
from paperhaul.hauls.article import haul_article
from paperhaul.hauls.coverage import coverage
from paperhaul.hauls.models import Haul, HaulItem, Tag
from paperhaul.hauls.publishing import haul_path, hauls_feed_path, hauls_path, tag_feed_path, tag_path
from paperhaul.hauls.site.address import (
    COMBOBOX_JS_PATH,
    CSS_PATH,
    ICON_PATH,
    JS_PATH,
    NOT_FOUND_PATH,
    SEARCH_INDEX_PATH,
    SEARCH_PATH,
    SITEMAP_PATH,
    TAGS_PATH,
    SiteAddress,
    paper_path,
)
from paperhaul.papers.bibtex import bibliography
from paperhaul.papers.models import Paper
from paperhaul.web.links import citation_meta, is_web_address, outbound


@dataclass(frozen=True)
class Link:
    label: str
    href: str


@dataclass(frozen=True)
class HaulCard:
    """A published haul as lists, pages and the search index show it."""

    number: int
    title: str
    href: str
    published_at: dt.datetime | None
    snippet: str
    items: int
    tags: tuple[Link, ...]


@dataclass(frozen=True)
class Page:
    path: str  # the site path; address.output_file gives its file
    html: str


class Pages:
    def __init__(self, address: SiteAddress) -> None:
        self.address = address
        link = address.link
        self.site = {
            "name": config.get("PAPERHAUL_SITE_NAME"),
            "home": link("/"),
            "hauls": link(hauls_path()),
            "tags": link(TAGS_PATH),
            "search": link(SEARCH_PATH),
            "index": link(SEARCH_INDEX_PATH),
            "sitemap": link(SITEMAP_PATH),
            "css": link(CSS_PATH),
            "combobox_js": link(COMBOBOX_JS_PATH),
            "js": link(JS_PATH),
            "icon": link(ICON_PATH),
            "rss": link(hauls_feed_path("rss")),
            "atom": link(hauls_feed_path("atom")),
        }

    def card(self, haul: Haul) -> HaulCard:
        """A haul from publishing.listed() (with ``item_count`` and ``tag_rows``)."""
        return HaulCard(
            number=haul.number,
            title=haul.title,
            href=self.address.link(haul_path(haul)),
            published_at=haul.published_at,
            snippet=haul.snippet,
            items=haul.item_count,
            tags=tuple(self.tag_link(row.tag) for row in haul.tag_rows),
        )

    def tag_link(self, tag: Tag) -> Link:
        return Link(tag.name, self.address.link(tag_path(tag)))

    def paper_link(self, paper: Paper) -> Link:
        return Link(paper.title, self.address.link(paper_path(paper.key)))

    def hauls(self, path: str, cards: list[HaulCard], tags: list[Tag]) -> Page:
        """The list of hauls (the home page and /hauls/)."""
        topics = [self.tag_link(tag) for tag in tags]
        return self._render("hauls.html", path, hauls=cards, tags=topics, current="hauls")

    def haul(self, haul: Haul, card: HaulCard, older: HaulCard | None, newer: HaulCard | None) -> Page:
        """The haul's page; its body links each paper to the paper's page of the build."""
        article = mark_safe(haul_article(haul, base=self.address.root))  # cleaned by nh3 in html.py
        bibtex = self.address.link(haul_bibtex_path(haul)) if card.items else ""
        return self._render(
            "haul.html", haul_path(haul), haul=card, article=article, older=older, newer=newer, bibtex=bibtex
        )

    def tags(self, tags: list[Tag]) -> Page:
        listed = [{**vars(self.tag_link(tag)), "count": tag.haul_count} for tag in tags]
        return self._render("tags.html", TAGS_PATH, tags=listed, current="tags")

    def tag(self, tag: Tag, cards: list[HaulCard]) -> Page:
        link = self.address.link
        about = {
            "label": tag.name,
            "rss": link(tag_feed_path(tag, "rss")),
            "atom": link(tag_feed_path(tag, "atom")),
        }
        return self._render("tag.html", tag_path(tag), tag=about, hauls=cards, current="tags")

    def paper(self, paper: Paper, cards: dict[int, HaulCard]) -> Page:
        """The paper, its links, and every published haul that covered or mentioned it."""
        covers = [{**vars(c), "href": cards[c.number].href} for c in coverage(paper) if c.number in cards]
        return self._render(
            "paper.html",
            paper_path(paper.key),
            paper=paper,
            outbound=_outbound(paper),
            coverage=covers,
            citation=bibliography([paper]),
            citation_meta=citation_meta(paper),
        )

    def search(self, cards: list[HaulCard], items: dict[int, list[HaulItem]]) -> Page:
        """The search page: a typeahead with JS, and every covered link by haul, which works without."""
        groups = [
            {"haul": card, "links": [self._covered_link(item) for item in items.get(card.number, [])]}
            for card in cards
        ]
        return self._render("search.html", SEARCH_PATH, groups=groups, current="search")

    def not_found(self) -> Page:
        return self._render("404.html", NOT_FOUND_PATH, canonical="")

    def _covered_link(self, item: HaulItem) -> dict:
        return {**vars(self.paper_link(item.paper)), "original": item.url if is_web_address(item.url) else ""}

    def _render(self, template: str, path: str, **context) -> Page:
        context = {"site": self.site, "canonical": self.address.url(path), **context}
        return Page(path, render_to_string(f"site/{template}", context))


def haul_bibtex_path(haul: Haul) -> str:
    """The BibTeX of the haul's papers, beside its page (as /hauls/SLUG/papers.bib on the live site)."""
    return haul_path(haul) + "papers.bib"


def _outbound(paper: Paper) -> list[Link]:
    return [Link(label, href) for label, href in outbound(paper)]
