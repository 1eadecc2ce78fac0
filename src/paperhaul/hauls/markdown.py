"""Writing a ParsedHaul back as a haul post (the format parse.py reads).

Paper blocks are written in one canonical layout and known front matter keys in one order;
everything else (headings, section text, commentary, the URL, title and abstract as written)
comes back verbatim, so a post read and written again differs from its original only in
whitespace.
"""

from __future__ import annotations

import datetime as dt

from paperhaul.hauls.document import FrontMatter, ParsedHaul, ParsedItem, ParsedSection


def to_markdown(haul: ParsedHaul) -> str:
    """The post as Markdown with front matter, ending in one newline."""
    parts = [_front_matter(haul.front)]
    for block in haul.blocks:
        parts.append(_section(block) if isinstance(block, ParsedSection) else _item(block))
    return "\n\n".join(part for part in parts if part) + "\n"


def format_datetime(value: dt.datetime) -> str:
    """ISO 8601 as the real posts write it: UTC with milliseconds and a Z."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _front_matter(front: FrontMatter) -> str:
    pairs = [("title", front.title)]
    if front.published_at is not None:
        pairs.append(("published_at", format_datetime(front.published_at)))
    if front.snippet:
        pairs.append(("snippet", front.snippet))
    if front.tags:
        pairs.append(("tags", ", ".join(front.tags)))
    pairs.extend(front.extra)
    lines = [f"{key}: {_quoted(value)}" for key, value in pairs]
    return "\n".join(["---", *lines, "---"])


def _quoted(value: str) -> str:
    """Values that would not read back as themselves (edge spaces, quotes) are double-quoted."""
    if value != value.strip() or (value[:1] in "\"'" and value):
        return '"' + value + '"'
    return value


def _section(section: ParsedSection) -> str:
    heading = f"{'#' * section.level} {section.heading}" if section.level else ""
    return "\n\n".join(part for part in (heading, section.body) if part)


def _item(item: ParsedItem) -> str:
    lines = ["<blockquote>", f'    <a href="{item.url}">', f"    <h4>{item.title}</h4>"]
    if item.abstract:
        lines.append(f"    <p>{item.abstract}</p>")
    lines += ["    </a>", "</blockquote>"]
    parts = ["\n".join(lines)]
    if item.commentary:
        parts.append(item.commentary)
    if item.closed:
        parts.append("<hr/>")
    return "\n\n".join(parts)
