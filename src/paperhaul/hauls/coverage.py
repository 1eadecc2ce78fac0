"""Where a paper was covered: the published hauls that have it as an item or mention it in a section."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from paperhaul.hauls.article import item_anchor
from paperhaul.hauls.models import Haul, HaulItem, HaulMention
from paperhaul.hauls.publishing import haul_path
from paperhaul.papers.models import Paper


@dataclass(frozen=True)
class Coverage:
    number: int
    title: str
    published_at: dt.datetime | None
    section: str  # the heading of the section the paper sits or is mentioned in ('' for none)
    mention: bool  # a later mention in a section, not an item of the haul
    path: str  # the haul page, at the paper's item for an item


def coverage(paper: Paper) -> list[Coverage]:
    """The paper's items and mentions in published hauls, oldest haul first."""
    published = Haul.Status.PUBLISHED
    items = HaulItem.objects.filter(paper=paper, haul__status=published).select_related("haul", "section")
    mentions = HaulMention.objects.filter(paper=paper, haul__status=published).select_related(
        "haul", "section"
    )
    found = [_coverage(item, mention=False) for item in items]
    found += [_coverage(mention, mention=True) for mention in mentions]
    return sorted(found, key=lambda c: (c.published_at is None, c.published_at or dt.datetime.min, c.number))


def _coverage(row: HaulItem | HaulMention, *, mention: bool) -> Coverage:
    section = row.section.heading if row.section else ""
    path = haul_path(row.haul) + ("" if mention else f"#{item_anchor(row.position)}")
    return Coverage(row.haul.number, row.haul.title, row.haul.published_at, section, mention, path)
