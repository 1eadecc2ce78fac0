"""A haul's body as the web page and the feeds show it: the sanitised article, with our links.

The body is html.article_html (rendered and cleaned by nh3) without its header, which the page
and the feed entry give themselves. Each paper item gets an anchor (``item-<position>``, the
address a paper page's "Covered in" links to) and a small link to the paper's page on this site.
Only attributes and elements made here are added to the cleaned tree, so nothing a post wrote
can turn into markup that runs.
"""

from __future__ import annotations

import lxml.html

from paperhaul.hauls.html import article_html
from paperhaul.hauls.layouts import POST
from paperhaul.hauls.models import Haul
from paperhaul.hauls.publishing import paper_page_path
from paperhaul.hauls.render import document_of


def item_anchor(position: int) -> str:
    """The id of an item's block on the haul page."""
    return f"item-{position}"


def haul_article(haul: Haul, base: str = "", layout: str = POST) -> str:
    """The haul's sections and items as HTML in ``layout`` (layouts.py); ``base`` prefixes our own
    links (site_url() in feeds)."""
    doc = document_of(haul, layout)
    article = lxml.html.fragment_fromstring(article_html(doc))
    for header in article.findall("header"):
        article.remove(header)
    blocks = article.xpath("section[@class='haul-item']")
    for block, item in zip(blocks, doc.items, strict=True):
        block.set("id", item_anchor(item.position))
        block.insert(1, _paper_link(base + paper_page_path(item.key)))
    return lxml.html.tostring(article, encoding="unicode")


def _paper_link(href: str) -> lxml.html.HtmlElement:
    """``<p class="item-paper"><a href=…>Paper page</a></p>``, placed right after the paper block."""
    paragraph = lxml.html.Element("p", {"class": "item-paper"})
    link = lxml.html.Element("a", {"href": href})
    link.text = "Paper page"
    paragraph.append(link)
    paragraph.tail = "\n"
    return paragraph
