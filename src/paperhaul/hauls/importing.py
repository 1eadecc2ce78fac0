"""`paperhaul import haul PATH...`: haul posts into the library and the haul tables.

Every file is parsed before anything is written, so a malformed post stops the import with
its line and leaves the database as it was. Posts are then stored oldest first, each in one
transaction: a link in a section ("Chatter about previous papers") can only mention a paper the
library already holds, and an older post covered it. Each item's link is resolved by identity
(papers.ids) through the one upsert service; a paper not in the library yet is created from
what the post shows (no network fetch), so a paper linked from several posts is one Paper.
A post whose text is unchanged (its hash) is skipped; a changed one replaces its haul's
sections, items and mentions in place.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import slugify

from paperhaul.errors import InputError
from paperhaul.hauls.document import ParsedHaul, ParsedItem, ParsedSection
from paperhaul.hauls.markdown import to_markdown
from paperhaul.hauls.models import Haul, HaulItem, HaulMention, HaulSection, HaulTag, Tag
from paperhaul.hauls.parse import parse_haul
from paperhaul.hauls.publishing import unique_haul_slug
from paperhaul.papers.ingest import files
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.records import PaperRecord, clean_text, payload_hash
from paperhaul.papers.upsert import Library
from paperhaul.progress import Bar

SOURCE = "haul"
_LINK = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.IGNORECASE)


@dataclass
class HaulImportStats:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    items: int = 0
    papers_added: int = 0
    mentions: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"hauls: added {self.added} / updated {self.updated} / unchanged {self.unchanged}; "
            f"items {self.items}; papers added {self.papers_added}; mentions {self.mentions}"
        )

    def as_json(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "items": self.items,
            "papers_added": self.papers_added,
            "mentions": self.mentions,
            "warnings": self.warnings,
        }


def haul_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and the ``*.md`` files of the folders named (not recursive)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.glob("*.md") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return found


def import_hauls(paths: Iterable[Path], *, bar: Bar | None = None) -> HaulImportStats:
    """Import haul posts from files and folders; see the module docstring for the rules."""
    bar = bar or Bar(None, None)
    posts = [(path, parse_haul(files.read_text(path), str(path))) for path in haul_files(paths)]
    stats = HaulImportStats()
    for _, parsed in posts:
        stats.warnings.extend(parsed.warnings)
    posts.sort(key=lambda post: (_oldest_first(post[1]), post[1].number))
    for done, (path, parsed) in enumerate(posts, start=1):
        outcome = store_haul(parsed, str(path), stats)
        setattr(stats, outcome, getattr(stats, outcome) + 1)
        bar.update(completed=done, total=len(posts), records=done, rate="-")
    return stats


def store_haul(parsed: ParsedHaul, source_path: str, stats: HaulImportStats) -> str:
    """Write one parsed post; returns "added", "updated" or "unchanged"."""
    digest = payload_hash(to_markdown(parsed))
    with transaction.atomic():
        haul = Haul.objects.select_for_update().filter(number=parsed.number).first()
        if haul is not None and haul.source_hash == digest:
            return "unchanged"
        outcome = "added" if haul is None else "updated"
        if haul is None:
            haul = Haul(number=parsed.number)
        else:
            haul.items.all().delete()
            haul.sections.all().delete()
        _set_header(haul, parsed, source_path, digest)
        library = Library()
        _write_blocks(haul, parsed, library, stats)
        stats.papers_added += library.stats.added
    return outcome


def _set_header(haul: Haul, parsed: ParsedHaul, source_path: str, digest: str) -> None:
    front = parsed.front
    haul.title = front.title
    haul.slug = unique_haul_slug(front.title, parsed.number)
    haul.published_at = front.published_at
    haul.snippet = front.snippet
    haul.status = Haul.Status.PUBLISHED if front.published_at else Haul.Status.DRAFT
    haul.extra_front_matter = [list(pair) for pair in front.extra]
    haul.source_path = source_path
    haul.source_hash = digest
    haul.save()
    set_tags(haul, front.tags)


def set_tags(haul: Haul, names: Iterable[str]) -> None:
    """The haul's tags are these, in this order; a tag no haul had yet is created."""
    HaulTag.objects.filter(haul=haul).delete()
    for position, name in enumerate(names):
        tag = Tag.objects.filter(name=name).first() or Tag.objects.create(
            name=name, slug=_unique_tag_slug(name)
        )
        HaulTag.objects.create(haul=haul, tag=tag, position=position)


def _write_blocks(haul: Haul, parsed: ParsedHaul, library: Library, stats: HaulImportStats) -> None:
    section: HaulSection | None = None
    for position, block in enumerate(parsed.blocks):
        if isinstance(block, ParsedSection):
            section = HaulSection.objects.create(
                haul=haul, position=position, heading=block.heading, level=block.level, body=block.body
            )
            stats.mentions += write_mentions(haul, section)
        else:
            paper, _ = library.upsert_one(_record(block, parsed.number))
            HaulItem.objects.create(
                haul=haul,
                section=section,
                position=position,
                paper=paper,
                url=block.url,
                title=block.title,
                abstract=block.abstract,
                commentary=block.commentary,
                closed=block.closed,
            )
            stats.items += 1


def _record(item: ParsedItem, number: int) -> PaperRecord:
    """What a post says about a paper: its link, the displayed title and abstract start."""
    target = html.unescape(item.url)
    return PaperRecord(
        source=SOURCE,
        key=item.key,
        title=clean_text(html.unescape(strip_tags(item.title))),
        source_id=f"{number}:{item.key}",
        abstract=clean_text(html.unescape(strip_tags(item.abstract))),
        extra={"haul": number, "url": target},
    )


def write_mentions(haul: Haul, section: HaulSection) -> int:
    """Mentions of library papers linked from the section's text; returns how many."""
    written = 0
    seen: set[int] = set()
    for match in _LINK.finditer(section.body):
        url = html.unescape(match.group(0).rstrip(".,;:!?*_"))
        paper = find_paper(url)
        if paper is None or paper.pk in seen:
            continue
        seen.add(paper.pk)
        HaulMention.objects.create(haul=haul, section=section, paper=paper, url=url)
        written += 1
    return written


def _unique_tag_slug(name: str) -> str:
    base = slugify(name)[:90] or "tag"
    slug, suffix = base, 2
    while Tag.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _oldest_first(parsed: ParsedHaul) -> dt.datetime:
    return parsed.front.published_at or dt.datetime.max.replace(tzinfo=dt.UTC)
