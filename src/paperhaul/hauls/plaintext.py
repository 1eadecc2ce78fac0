"""A haul's HTML as readable plain text: the text part of the e-mail, titles in the links dataset.

Mail readers that show plain text (and people who prefer it) get paragraphs wrapped at 72
columns, headings underlined, quotes with ``> ``, list items with ``- `` or numbers, and every
link kept as its URL after the linked text, since a plain-text reader has no other way to follow it.
URLs are never broken across lines.
"""

from __future__ import annotations

import html
import re
import textwrap

import lxml.html
from django.utils.html import strip_tags
from lxml.etree import _Element

from paperhaul.papers.records import clean_text

WIDTH = 72
_BREAK = "\x00"  # a <br>, kept through whitespace collapsing
_CONTAINERS = {"article", "div", "figure", "figcaption", "header", "footer", "p", "section"}
_HEADINGS = {"h1": "=", "h2": "-", "h3": "", "h4": "", "h5": "", "h6": ""}
_BLOCKS = _CONTAINERS | set(_HEADINGS) | {"blockquote", "hr", "ol", "pre", "table", "tr", "ul"}


def plain_title(title_html: str) -> str:
    """A displayed title as written in a post (HTML text: ``A &amp; B``, ``<em>``) as plain text."""
    return clean_text(html.unescape(strip_tags(title_html)))


def html_to_text(fragment: str, width: int = WIDTH) -> str:
    """Plain text of an HTML fragment: blocks separated by a blank line, no trailing newline."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return "\n\n".join(_blocks(root, width))


def underline(text: str, char: str) -> str:
    """A heading as plain text: the text over a line of ``char`` as long as it."""
    return f"{text}\n{char * len(text)}" if char else text


def _blocks(element: _Element, width: int) -> list[str]:
    """The element's content as text blocks: runs of inline content become wrapped paragraphs."""
    blocks: list[str] = []
    run: list[str] = [element.text or ""]

    def flush() -> None:
        text = _collapse("".join(run))
        run.clear()
        if text:
            blocks.append(_wrap(text, width))

    for child in element:
        if isinstance(child.tag, str) and child.tag in _BLOCKS:
            flush()
            blocks.extend(_block(child, width))
        else:
            run.append(_inline(child))
        run.append(child.tail or "")
    flush()
    return blocks


def _block(element: _Element, width: int) -> list[str]:
    tag = element.tag
    if tag in _HEADINGS:
        text = _collapse(_inline_content(element)).replace("\n", " ")
        return [underline(text, _HEADINGS[tag])] if text else []
    if tag == "hr":
        return ["----"]
    if tag == "pre":
        return [element.text_content().strip("\n")]
    if tag == "blockquote":
        inner = "\n\n".join(_blocks(element, max(width - 2, 20)))
        return [_prefix(inner, "> ", "> ")] if inner else []
    if tag in ("ul", "ol"):
        return _list(element, width)
    if tag in ("table", "tr"):
        rows = [_row(row) for row in element.iter("tr")]
        return ["\n".join(row for row in rows if row.strip(" |"))] if any(rows) else []
    return _blocks(element, width)


def _list(element: _Element, width: int) -> list[str]:
    ordered = element.tag == "ol"
    start = int(element.get("start", "1")) if ordered and element.get("start", "1").isdigit() else 1
    entries = []
    for number, item in enumerate((c for c in element if c.tag == "li"), start):
        marker = f"{number}. " if ordered else "- "
        inner = "\n\n".join(_blocks(item, max(width - len(marker), 20)))
        if inner:
            entries.append(_prefix(inner, marker, " " * len(marker)))
    return ["\n".join(entries)] if entries else []


def _row(row: _Element) -> str:
    """A table row on one line, cells separated by `` | ``."""
    return " | ".join(_collapse(_inline_content(cell)).replace("\n", " ") for cell in row)


def _inline(element: _Element) -> str:
    """An inline element as text: links followed by their URL, images as ``[image: alt] URL``."""
    tag = element.tag
    if not isinstance(tag, str):  # a comment or processing instruction
        return ""
    if tag == "br":
        return _BREAK
    if tag == "img":
        src = (element.get("src") or "").strip()
        alt = _collapse(element.get("alt") or "")
        return f" [image{': ' + alt if alt else ''}] {src} " if src else ""
    text = _inline_content(element)
    if tag == "a":
        href = (element.get("href") or "").strip()
        shown = _collapse(text)
        if not href or href == shown:
            return text
        return f"{text} ({href})" if shown else f" {href} "
    return text


def _inline_content(element: _Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(_inline(child) if child.tag not in _BLOCKS else " " + child.text_content() + " ")
        parts.append(child.tail or "")
    return "".join(parts)


def _collapse(text: str) -> str:
    """Whitespace runs as one space, ``<br>`` as a line break, no space at the ends of lines."""
    lines = re.sub(r"\s+", " ", text).split(_BREAK)
    return "\n".join(line.strip() for line in lines).strip()


def _wrap(text: str, width: int) -> str:
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False) if line else ""
        for line in text.split("\n")
    )


def _prefix(text: str, first: str, rest: str) -> str:
    out = []
    for index, line in enumerate(text.split("\n")):
        marker = first if index == 0 else rest
        out.append(marker + line if line else marker.rstrip())
    return "\n".join(out)
