"""Statistics of hauls: what one haul covers, and what the published hauls cover together.

The unit is a paper covered by a haul, as in the links dataset: a paper linked twice in one
haul counts once (links_dataset.unique_per_haul). Sources say where the links point (arXiv,
bioRxiv, GitHub, Hugging Face, …, else the web and blogs), domains the host of each link,
tags the hauls' tags and categories the covered papers' primary arXiv categories, where known.
The monthly counts run from the first published haul's month to the last one's, empty months
included, so a chart of them shows gaps as gaps. `paperhaul haul stats` and /hauls/stats/ both
show these, and nothing here counts a draft except the one haul asked for by number.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from paperhaul.hauls.chart import Bar, bar_chart
from paperhaul.hauls.links_dataset import unique_per_haul, utc_date
from paperhaul.hauls.models import Haul, HaulItem
from paperhaul.hauls.publishing import (
    haul_path,
    haul_url,
    public_tags,
    published_hauls,
    published_items,
    site_url,
    tag_path,
)

ARXIV = "arXiv"
OTHER = "web and blogs"
BIORXIV = "bioRxiv / medRxiv"
# Sources by the host of the link (a host or any of its subdomains), after arXiv and DOIs.
SOURCE_HOSTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (BIORXIV, ("biorxiv.org", "medrxiv.org")),
    ("GitHub", ("github.com",)),
    ("Hugging Face", ("huggingface.co",)),
    ("OpenReview", ("openreview.net",)),
    ("ACL Anthology", ("aclanthology.org",)),
    ("journals", ("nature.com", "cell.com", "science.org", "bmj.com", "ssrn.com", "springer.com",
                  "wiley.com", "acm.org", "ieee.org", "pnas.org", "plos.org", "sciencedirect.com")),
)  # fmt: skip


@dataclass(frozen=True)
class HaulRow:
    """A published haul in the list of items per haul."""

    number: int
    title: str
    published: dt.date | None
    items: int
    path: str


@dataclass(frozen=True)
class HaulStats:
    """One haul, draft or published."""

    number: int
    title: str
    status: str
    published: dt.date | None
    url: str
    items: int
    sections: int
    covered_before: int  # items whose paper an earlier published haul covered already
    sources: list[tuple[str, int]]
    domains: list[tuple[str, int]]
    tags: list[str]


@dataclass(frozen=True)
class SiteStats:
    """Every published haul together."""

    hauls: list[HaulRow]
    items: int
    papers: int
    sources: list[tuple[str, int]]
    domains: list[tuple[str, int]]
    tags: list[tuple[str, int, str]]  # name, hauls, page path
    categories: list[tuple[str, int]]
    per_month: list[tuple[str, int]]  # "YYYY-MM", papers covered by hauls published that month


def domain_of(url: str) -> str:
    """The host of a link as written in a post, without ``www.``."""
    host = urlsplit(html.unescape(url).strip()).hostname or ""
    return host.removeprefix("www.")


def source_of(key: str, url: str) -> str:
    """Where a covered link points: arXiv (any form of an arXiv link), a known host, else the web."""
    if key.startswith("arxiv:"):
        return ARXIV
    if key.startswith("doi:10.1101/"):
        return BIORXIV
    host = domain_of(url)
    for label, hosts in SOURCE_HOSTS:
        if any(host == known or host.endswith("." + known) for known in hosts):
            return label
    return "journals" if key.startswith("doi:") else OTHER


def haul_stats(haul: Haul) -> HaulStats:
    """One haul by itself, drafts included: the curator's view while composing it."""
    items = list(unique_per_haul(haul.items.select_related("paper").order_by("position")))
    earlier = published_hauls().exclude(pk=haul.pk)
    if haul.published_at is not None:
        earlier = earlier.filter(published_at__lt=haul.published_at)
    before = (
        HaulItem.objects.filter(haul__in=earlier, paper_id__in=[item.paper_id for item in items])
        .values("paper_id")
        .distinct()
        .count()
    )
    published = haul.status == Haul.Status.PUBLISHED
    return HaulStats(
        number=haul.number,
        title=haul.title,
        status=haul.status,
        published=utc_date(haul.published_at) if haul.published_at else None,
        url=haul_url(haul) if published else "",
        items=len(items),
        sections=haul.sections.count(),
        covered_before=before,
        sources=_sources(items),
        domains=_domains(items),
        tags=haul.tag_names(),
    )


def site_stats() -> SiteStats:
    """Every published haul together: what readers see on /hauls/stats/."""
    items = list(unique_per_haul(published_items()))
    per_haul = Counter(item.haul_id for item in items)
    hauls = [
        HaulRow(
            haul.number,
            haul.title,
            utc_date(haul.published_at) if haul.published_at else None,
            per_haul[haul.pk],
            haul_path(haul),
        )
        for haul in published_hauls()
    ]
    categories = Counter(item.paper.primary_category for item in items if item.paper.primary_category)
    return SiteStats(
        hauls=hauls,
        items=len(items),
        papers=len({item.paper_id for item in items}),
        sources=_sources(items),
        domains=_domains(items),
        tags=[
            (tag.name, tag.haul_count, tag_path(tag)) for tag in public_tags().order_by("-haul_count", "name")
        ],
        categories=_ranked(categories),
        per_month=_per_month(items),
    )


