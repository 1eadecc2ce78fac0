"""The paper blocks of a haul post and the curator's commentary on each (DESIGN.md "Haul post").

A post is front matter, then free Markdown sections and paper blocks::

    <blockquote>
        <a href="URL">
        <h4>TITLE</h4>
        <p>ABSTRACT START…</p>
        </a>
    </blockquote>

each followed by the curator's commentary up to ``<hr/>``. The commentary of the last block runs
to the end of the post (or to the next ``## `` section); a commentary may hold quotes, images,
links and ``<blockquote><em>`` quotations, which are not paper blocks because no ``<a href>``
opens them. This parser only serves the known-item query set: the real importer lives in the
hauls app.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_FRONT_MATTER_RE = re.compile(r"\A\s*---\n.*?\n---\n", re.DOTALL)
# One paper block; the inner parts may not cross into another blockquote, so a block missing
# its </a> cannot swallow the next one.
_BLOCK_RE = re.compile(
    r"<blockquote>\s*<a\s[^>]*?href=\"(?P<url>[^\"]*)\"[^>]*>"
    r"(?P<inner>(?:(?!</?blockquote).)*?)</a>\s*</blockquote>",
    re.DOTALL | re.IGNORECASE,
)
_TITLE_RE = re.compile(r"<h4>(.*?)</h4>", re.DOTALL | re.IGNORECASE)
_ABSTRACT_RE = re.compile(r"<p>(.*?)</p>", re.DOTALL | re.IGNORECASE)
_COMMENTARY_END_RE = re.compile(r"<hr\s*/?>|^## ", re.IGNORECASE | re.MULTILINE)
_TAG_RE = re.compile(r"<[^>]+>")
# The blog's link previews end the abstract start with the site's host: "… [openreview.net]".
_SITE_MARKER_RE = re.compile(r"\s*\[[a-z0-9.-]+\.[a-z]{2,}\]\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class HaulItem:
    """One paper block of a post; ``commentary`` is the raw Markdown/HTML that follows it."""

    url: str
    title: str
    abstract: str
    commentary: str
    source: str


def parse_haul(text: str, source: str) -> list[HaulItem]:
    """The paper blocks of one post, in order, with their commentaries."""
    body = _FRONT_MATTER_RE.sub("", repair_mojibake(text), count=1)
    blocks = list(_BLOCK_RE.finditer(body))
    items = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1].start() if index + 1 < len(blocks) else len(body)
        rest = body[block.end() : following]
        end = _COMMENTARY_END_RE.search(rest)
        items.append(
            HaulItem(
                url=html.unescape(block["url"]).strip(),
                title=_inline_text(_TITLE_RE, block["inner"]),
                abstract=_abstract(block["inner"]),
                commentary=(rest[: end.start()] if end else rest).strip(),
                source=source,
            )
        )
    return items


def repair_mojibake(text: str) -> str:
    """UTF-8 that was once decoded as Mac Roman (an ellipsis as three letters) restored; other
    text unchanged.

    One seed post is such a copy of a published post. A text that is really Mac-Roman mojibake
    round-trips exactly; genuine non-ASCII text either cannot be encoded as Mac Roman or gives
    bytes that are not UTF-8, so it is left alone.
    """
    if text.isascii():
        return text
    try:
        return text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _inline_text(pattern: re.Pattern[str], inner: str) -> str:
    match = pattern.search(inner)
    if not match:
        return ""
    return " ".join(html.unescape(_TAG_RE.sub(" ", match[1])).split())


def _abstract(inner: str) -> str:
    """The abstract start without the blog's site marker (``[openreview.net]``), which is not text."""
    return _SITE_MARKER_RE.sub("", _inline_text(_ABSTRACT_RE, inner)).strip()


_IMAGE_RE = re.compile(r"<img\b[^>]*>|!\[[^\]]*\]\((?:[^()\s]|\([^()]*\))*\)", re.IGNORECASE)
_HTML_LINK_RE = re.compile(r"<a\b[^>]*>(.*?)</a>", re.DOTALL | re.IGNORECASE)
# [text](url), where the URL may hold one level of parentheses (Wikipedia, cell.com).
_MARKDOWN_LINK_RE = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
# A URL without the punctuation that ends the sentence around it.
_URL_RE = re.compile(r"\b(?:https?://|www\.)\S+?(?=[.,;:!?\"')\]]*(?:\s|$))", re.IGNORECASE)
_BREAK_RE = re.compile(r"<br\s*/?>|</?(?:p|blockquote|div|li|ul|ol|h\d)\b[^>]*>", re.IGNORECASE)
_MARKUP_RE = re.compile(r"^\s{0,3}(?:>\s?)+|^\s{0,3}(?:#{1,6}|[-*+]|\d+\.)\s+|\*\*|__|`", re.MULTILINE)
_EMPHASIS_RE = re.compile(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_EMPTY_BRACKETS_RE = re.compile(r"\(\s*[,;:]?\s*\)|\[\s*\]")
_SPACE_BEFORE_PUNCTUATION_RE = re.compile(r"\s+([,.;:!?)\]])")
# A sentence ends at . ! or ? (and closing quotes or brackets), before a capital, digit or quote.
_OPENING_QUOTES = "\"'\u201c\u2018"
_SENTENCE_END_RE = re.compile(rf"[.!?]+[\"'\u201d\u2019)\]]*\s+(?=[{_OPENING_QUOTES}(\[]?[A-Z0-9])")
_ABBREVIATIONS = {"e.g", "i.e", "vs", "al", "cf", "dr", "mr", "mrs", "ms", "prof", "fig", "figs"}
_ABBREVIATIONS |= {"approx", "st", "jr", "inc", "ltd", "co", "u.s", "ph.d", "sec", "eq", "ref"}


def commentary_query(commentary: str, sentences: int = 2) -> str:
    """The first ``sentences`` sentences of a commentary as plain text: what a curator would
    type to find the paper again. Images and URLs are dropped; a link keeps its anchor text,
    which is part of the sentence ("a sticker <a>in 2017</a>")."""
    found: list[str] = []
    for paragraph in _paragraphs(commentary):
        found.extend(split_sentences(paragraph))
        if len(found) >= sentences:
            break
    return " ".join(found[:sentences])


def _paragraphs(commentary: str) -> list[str]:
    text = _IMAGE_RE.sub(" ", commentary)
    text = _HTML_LINK_RE.sub(r"\1", text)
    text = _MARKDOWN_LINK_RE.sub(r"\1", text)
    text = _URL_RE.sub(" ", text)
    text = _BREAK_RE.sub("\n\n", text)
    text = html.unescape(_TAG_RE.sub(" ", text))
    text = _EMPHASIS_RE.sub("", _MARKUP_RE.sub("", text))
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        paragraph = " ".join(_EMPTY_BRACKETS_RE.sub(" ", block).split())
        paragraph = _SPACE_BEFORE_PUNCTUATION_RE.sub(r"\1", paragraph)
        if any(ch.isalnum() for ch in paragraph):
            paragraphs.append(paragraph)
    return paragraphs


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph; a full stop after an abbreviation (e.g., et al.) or an
    initial does not end one."""
    sentences, start = [], 0
    for end in _SENTENCE_END_RE.finditer(paragraph):
        words = paragraph[start : end.start()].split()
        word = words[-1].lstrip("(" + _OPENING_QUOTES).lower() if words else ""
        if end[0][0] == "." and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        sentences.append(paragraph[start : end.end()].strip())
        start = end.end()
    if paragraph[start:].strip():
        sentences.append(paragraph[start:].strip())
    return sentences
