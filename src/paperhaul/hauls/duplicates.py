"""The duplicate check of a haul: papers covered before, and papers added twice (issue 5).

A curator adding a paper wants to know, before publishing, whether readers have already seen it.
Identity is the library's: every URL form of one arXiv paper resolves to one Paper row (papers/ids.py),
so "the same paper" is the same row. Two rows can still be one work (an arXiv preprint and its ACL
version, a paper and its blog post): the library reports those as possible duplicates, and here
titles are compared with the library's normalisation and similarity threshold (papers/duplicates.py),
so a near-identical title covered before is reported too, never merged.

"Before" means an earlier published haul: for a draft, every published haul; for a published haul,
those published before it (same date: lower number). Findings are typed so the CLI, the studio and
JSON share them; adding a paper still succeeds, a finding only warns.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Q, QuerySet
from django.utils.html import strip_tags

from paperhaul.hauls.models import Haul, HaulItem, HaulMention
from paperhaul.papers.duplicates import NEAR_RATIO
from paperhaul.papers.ids import normalise_title
from paperhaul.papers.models import Paper, PossibleDuplicate

COVERED = "covered"  # the same paper is an item of an earlier haul
MENTIONED = "mentioned"  # the same paper is linked from a section of an earlier haul
SIMILAR = "similar"  # a different paper that may be the same work, covered or mentioned before
REPEATED = "repeated"  # the same paper is already an item of this haul
KINDS = (COVERED, MENTIONED, SIMILAR, REPEATED)


@dataclass(frozen=True)
class Finding:
    """One thing the curator should look at before publishing.

    ``block`` is the item's place in this haul, counted from 1 as `paperhaul haul show` lists
    blocks (None for a paper not added yet); ``other_*`` describe where it was seen: the other
    haul (this one for REPEATED), its section, the block there (None for a mention), the paper.
    """

    kind: str
    message: str
    paper_key: str
    title: str
    block: int | None
    other_number: int
    other_title: str
    other_published_at: dt.datetime | None
    other_section: str
    other_block: int | None
    other_paper_key: str
    other_url: str

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "paper": self.paper_key,
            "title": self.title,
            "block": self.block,
            "other": {
                "haul": self.other_number,
                "title": self.other_title,
                "published_at": self.other_published_at.isoformat() if self.other_published_at else None,
                "section": self.other_section,
                "block": self.other_block,
                "paper": self.other_paper_key,
                "url": self.other_url,
            },
        }


@dataclass(frozen=True)
class _Seen:
    """A paper where it was seen: an item (with its block) or a mention (block None)."""

    haul: Haul
    paper: Paper
    section: str
    block: int | None
    url: str
    titles: frozenset[str]

    @property
    def mention(self) -> bool:
        return self.block is None


def check_haul(haul: Haul) -> list[Finding]:
    """Every finding of the haul in post order; a pair inside the haul is reported on its later item."""
    check = _Check(haul)
    findings: list[Finding] = []
    for index, entry in enumerate(check.entries):
        findings += check.findings(entry, check.entries[:index])
    return findings


def check_item(item: HaulItem) -> list[Finding]:
    """The findings about one item: earlier hauls and every other item of its haul."""
    check = _Check(item.haul)
    entry = next(e for e in check.entries if e.block == item.position + 1)
    return check.findings(entry, [e for e in check.entries if e is not entry])


def check_paper(haul: Haul, paper: Paper) -> list[Finding]:
    """The findings a paper would have if it were added to the haul now."""
    check = _Check(haul)
    candidate = _Seen(haul, paper, "", None, paper.url, _titles(paper.title_norm))
    return check.findings(candidate, check.entries)


def earlier_hauls(haul: Haul) -> QuerySet[Haul]:
    """Published hauls before this one (all published hauls when it is a draft)."""
    published = Haul.objects.filter(status=Haul.Status.PUBLISHED).exclude(pk=haul.pk)
    if haul.status != Haul.Status.PUBLISHED or haul.published_at is None:
        return published
    at = haul.published_at
    return published.filter(Q(published_at__lt=at) | Q(published_at=at, number__lt=haul.number))


class _Check:
    """What one check needs, loaded once: the haul's items and everything seen in earlier hauls."""

    def __init__(self, haul: Haul) -> None:
        self.haul = haul
        items = haul.items.select_related("paper", "section").order_by("position")
        self.entries = [_item_seen(item) for item in items]
        earlier = earlier_hauls(haul)
        before = HaulItem.objects.filter(haul__in=earlier).select_related("haul", "paper", "section")
        mentions = HaulMention.objects.filter(haul__in=earlier).select_related("haul", "paper", "section")
        self.earlier = [_item_seen(item) for item in before] + [_mention_seen(m) for m in mentions]
        self.earlier.sort(key=lambda s: (_when(s.haul), s.haul.number, s.block or 0))
        self.by_paper: dict[int, list[_Seen]] = defaultdict(list)
        for seen in self.earlier:
            self.by_paper[seen.paper.pk].append(seen)
        self.partners = _possible_duplicates({e.paper.pk for e in self.entries})

    def findings(self, entry: _Seen, same_haul: list[_Seen]) -> list[Finding]:
        found: list[Finding] = []
        first = next((other for other in same_haul if other.paper.pk == entry.paper.pk), None)
        if first is not None:
            found.append(_finding(REPEATED, entry, first, "is already in this haul"))
        for seen in self.by_paper.get(entry.paper.pk, []):
            kind, verb = (MENTIONED, "was mentioned in") if seen.mention else (COVERED, "was covered in")
            found.append(_finding(kind, entry, seen, f"{verb} {_haul_label(seen)}"))
        reported: set[tuple[int, int]] = set()
        for seen in [*self.earlier, *same_haul]:
            if seen.paper.pk == entry.paper.pk or (seen.haul.pk, seen.paper.pk) in reported:
                continue
            reason = self.similarity(entry, seen)
            if reason:
                reported.add((seen.haul.pk, seen.paper.pk))
                where = "this haul" if seen.haul.pk == self.haul.pk else _haul_label(seen)
                verb = "mentioned in" if seen.mention else "covered in"
                text = f"may be the same work as {_quoted(seen.paper.title)} ({reason}), {verb} {where}"
                found.append(_finding(SIMILAR, entry, seen, text))
        return found

    def similarity(self, entry: _Seen, seen: _Seen) -> str:
        """Why two different papers may be one work ("" when they do not look alike)."""
        reason = self.partners.get(frozenset((entry.paper.pk, seen.paper.pk)))
        if reason:
            return f"the library reports: {reason}"
        best = max((_ratio(a, b) for a in entry.titles for b in seen.titles), default=0.0)
        if best >= 1.0:
            return "same title"
        return f"near-identical title, {best:.2f}" if best >= NEAR_RATIO else ""