def month_chart(stats: SiteStats, chart_id: str = "haul-chart") -> str:
    """The papers covered per month as an SVG bar chart (hauls/chart.py)."""
    bars = []
    for index, (month, count) in enumerate(stats.per_month):
        first = dt.date.fromisoformat(month + "-01")
        tick = (f"{first:%b}", f"{first:%Y}") if index == 0 or first.month == 1 else (f"{first:%b}",)
        bars.append(Bar(f"{first:%B %Y}", tick, count))
    span = f", from {bars[0].label} to {bars[-1].label}" if bars else ""
    return bar_chart(
        bars,
        title="Papers covered per month",
        description=f"Papers covered by the published hauls, by the month each haul was published{span}.",
        x_label="Month of publication",
        y_label="Papers covered",
        unit="papers",
        chart_id=chart_id,
    )


def site_json(stats: SiteStats) -> dict:
    """`paperhaul haul stats --json`: counts as objects, in the order of the lists above."""
    return {
        "hauls": len(stats.hauls),
        "items": stats.items,
        "papers": stats.papers,
        "items_per_haul": [
            {
                "number": row.number,
                "title": row.title,
                "published": _iso(row.published),
                "items": row.items,
                "url": site_url() + row.path,
            }
            for row in stats.hauls
        ],
        "sources": dict(stats.sources),
        "domains": dict(stats.domains),
        "tags": {name: count for name, count, _ in stats.tags},
        "categories": dict(stats.categories),
        "per_month": dict(stats.per_month),
    }


def haul_json(stats: HaulStats) -> dict:
    """`paperhaul haul stats N --json`."""
    return {
        "number": stats.number,
        "title": stats.title,
        "status": stats.status,
        "published": _iso(stats.published),
        "url": stats.url or None,
        "items": stats.items,
        "sections": stats.sections,
        "covered_before": stats.covered_before,
        "sources": dict(stats.sources),
        "domains": dict(stats.domains),
        "tags": stats.tags,
    }


def site_text(stats: SiteStats) -> str:
    """What `paperhaul haul stats` prints: the same numbers as the web page, as aligned text."""
    lines = [
        f"{len(stats.hauls)} published hauls: {stats.items} items, {stats.papers} papers",
        "",
        "Items per haul",
    ]
    lines += [
        f"  ~{row.number:<5} {_iso(row.published) or '-':10}  {row.items:>4}  {row.title}"
        for row in stats.hauls
    ]
    lines += _counts("Sources", stats.sources, stats.items)
    lines += _counts("Domains (top 10)", stats.domains[:10], stats.items)
    lines += _counts("Tags (hauls)", [(name, count) for name, count, _ in stats.tags], 0)
    if stats.categories:
        lines += _counts("Categories", stats.categories, stats.items)
    lines += _counts("Papers covered per month", stats.per_month, 0)
    return "\n".join(lines) + "\n"


def haul_text(stats: HaulStats) -> str:
    """What `paperhaul haul stats N` prints."""
    when = f"published {_iso(stats.published)}" if stats.published else stats.status
    lines = [f"{stats.title} (~{stats.number}, {when})"]
    if stats.url:
        lines.append(stats.url)
    lines.append(
        f"items {stats.items} · sections {stats.sections} · covered in an earlier haul {stats.covered_before}"
    )
    lines.append("tags: " + (", ".join(stats.tags) or "-"))
    lines += _counts("Sources", stats.sources, stats.items)
    lines += _counts("Domains", stats.domains, stats.items)
    return "\n".join(lines) + "\n"


def _counts(heading: str, counts: list[tuple[str, int]], total: int) -> list[str]:
    """A heading and one aligned line per count, with its share of ``total`` when one is given."""
    width = max((len(name) for name, _ in counts), default=0)
    lines = ["", heading]
    for name, count in counts:
        share = f"  {100 * count / total:5.1f}%" if total else ""
        lines.append(f"  {name:<{width}}  {count:>5}{share}")
    return lines


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """Largest count first, then by name, so equal counts come in one order every time."""
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def _sources(items: Iterable[HaulItem]) -> list[tuple[str, int]]:
    return _ranked(Counter(source_of(item.paper.key, item.url) for item in items))


def _domains(items: Iterable[HaulItem]) -> list[tuple[str, int]]:
    return _ranked(Counter(domain_of(item.url) or "(no host)" for item in items))


def _per_month(items: list[HaulItem]) -> list[tuple[str, int]]:
    papers: dict[tuple[int, int], set[int]] = {}
    for item in items:
        day = utc_date(item.haul.published_at)
        papers.setdefault((day.year, day.month), set()).add(item.paper_id)
    if not papers:
        return []
    (year, month), last = min(papers), max(papers)
    months = []
    while (year, month) <= last:
        months.append((f"{year:04d}-{month:02d}", len(papers.get((year, month), ()))))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
