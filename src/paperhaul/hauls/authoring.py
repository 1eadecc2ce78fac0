"""Composing a haul: the services behind `paperhaul haul new|add|edit|move|…` and the web studio.

A haul's body is one sequence of blocks (sections and items) numbered by ``position`` across both
tables (models.py). Every change here runs in one transaction that renumbers the blocks densely
from 0, sets each item's section to the nearest section above it, and then renders the haul's
Markdown and parses it back: a change the post format could not carry (a heading line inside a
commentary, a section without heading right under another section, ``</p>`` in an abstract
start...) is refused with an InputError and nothing is written. Blocks are addressed by their
place, counted from 1 as `paperhaul haul show` lists them.

An authored change also clears the haul's ``source_hash``: an import skips a post whose hash is
the haul's, so once the haul differs from the file it came from, importing that file again must
write it (the file then wins over the edits), not be skipped as "unchanged".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from paperhaul.errors import InputError, RecordError
from paperhaul.hauls.document import ParsedHaul, ParsedItem
from paperhaul.hauls.duplicates import Finding, check_item
from paperhaul.hauls.importing import set_tags, write_mentions
from paperhaul.hauls.models import Haul, HaulItem, HaulMention, HaulSection
from paperhaul.hauls.parse import NUMBER_IN_TITLE, parse_haul
from paperhaul.hauls.publishing import unique_haul_slug
from paperhaul.hauls.render import document_of, render
from paperhaul.papers import ids
from paperhaul.papers.fetching import fetch_record
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.models import Paper
from paperhaul.papers.records import clean_text
from paperhaul.papers.upsert import Library

Block = HaulSection | HaulItem
# The real posts cut the abstract after 117 characters on median, 136 at most.
ABSTRACT_START_CHARS = 120
_UNSAFE_IN_URL = re.compile(r"[\s\"'<>]")


@dataclass(frozen=True)
class Added:
    """An item just added, whether its paper had to be fetched, and what the duplicate check found."""

    item: HaulItem
    fetched: bool
    findings: list[Finding]


# -- the haul itself ------------------------------------------------------------------------------


def next_number() -> int:
    return (Haul.objects.aggregate(top=Max("number"))["top"] or 0) + 1


def new_haul(title: str, *, number: int | None = None, snippet: str = "", tags: list[str] = ()) -> Haul:
    """A draft haul, numbered after the last one unless ``number`` is given."""
    number = next_number() if number is None else number
    if number < 1:
        raise InputError(f"a haul number is a positive whole number, not {number}")
    if Haul.objects.filter(number=number).exists():
        raise InputError(f"haul {number} exists already: pick another --number")
    with transaction.atomic():
        haul = Haul(number=number)
        _set_header(haul, title, snippet, tags)
        _verify(haul)
    return haul


def draft_with(title: str, papers: Sequence[tuple[str, str]]) -> Haul:
    """A new draft haul with these papers (address, commentary) in order, all or nothing: what a
    curator gathered in a shared list becomes a haul to finish in the studio."""
    with transaction.atomic():
        haul = new_haul(title)
        for target, note in papers:
            paper, url, _ = _linked_paper(target)
            _new_item(haul, paper, url, note)
        # Arranged and checked once for all: per item, as add_item does, is quadratic in the list.
        _arrange(haul, blocks(haul))
        _verify(haul)
    return haul


def edit_haul(
    haul: Haul, *, title: str | None = None, snippet: str | None = None, tags: list[str] | None = None
) -> Haul:
    """Change the front matter; a draft's slug follows its title, a published haul keeps its address."""
    with transaction.atomic():
        _set_header(
            haul,
            haul.title if title is None else title,
            haul.snippet if snippet is None else snippet,
            haul.tag_names() if tags is None else tags,
        )
        _verify(haul)
    return haul


