"""A haul as HTML for the web: the curator's Markdown and HTML rendered, then cleaned.

Commentary may hold images, links, quotes and raw HTML; an imported post may also hold a script or
an event handler. Everything a post wrote goes through markdown-it-py (raw HTML allowed, as the
posts use it) and then nh3 with an allow-list, so nothing in a published haul can run.
"""

from __future__ import annotations

from html import unescape

import nh3
from django.utils.html import escape
from markdown_it import MarkdownIt

from paperhaul.hauls.document import ParsedHaul, ParsedItem, ParsedSection

_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["strikethrough", "table"])
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "figcaption", "figure", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def clean(html: str) -> str:
    """HTML with only the allowed tags, attributes and link schemes (http, https, mailto)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def markdown_html(text: str) -> str:
    return clean(_MARKDOWN.render(text))


def article_html(doc: ParsedHaul) -> str:
    """The haul as an ``<article>``: its header, then sections and items in the post's order."""
    front = doc.front
    parts = [f'<article class="haul">\n<header>\n<h1>{escape(front.title)}</h1>']
    if front.published_at:
        parts.append(
            f'<p class="haul-meta"><time datetime="{front.published_at.isoformat()}">'
            f"{front.published_at:%d %B %Y}</time>"
            + ("".join(f' <span class="tag">{escape(tag)}</span>' for tag in front.tags))
            + "</p>"
        )
    if front.snippet:
        parts.append(f'<p class="haul-snippet">{escape(front.snippet)}</p>')
    parts.append("</header>")
    # A paper's title is a heading one level below the section it is in (the posts write <h4>
    # whatever the section): a screen reader's list of headings then nests them.
    item_level = 2
    for block in doc.blocks:
        if isinstance(block, ParsedSection):
            parts.append(_section(block))
            if block.heading:
                item_level = min(_section_level(block) + 1, 6)
        else:
            parts.append(_item(block, item_level))
    parts.append("</article>")
    return "\n".join(parts) + "\n"


def _section_level(section: ParsedSection) -> int:
    return max(section.level, 2)  # the page's title is the only h1


def _section(section: ParsedSection) -> str:
    level = _section_level(section)
    heading = f"<h{level}>{escape(section.heading)}</h{level}>\n" if section.heading else ""
    return f'<section class="haul-section">\n{heading}{markdown_html(section.body)}</section>'


def _item(item: ParsedItem, level: int) -> str:
    """The paper block as the posts write it (title and abstract start link to the paper), cleaned,
    its title a heading of ``level``.

    The link is kept as the post wrote it, which may already be HTML-escaped (``&amp;``).
    """
    block = clean(
        f'<blockquote><a href="{escape(unescape(item.url))}"><h{level}>{item.title}</h{level}>'
        + (f"<p>{item.abstract}</p>" if item.abstract else "")
        + "</a></blockquote>"
    )
    commentary = markdown_html(item.commentary) if item.commentary.strip() else ""
    return f'<section class="haul-item">\n{block}\n{commentary}</section>'


def to_html(doc: ParsedHaul) -> str:
    """A standalone HTML document of the haul (`paperhaul haul render N --format html`)."""
    title = escape(doc.front.title)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n</head>\n<body>\n{article_html(doc)}</body>\n</html>\n"
    )
