"""A haul post as paperhaul understands it: front matter and an ordered list of blocks.

The parser (parse.py) builds it from a Markdown file, the renderer (markdown.py) writes it back,
and render.py builds it from an imported haul, so the round trip compares two of these. Line
numbers and warnings are for messages only and take no part in equality.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FrontMatter:
    """The post's header. ``extra`` keeps keys paperhaul does not know, in file order."""

    title: str
    published_at: dt.datetime | None = None
    snippet: str = ""
    tags: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ParsedSection:
    """Free Markdown under a heading. ``level`` 0 is text without a heading (an intro)."""

    heading: str
    level: int
    body: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ParsedItem:
    """A paper block and the curator's commentary after it.

    ``url``, ``title`` and ``abstract`` are kept as written in the post (HTML text);
    ``abstract`` is "" when the block has no ``<p>``. ``closed`` says whether ``<hr/>`` ends the
    commentary (the last item of a post usually has none). ``key`` is the URL's canonical key.
    ``position`` is the item's place in an imported haul (0 when parsed from a file), kept by a
    layout that reorders items (layouts.py) so each still links to its anchor on the haul page.
    """

    url: str
    key: str
    title: str
    abstract: str
    commentary: str
    closed: bool
    line: int = field(default=0, compare=False)
    position: int = field(default=0, compare=False)


Block = ParsedSection | ParsedItem


@dataclass(frozen=True)
class ParsedHaul:
    number: int
    front: FrontMatter
    blocks: tuple[Block, ...]
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def items(self) -> list[ParsedItem]:
        return [b for b in self.blocks if isinstance(b, ParsedItem)]

    @property
    def sections(self) -> list[ParsedSection]:
        return [b for b in self.blocks if isinstance(b, ParsedSection)]
