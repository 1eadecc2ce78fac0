"""Addresses of the pages of papers and authors, made in one place."""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

from django.urls import reverse

from paperhaul.papers.models import Paper


def paper_ref(key: str) -> str:
    """What follows /papers/ for a key: the bare arXiv id for arXiv papers, else the whole key."""
    kind, _, rest = key.partition(":")
    return rest if kind == "arxiv" else key


def paper_path(paper: Paper | str) -> str:
    key = paper if isinstance(paper, str) else paper.key
    return "/papers/" + quote(paper_ref(key), safe="/:@")


# A value every converter of the patterns below accepts (str, int, slug, path), and no URL holds.
_SENTINEL = "9081726354"


@cache
def _around(name: str) -> tuple[str, str]:
    """What comes before and after the one argument of the URL named `name`, resolved once:
    a list page links each of its papers' authors, category and topics, and reverse() is slow."""
    before, _, after = reverse(name, args=[_SENTINEL]).partition(_SENTINEL)
    return before, after


def _path(name: str, value: str | int) -> str:
    before, after = _around(name)
    return before + quote(str(value), safe="") + after


def author_path(name: str) -> str:
    """/authors/NAME"""
    return _path("author", name)


def category_path(category: str) -> str:
    return _path("category", category)


def topic_path(slug: str) -> str:
    return _path("topic", slug)


def vote_path(paper_id: int) -> str:
    return _path("vote", paper_id)


def is_web_address(url: str) -> bool:
    """Only http(s) links reach a page: an imported ``javascript:`` address stays text."""
    return url.startswith(("https://", "http://"))