def publish(haul: Haul, at: dt.datetime | None = None) -> Haul:
    """Publish now, or at ``at``; a published haul keeps its date unless one is given."""
    if not haul.items.exists():
        raise InputError(f"haul {haul.number} has no items: add one before publishing")
    if at is None:
        kept = haul.published_at if haul.status == Haul.Status.PUBLISHED else None
        at = kept or timezone.now()
    with transaction.atomic():
        haul.status = Haul.Status.PUBLISHED
        # The post format keeps milliseconds: a finer date would not read back as itself.
        haul.published_at = at.replace(microsecond=at.microsecond // 1000 * 1000)
        _changed(haul)
    return haul


def unpublish(haul: Haul) -> Haul:
    """Back to a draft; the date goes too, as a post without ``published_at`` is a draft."""
    with transaction.atomic():
        haul.status = Haul.Status.DRAFT
        haul.published_at = None
        _changed(haul)
    return haul


def parse_when(text: str) -> dt.datetime:
    """An ISO 8601 date or date-time (``--at``); one without a zone is UTC, as in the post format."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"not an ISO 8601 date or date-time: {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# -- blocks -------------------------------------------------------------------------------------


def blocks(haul: Haul) -> list[Block]:
    """Sections and items in post order."""
    found: list[Block] = [*haul.sections.all(), *haul.items.select_related("paper", "section")]
    return sorted(found, key=lambda block: block.position)


def block_at(haul: Haul, place: int) -> Block:
    """The block at ``place`` (from 1)."""
    found = blocks(haul)
    if not 1 <= place <= len(found):
        raise InputError(f"haul {haul.number} has no block {place}: it has {len(found)}")
    return found[place - 1]


def find_section(haul: Haul, heading: str) -> HaulSection:
    """The section of this heading (case does not matter)."""
    matches = [s for s in haul.sections.all() if s.heading.casefold() == heading.strip().casefold()]
    if not matches:
        known = ", ".join(repr(s.heading) for s in haul.sections.all() if s.heading) or "none"
        raise InputError(f"haul {haul.number} has no section {heading!r} (sections: {known})")
    if len(matches) > 1:
        raise InputError(f"haul {haul.number} has {len(matches)} sections called {heading!r}")
    return matches[0]


def add_item(haul: Haul, target: str, note: str = "", *, section: HaulSection | None = None) -> Added:
    """Add the paper at ``target`` (a URL, arXiv id or DOI) at the end of ``section`` or of the haul.

    The paper is found by identity, and fetched from its source when the library does not have it;
    the displayed title and abstract start come from the library, the note is the commentary.
    """
    if section is not None and section.haul_id != haul.pk:
        raise InputError(f"that section is not in haul {haul.number}")
    paper, url, fetched = _linked_paper(target)  # a fetch, if any, before the write transaction
    with transaction.atomic():
        item = _new_item(haul, paper, url, note)
        order = blocks(haul)
        order.remove(item)
        _arrange(haul, _insert(order, item, after=section))
        _verify(haul)
    return Added(item, fetched, check_item(item))


def _linked_paper(target: str) -> tuple[Paper, str, bool]:
    """The paper at ``target`` (fetched when the library lacks it), the address a haul links it by,
    and whether it was fetched."""
    target = target.strip()
    if _UNSAFE_IN_URL.search(target):
        raise InputError(f"not a usable link (spaces, quotes or angle brackets): {target[:100]!r}")
    if ids.canonical_key(target).startswith("title:"):
        raise InputError("a title is not enough to add a paper: give its URL, arXiv id or DOI")
    paper = find_paper(target)
    fetched = paper is None
    if paper is None:
        paper, _ = Library().upsert_one(fetch_record(target))
    url = target if re.match(r"https?://", target, re.IGNORECASE) else paper.url
    return paper, url, fetched


def _new_item(haul: Haul, paper: Paper, url: str, note: str) -> HaulItem:
    """The paper as a new item at the haul's end, not yet arranged among its blocks."""
    return HaulItem.objects.create(
        haul=haul,
        position=_free_position(haul),
        paper=paper,
        url=url if html.unescape(url) == url else html.escape(url),
        title=html.escape(clean_text(paper.title), quote=False) or url,
        abstract=html.escape(abstract_start(paper.abstract), quote=False),
        commentary=note.strip(),
    )


def abstract_start(abstract: str, limit: int = ABSTRACT_START_CHARS) -> str:
    """The abstract's first words, cut at a word boundary with "…" as the posts do."""
    text = clean_text(abstract)
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:-—") + "…"


def edit_item(
    item: HaulItem, *, title: str | None = None, abstract: str | None = None, commentary: str | None = None
) -> HaulItem:
    """Change what the post shows of a paper; the title and abstract are HTML text, as in the posts."""
    if title is not None and not title.strip():
        raise InputError("an item needs a title")
    with transaction.atomic():
        for name, value in (("title", title), ("abstract", abstract), ("commentary", commentary)):
            if value is not None:
                setattr(item, name, value.strip())
        item.save()
        _changed(item.haul)
        _verify(item.haul)
    return item


def add_section(
    haul: Haul, heading: str, *, level: int = 2, body: str = "", place: int | None = None
) -> HaulSection:
    """A free Markdown section at ``place`` (from 1), else at the end of the haul."""
    with transaction.atomic():
        section = HaulSection(haul=haul, position=_free_position(haul))
        _set_section(section, heading, level, body)
        order = blocks(haul)
        order.remove(section)
        index = len(order) if place is None else _index(order, place, extra=1)
        _arrange(haul, [*order[:index], section, *order[index:]])
        _verify(haul)
    return section


def edit_section(
    section: HaulSection, *, heading: str | None = None, level: int | None = None, body: str | None = None
) -> HaulSection:
    with transaction.atomic():
        _set_section(
            section,
            section.heading if heading is None else heading,
            section.level if level is None else level,
            section.body if body is None else body,
        )
        _verify(section.haul)
    return section


def move_block(haul: Haul, place: int, to: int) -> Block:
    """Move the block at ``place`` to ``to`` (both from 1); items follow the sections they land under."""
    with transaction.atomic():
        order = blocks(haul)
        block = order.pop(_index(order, place, extra=0))
        index = _index(order, to, extra=1)
        _arrange(haul, [*order[:index], block, *order[index:]])
        _verify(haul)
    return block


def remove_block(haul: Haul, place: int) -> Block:
    """Remove a block; a removed section's items join the section above it."""
    with transaction.atomic():
        order = blocks(haul)
        block = order.pop(_index(order, place, extra=0))
        block.delete()
        _arrange(haul, order)
        _verify(haul)
    return block


# -- helpers ------------------------------------------------------------------------------------


def _set_header(haul: Haul, title: str, snippet: str, tags: list[str]) -> None:
    title, snippet = title.strip(), snippet.strip()
    tags = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    if not title:
        raise InputError("a haul needs a title")
    for name, value in [("title", title), ("snippet", snippet), *(("tag", tag) for tag in tags)]:
        if "\n" in value or "\r" in value:
            raise InputError(f"the {name} must be one line")
    if any("," in tag for tag in tags):
        raise InputError("a tag cannot hold a comma (the post lists tags separated by commas)")
    written = NUMBER_IN_TITLE.search(title)
    if written and int(written.group(1)) != haul.number:
        raise InputError(f"the title says ~{written.group(1)} but this is haul {haul.number}")
    haul.title, haul.snippet = title, snippet
    if haul.status != Haul.Status.PUBLISHED:
        haul.slug = unique_haul_slug(title, haul.number)
    _changed(haul)
    set_tags(haul, tags)


def _set_section(section: HaulSection, heading: str, level: int, body: str) -> None:
    heading = heading.strip()
    if "\n" in heading or "\r" in heading:
        raise InputError("a heading must be one line")
    if level not in (0, 1, 2):
        raise InputError(f"a section's level is 1 (#), 2 (##) or 0 (no heading), not {level}")
    if bool(heading) != bool(level):
        raise InputError("a section has a heading with level 1 or 2, or no heading with level 0")
    section.heading, section.level, section.body = heading, level, body.strip()
    section.save()
    HaulMention.objects.filter(section=section).delete()
    write_mentions(section.haul, section)
    _changed(section.haul)


def _changed(haul: Haul) -> None:
    """Save the haul as edited: its import hash no longer describes it (module docstring)."""
    haul.source_hash = ""
    haul.save()


def _free_position(haul: Haul) -> int:
    """A position no block of the haul holds, for a block about to be placed by _arrange."""
    top = [
        haul.sections.aggregate(top=Max("position"))["top"],
        haul.items.aggregate(top=Max("position"))["top"],
    ]
    return max((t for t in top if t is not None), default=-1) + 1


def _index(order: list[Block], place: int, *, extra: int) -> int:
    """The list index of ``place`` (from 1), which may be up to ``extra`` past the end."""
    last = len(order) + extra
    if not 1 <= place <= last:
        span = f"places go from 1 to {last}" if last else "the haul has no blocks yet"
        raise InputError(f"no block {place}: {span}")
    return place - 1


def _insert(order: list[Block], item: HaulItem, *, after: HaulSection | None) -> list[Block]:
    """``order`` with the item at the end of the section ``after`` (of the haul when None)."""
    if after is None:
        return [*order, item]
    start = next(i for i, b in enumerate(order) if isinstance(b, HaulSection) and b.pk == after.pk)
    end = next((i for i in range(start + 1, len(order)) if isinstance(order[i], HaulSection)), len(order))
    return [*order[:end], item, *order[end:]]


def _arrange(haul: Haul, order: list[Block]) -> None:
    """Give the blocks positions 0… in this order and each item the section above it.

    Positions are unique per table, so every block first moves past the highest one in use,
    where no final position can collide with a current one.
    """
    offset = _free_position(haul) + len(order) + 1
    HaulSection.objects.filter(haul=haul).update(position=F("position") + offset)
    HaulItem.objects.filter(haul=haul).update(position=F("position") + offset)
    section: HaulSection | None = None
    for position, block in enumerate(order):
        block.position = position
        if isinstance(block, HaulSection):
            section = block
        else:
            block.section = section
    HaulSection.objects.bulk_update([b for b in order if isinstance(b, HaulSection)], ["position"])
    HaulItem.objects.bulk_update([b for b in order if isinstance(b, HaulItem)], ["position", "section"])
    _changed(haul)


def _verify(haul: Haul) -> None:
    """Refuse a change whose Markdown would not read back as the haul (module docstring)."""
    expected = _comparable(document_of(haul))
    try:
        parsed = _comparable(parse_haul(render(haul, "md"), f"haul-{haul.number}.md"))
    except RecordError as exc:
        raise InputError(f"that change would not read back from the haul's Markdown: {exc.reason}") from exc
    if parsed == expected:
        return
    if parsed.front != expected.front or parsed.number != expected.number:
        raise InputError("the haul's title, snippet or tags would not read back from its Markdown")
    place = next(
        (i + 1 for i, (a, b) in enumerate(zip(parsed.blocks, expected.blocks, strict=False)) if a != b),
        min(len(parsed.blocks), len(expected.blocks)) + 1,
    )
    raise InputError(
        f"that change would not read back from the haul's Markdown at block {place}: a line that is a "
        "# or ## heading, <hr/> or a paper block inside a text, or a section without heading right "
        "under a section or an open commentary, changes the post's structure"
    )


def _comparable(doc: ParsedHaul) -> ParsedHaul:
    """The document without item keys: the link is compared as written, its key is the library's."""
    blocks_ = tuple(dataclasses.replace(b, key="") if isinstance(b, ParsedItem) else b for b in doc.blocks)
    return dataclasses.replace(doc, blocks=blocks_)