def _item_seen(item: HaulItem) -> _Seen:
    displayed = normalise_title(html.unescape(strip_tags(item.title)))
    section = item.section.heading if item.section else ""
    return _Seen(
        item.haul, item.paper, section, item.position + 1, item.url, _titles(item.paper.title_norm, displayed)
    )


def _mention_seen(mention: HaulMention) -> _Seen:
    titles = _titles(mention.paper.title_norm)
    return _Seen(mention.haul, mention.paper, mention.section.heading, None, mention.url, titles)


def _titles(*norms: str) -> frozenset[str]:
    return frozenset(n for n in norms if n)


def _possible_duplicates(paper_ids: set[int]) -> dict[frozenset[int], str]:
    """Open possible-duplicate reports of the library touching these papers, by pair."""
    rows = PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN).filter(
        Q(paper_id__in=paper_ids) | Q(other_id__in=paper_ids)
    )
    return {frozenset((r.paper_id, r.other_id)): r.reason for r in rows}


def _ratio(one: str, two: str) -> float:
    if one == two:
        return 1.0
    matcher = SequenceMatcher(None, one, two, autojunk=False)
    if matcher.real_quick_ratio() < NEAR_RATIO or matcher.quick_ratio() < NEAR_RATIO:
        return 0.0
    return matcher.ratio()


def _finding(kind: str, entry: _Seen, seen: _Seen, text: str) -> Finding:
    here = f"block {entry.block}" if entry.block else "new item"
    title = entry.paper.title
    where = f", block {seen.block}" if seen.block else ""
    section = f' in "{seen.section}"' if seen.section else ""
    linked = f" (linked as {seen.url})" if kind != SIMILAR and seen.url != entry.url else ""
    return Finding(
        kind=kind,
        message=f"{here} {_quoted(title)} {text}{where}{section}{linked}",
        paper_key=entry.paper.key,
        title=title,
        block=entry.block,
        other_number=seen.haul.number,
        other_title=seen.haul.title,
        other_published_at=seen.haul.published_at,
        other_section=seen.section,
        other_block=seen.block,
        other_paper_key=seen.paper.key,
        other_url=seen.url,
    )


def _haul_label(seen: _Seen) -> str:
    when = f"{seen.haul.published_at:%Y-%m-%d}" if seen.haul.published_at else "undated"
    return f"haul {seen.haul.number} {_quoted(seen.haul.title)} ({when})"


def _quoted(text: str) -> str:
    short = text if len(text) <= 80 else text[:79] + "…"
    return f'"{short}"'


def _when(haul: Haul) -> dt.datetime:
    return haul.published_at or dt.datetime.max.replace(tzinfo=dt.UTC)
