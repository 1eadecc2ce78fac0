"""Where a paper was covered: the published hauls that have it as an item or mention it in a section."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from paperhaul.hauls.article import item_anchor
from paperhaul.hauls.models import Haul, HaulItem, HaulMention, HaulSection
from paperhaul.hauls.publishing import haul_path
from paperhaul.papers.models import Paper

_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Coverage:
    number: int
    title: str
    published_at: dt.datetime | None
    section: str  # the heading of the section the paper sits or is mentioned in ('' for none)
    mention: bool  # a later mention in a section, not an item of the haul
    path: str  # the haul page, at the paper's item for an item


def coverage(paper: Paper) -> list[Coverage]:
    """The paper's items and mentions in published hauls, oldest haul first.

    One plain query: every paper page shows this, and the two ORM queries it replaces (items and
    mentions, each with its haul and section) cost more to build than to run.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.number, h.title, h.published_at, h.slug, s.heading, x.position, x.mention FROM ("
            f" SELECT haul_id, section_id, position, 0 AS mention FROM {HaulItem._meta.db_table}"
            " WHERE paper_id = %s"
            f" UNION ALL SELECT haul_id, section_id, NULL, 1 FROM {HaulMention._meta.db_table}"
            " WHERE paper_id = %s"
            f") x JOIN {Haul._meta.db_table} h ON h.id = x.haul_id"
            f" LEFT JOIN {HaulSection._meta.db_table} s ON s.id = x.section_id WHERE h.status = %s",
            [paper.pk, paper.pk, Haul.Status.PUBLISHED],
        )
        rows = cursor.fetchall()
    found = [
        Coverage(
            number,
            title,
            _aware(published_at),
            heading or "",
            bool(mention),
            haul_path(Haul(slug=slug)) + ("" if mention else f"#{item_anchor(position)}"),
        )
        for number, title, published_at, slug, heading, position, mention in rows
    ]
    return sorted(found, key=lambda c: (c.published_at is None, c.published_at or _EARLIEST, c.number))


def _aware(value: dt.datetime | str | None) -> dt.datetime | None:
    """SQLite gives the haul's date-time as text, PostgreSQL as a value: an aware one either way."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value
