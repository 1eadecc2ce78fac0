"""Possible duplicates: two items with different keys that may be one paper.

The upsert reports items whose titles normalise to the same text, and items that claim one
identifier, as it writes them. `scan_near_titles` looks further, for titles that differ by a few
characters after normalisation (a typo, a subtitle's punctuation, "a survey" vs "survey"); it
compares each title with the 50 before it in sorted order that share its first word, in one
pass over the title index.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher

from django.db.models import Q

from paperhaul.papers.models import Paper, PossibleDuplicate

NEAR_RATIO = 0.93
BLOCK_WORDS = 1
MAX_BLOCK = 50
CHUNK = 5000


def report(one: int, two: int, reason: str) -> bool:
    """Record that papers ``one`` and ``two`` may be one; True when this is news."""
    low, high = sorted((one, two))
    _, created = PossibleDuplicate.objects.get_or_create(
        paper_id=low, other_id=high, defaults={"reason": reason}
    )
    return created


def dismiss_report(one: Paper, two: Paper) -> bool:
    """Answer the report about these two items: different papers. False when there is none."""
    reports = PossibleDuplicate.objects.filter(Q(paper=one, other=two) | Q(paper=two, other=one))
    return bool(reports.update(status=PossibleDuplicate.Status.DISMISSED))


def twins(paper: Paper) -> list[tuple[Paper, str]]:
    """The items reported as possibly this paper and not dismissed (an arXiv preprint's OpenReview
    or ACL Anthology version, and the other way round), with the reason, oldest report first."""
    open_reports = PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN)
    reports = open_reports.filter(Q(paper=paper) | Q(other=paper))
    return [
        (report.other if report.paper_id == paper.pk else report.paper, report.reason)
        for report in reports.select_related("paper", "other").order_by("pk")
    ]


def scan_near_titles(ratio: float = NEAR_RATIO, on_progress: Callable[[int], None] | None = None) -> int:
    """Report pairs of titles at least ``ratio`` similar; returns how many reports are new.
    ``on_progress`` is told how many titles were compared, every CHUNK of them."""
    new = 0
    block: list[tuple[int, str]] = []
    block_prefix: tuple[str, ...] | None = None
    rows = Paper.objects.exclude(title_norm="").order_by("title_norm").values_list("id", "title_norm")
    for done, (paper_id, title) in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
        if on_progress and done % CHUNK == 0:
            on_progress(done)
        prefix = tuple(title.split()[:BLOCK_WORDS])
        if prefix != block_prefix:
            block, block_prefix = [], prefix
        matcher = SequenceMatcher(None, "", title, autojunk=False)  # b is cached: the title
        for other_id, other in block:
            if other == title:
                continue  # equal titles were reported when they were written
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() >= ratio and matcher.quick_ratio() >= ratio:
                similarity = matcher.ratio()
                if similarity >= ratio:
                    new += report(paper_id, other_id, f"near-identical titles ({similarity:.2f})")
        block = [*block[-(MAX_BLOCK - 1) :], (paper_id, title)]
    return new
