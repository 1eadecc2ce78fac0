"""How often each paper is cited, as Semantic Scholar last said: the counts that
sync.sync_citation_counts (`paperhaul sync semantic-scholar`) keeps in the papers' source records."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from paperhaul.papers.ingest import semantic_scholar
from paperhaul.papers.models import Paper, SourceRecord

STALE_DAYS = 7


def counts_of(paper: Paper) -> dict[str, Any] | None:
    """The paper's citation counts as last fetched (count, influential, when, the page on Semantic
    Scholar), or None when they never were."""
    row = (
        SourceRecord.objects.filter(paper=paper, source=semantic_scholar.SOURCE)
        .order_by("-fetched_at")
        .values_list("fetched_at", "data")
        .first()
    )
    if row is None or not isinstance(row[1], dict) or "citations" not in row[1]:
        return None
    fetched_at, data = row
    return {
        "count": data["citations"],
        "influential": data.get("influential_citations"),
        "source": "Semantic Scholar",
        "as_of": timezone.localtime(fetched_at).date().isoformat(),
        "url": semantic_scholar.page_url(data["paper_id"]) if data.get("paper_id") else "",
    }


def citation_counts(paper_ids: list[int]) -> dict[int, int]:
    """The citation count of each of the papers that has one (a search sorted by citations)."""
    rows = SourceRecord.objects.filter(paper_id__in=paper_ids, source=semantic_scholar.SOURCE)
    counts = {}
    for paper_id, data in rows.values_list("paper_id", "data"):
        count = data.get("citations") if isinstance(data, dict) else None
        if type(count) is int:
            counts[paper_id] = count
    return counts
