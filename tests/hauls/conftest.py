"""Real haul posts (../shared) and small crafted ones, and the whitespace-blind comparison."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# The two seed posts; ../shared/data/hauls holds the rest.
SEED_POSTS = ("000_7a0cdb1f7f7e9f58.txt", "001_0362dc3a057e3df5.txt")


@pytest.fixture
def real_posts(shared: Path) -> list[Path]:
    """Every real haul post: ../shared/data/hauls/*.md and the two seed posts."""
    posts = sorted((shared / "data" / "hauls").glob("*.md")) + [shared / "seeds" / n for n in SEED_POSTS]
    assert len(posts) == 13
    return posts


def without_whitespace_differences(text: str) -> str:
    """The text with whitespace runs collapsed and whitespace next to a tag dropped.

    Two texts equal under this differ only in whitespace: the layout of a paper block's
    ``<p>`` (one line or three) is all a render is allowed to change.
    """
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ?(</?[a-zA-Z][^<>]*>) ?", r"\1", text)


def post(body: str, *, title: str = "ML Arxiv Haul ~7", published: str = "2023-05-01T10:00:00.000Z") -> str:
    """A small haul post with the given body."""
    return f"---\ntitle: {title}\npublished_at: {published}\nsnippet: a test\ntags: arxiv, llm\n---\n\n{body}"


def block(url: str, title: str, abstract: str = "We study things…") -> str:
    """A paper block as the real posts write it."""
    return (
        f'<blockquote>\n    <a href="{url}">\n    <h4>{title}</h4>\n    <p>\n{abstract}\n    </p>\n'
        "    </a>\n</blockquote>\n"
    )
