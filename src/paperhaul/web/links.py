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


@cache
def _author_prefix() -> str:
    return reverse("author", args=["-"])[:-1]


def author_path(name: str) -> str:
    """/authors/NAME: the prefix is resolved once, as list pages link hundreds of names."""
    return _author_prefix() + quote(name, safe="")


def is_web_address(url: str) -> bool:
    """Only http(s) links reach a page: an imported ``javascript:`` address stays text."""
    return url.startswith(("https://", "http://"))
