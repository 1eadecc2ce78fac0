"""Parsing a haul post (DESIGN.md "Formats": the haul post) into a ParsedHaul. No database.

The body is read line by line: ``#`` and ``##`` headings start free sections (deeper headings
stay inside the section's Markdown), a ``<blockquote>`` whose first child is an ``<a>`` holding an
``<h4>`` is a paper block, and the commentary after it runs to ``<hr/>``, the next heading or
the next paper block. Text after an ``<hr/>`` that is neither becomes a section without a
heading. Errors are RecordErrors naming the file and line; things kept but worth a look
(script in commentary, repaired encoding) are warnings on the result.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from paperhaul.errors import RecordError
from paperhaul.hauls.document import Block, FrontMatter, ParsedHaul, ParsedItem, ParsedSection
from paperhaul.papers import ids

_HEADING = re.compile(r"^(#{1,2})[ \t]+(.*?)[ \t]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_RULE = re.compile(r"^\s*<hr\s*/?>\s*$", re.IGNORECASE)
_BLOCK_START = re.compile(r"^\s*<blockquote\s*>", re.IGNORECASE)
_PAPER_HEAD = re.compile(r"\A\s*<blockquote\s*>\s*<a\b", re.IGNORECASE)
_BLOCK_END = re.compile(r"</blockquote\s*>", re.IGNORECASE)
_PAPER = re.compile(
    r"\A\s*<blockquote\s*>\s*<a\b[^>]*>\s*<h4>(?P<title>.*?)</h4>\s*"
    r"(?:<p>(?P<abstract>.*?)</p>\s*)?</a>\s*</blockquote\s*>\s*\Z",
    re.IGNORECASE | re.DOTALL,
)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
NUMBER_IN_TITLE = re.compile(r"~\s*(\d+)")
_NUMBER_IN_NAME = re.compile(r"[-_~](\d+)$")
_HOSTILE = re.compile(
    r"<\s*(script|iframe|object|embed|style|form)\b|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)
# Characters UTF-8 bytes turn into when read as Mac Roman: "…" becomes U+201A U+00C4 U+00B6,
# a no-break space U+00AC U+2020.
_MOJIBAKE = re.compile("[\u201a\u00ac\u221a\u00c2\u00c3][^\x00-\x7f]")


def parse_haul(text: str, name: str = "haul.md") -> ParsedHaul:
    """Parse a haul post; ``name`` (the file's) is used in messages and for a number fallback."""
    return _Parser(text, name).parse()


def repair_mojibake(text: str) -> str | None:
    """The text with UTF-8-read-as-Mac-Roman undone (as one seed post was scraped), else None."""
    if not _MOJIBAKE.search(text):
        return None
    try:
        repaired = text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return repaired if repaired != text else None


class _Parser:
    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self.warnings: list[str] = []
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        repaired = repair_mojibake(text)
        if repaired is not None:
            self.warn(1, "text was UTF-8 read as Mac Roman (mojibake); repaired")
            text = repaired
        self.lines = text.split("\n")
        self.blocks: list[Block] = []
        self.title_line = 1

    def error(self, line: int, message: str) -> RecordError:
        return RecordError(message, line=line, path=self.name)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"{self.name}:{line}: {message}")

    def parse(self) -> ParsedHaul:
        front, body_start = self.front_matter()
        self.body(body_start)
        return ParsedHaul(self.number(front), front, tuple(self.blocks), tuple(self.warnings))

    # -- front matter -------------------------------------------------------------------------

    def front_matter(self) -> tuple[FrontMatter, int]:
        if not self.lines or self.lines[0].strip() != "---":
            raise self.error(1, "no front matter: a haul post starts with a '---' line")
        values: dict[str, tuple[str, int]] = {}
        for index in range(1, len(self.lines)):
            line = self.lines[index]
            if line.strip() == "---":
                return self.build_front(values), index + 1
            if not line.strip():
                continue
            key, colon, value = line.partition(":")
            key = key.strip().lower()
            if not colon or not re.fullmatch(r"[a-z_][a-z0-9_-]*", key):
                raise self.error(index + 1, f"front matter line is not 'key: value': {line.strip()[:80]!r}")
            if key in values:
                raise self.error(index + 1, f"front matter key {key!r} given twice")
            values[key] = (_unquote(value.strip()), index + 1)
        raise self.error(1, "front matter is not closed: no second '---' line")

    def build_front(self, values: dict[str, tuple[str, int]]) -> FrontMatter:
        title, title_line = values.pop("title", ("", 1))
        if not title:
            raise self.error(title_line, "front matter has no title")
        published_at = None
        if "published_at" in values:
            text, line = values.pop("published_at")
            published_at = _parse_datetime(text)
            if text and published_at is None:
                raise self.error(line, f"published_at is not an ISO 8601 date-time: {text!r}")
        snippet, _ = values.pop("snippet", ("", 0))
        tags_text, _ = values.pop("tags", ("", 0))
        tags = tuple(dict.fromkeys(t.strip() for t in tags_text.split(",") if t.strip()))
        extra = tuple((key, value) for key, (value, _) in values.items())
        for key, (_, line) in values.items():
            self.warn(line, f"unknown front matter key {key!r} kept as written")
        self.title_line = title_line
        return FrontMatter(title, published_at, snippet, tags, extra)

    def number(self, front: FrontMatter) -> int:
        match = NUMBER_IN_TITLE.search(front.title) or _NUMBER_IN_NAME.search(Path(self.name).stem)
        if not match:
            raise self.error(
                self.title_line, "no haul number: put it in the title ('… ~20') or the file name (…-20.md)"
            )
        return int(match.group(1))

    # -- body ---------------------------------------------------------------------------------

    def body(self, start: int) -> None:
        section: _Open | None = None
        item: _OpenItem | None = None
        in_fence = False
        index = start
        while index < len(self.lines):
            line = self.lines[index]
            number = index + 1
            if _FENCE.match(line):
                in_fence = not in_fence
            heading = None if in_fence else _HEADING.match(line)
            paper = not in_fence and self.is_paper_block(index)
            if heading or paper:
                self.close(section, item, closed=False)
                section = item = None
            if heading:
                section = _Open(number, heading.group(2), len(heading.group(1)))
            elif paper:
                item, index = self.paper_block(index)
                continue
            elif item is not None and not in_fence and _RULE.match(line):
                self.close(None, item, closed=True)
                item = None
            elif item is not None:
                item.lines.append(line)
            elif section is not None:
                section.lines.append(line)
            elif line.strip():
                section = _Open(number, "", 0, [line])
            index += 1
        self.close(section, item, closed=False)

    def close(self, section: _Open | None, item: _OpenItem | None, *, closed: bool) -> None:
        """Add the open section or item to the blocks (an empty section without heading is dropped)."""
        if section is not None:
            body = "\n".join(section.lines).strip()
            if section.heading or body:
                self.check_hostile(section.line, body, "section")
                self.blocks.append(ParsedSection(section.heading, section.level, body, section.line))
        if item is not None:
            commentary = "\n".join(item.lines).strip()
            self.check_hostile(item.line, commentary, "commentary")
            self.blocks.append(
                ParsedItem(item.url, item.key, item.title, item.abstract, commentary, closed, item.line)
            )
        return None

    def is_paper_block(self, index: int) -> bool:
        if not _BLOCK_START.match(self.lines[index]):
            return False
        rest = "\n".join(self.lines[index : index + 12])
        if not _PAPER_HEAD.match(rest):
            return False
        end = _BLOCK_END.search(rest)
        head = rest[: end.start()] if end else rest
        return "<h4" in head.lower() or end is None

    def paper_block(self, index: int) -> tuple[_OpenItem, int]:
        start = index + 1
        end = index
        while end < len(self.lines) and not _BLOCK_END.search(self.lines[end]):
            if end > index and (_RULE.match(self.lines[end]) or _BLOCK_START.match(self.lines[end])):
                break
            end += 1
        if end >= len(self.lines) or not _BLOCK_END.search(self.lines[end]):
            raise self.error(start, "paper block is not closed: no </blockquote> before the next block")
        text = "\n".join(self.lines[index : end + 1])
        anchor = re.search(r"<a\b([^>]*)>", text, re.IGNORECASE)
        anchor_line = start + text[: anchor.start()].count("\n") if anchor else start
        href = _HREF.search(anchor.group(1)) if anchor else None
        url = next((g for g in href.groups() if g is not None), "").strip() if href else ""
        if not url:
            raise self.error(anchor_line, 'paper block without a link: <a href="URL"> is missing')
        match = _PAPER.match(text)
        if match is None:
            raise self.error(
                start,
                'malformed paper block: expected <blockquote><a href="URL"><h4>TITLE</h4>'
                "<p>ABSTRACT…</p></a></blockquote>",
            )
        target = html.unescape(url)
        if not re.match(r"https?://", target, re.IGNORECASE):
            raise self.error(anchor_line, f"paper link is not an http(s) URL: {target[:100]!r}")
        key = ids.try_canonical_key(target)
        if key is None:
            raise self.error(anchor_line, f"paper link cannot be resolved: {target[:100]!r}")
        title = match.group("title").strip()
        if not title:
            raise self.error(start, "paper block has an empty title (<h4></h4>)")
        if _HOSTILE.search(title) or _HOSTILE.search(match.group("abstract") or ""):
            self.warn(start, "paper block title or abstract holds script or event handlers; kept as text")
        abstract = (match.group("abstract") or "").strip()
        return _OpenItem(start, url, key, title, abstract), end + 1

    def check_hostile(self, line: int, text: str, what: str) -> None:
        found = _HOSTILE.search(text)
        if found:
            self.warn(
                line,
                f"{what} holds {found.group(0).strip()!r}: kept as written, removed when published",
            )


@dataclass
class _Open:
    """A section being read."""

    line: int
    heading: str
    level: int
    lines: list[str] = field(default_factory=list)


@dataclass
class _OpenItem:
    """A paper block read, its commentary being read."""

    line: int
    url: str
    key: str
    title: str
    abstract: str
    lines: list[str] = field(default_factory=list)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _parse_datetime(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
