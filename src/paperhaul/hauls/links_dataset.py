"""The hauls' part of the links dataset (DESIGN.md "Links dataset"): every link a published haul covers.

The dataset is regenerated from the library rather than edited by hand, so it cannot drift from
the posts: one entry per paper per published haul (a paper linked twice in one haul, say as
``abs/…`` and ``pdf/…v2``, is one entry), ``blog`` the haul's public address, ``src`` the link as
the post wrote it, ``title`` the displayed title as plain text, dates in ISO form. Entries come
oldest haul first, in post order, so two exports of one library are identical.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from paperhaul.hauls.models import Haul, HaulItem
from paperhaul.hauls.plaintext import plain_title
from paperhaul.hauls.publishing import haul_url, published_items


@dataclass(frozen=True)
class CoveredLink:
    """One dataset entry and the paper it resolves to (what tells two entries are one)."""

    paper_id: int
    entry: dict[str, str]


def covered_links() -> list[CoveredLink]:
    """The dataset entries of every published haul, oldest haul first, in post order."""
    urls: dict[int, str] = {}
    links = []
    for item in unique_per_haul(published_items()):
        haul = item.haul
        if haul.pk not in urls:
            urls[haul.pk] = haul_url(haul)
        entry = {
            "blog": urls[haul.pk],
            "src": html.unescape(item.url),
            "title": plain_title(item.title),
            "posted": utc_date(haul.published_at).isoformat(),
        }
        updated = updated_date(haul)
        if updated is not None:
            entry["updated"] = updated.isoformat()
        links.append(CoveredLink(item.paper_id, entry))
    return links


def unique_per_haul(items: Iterable[HaulItem]) -> Iterator[HaulItem]:
    """The items, less any later item of a haul for a paper that haul already had."""
    seen: set[tuple[int, int]] = set()
    for item in items:
        if (item.haul_id, item.paper_id) not in seen:
            seen.add((item.haul_id, item.paper_id))
            yield item


def utc_date(moment: dt.datetime) -> dt.date:
    """The calendar date of a moment in UTC, the zone the posts write ``published_at`` in."""
    return moment.astimezone(dt.UTC).date() if moment.tzinfo else moment.date()


def updated_date(haul: Haul) -> dt.date | None:
    """The day a published haul was last changed, when that is after the day it was published.

    A haul is stamped when it is imported too, so a change on the day it came into the library
    is not an update of the post: only one later than both the publication and the import is.
    """
    if haul.published_at is None:
        return None
    modified = utc_date(haul.modified_at)
    if modified > utc_date(haul.published_at) and modified > utc_date(haul.created_at):
        return modified
    return None
