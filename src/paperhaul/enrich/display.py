"""What a reader sees beside a paper in a list: its takeaway, its topics and how often it is cited,
for many papers at once.

Lists show thirty papers a page; reading each one's takeaway, topics and citation count would cost
three queries per item. for_papers() reads them for all the page's papers in three queries, and
attach() hangs the
result on each paper (``paper.enrichment``) so the list item template shared by every list
(papers/_item.html) shows them without a query of its own. A paper not attached shows neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from paperhaul.enrich.models import PaperTopic, Takeaway, Topic
from paperhaul.enrich.takeaways import shown
from paperhaul.papers.citation_counts import citation_counts
from paperhaul.papers.models import Paper


@dataclass(frozen=True)
class Enrichment:
    """The shown takeaway (None without one), the paper's topics, most confident first, and its
    citation count (None until counted, papers/citation_counts.py)."""

    takeaway: Takeaway | None
    topics: tuple[PaperTopic, ...]
    citations: int | None = None

    @property
    def made_how(self) -> str:
        """How the takeaway was made, in a few words for the note under it."""
        return made_how(self.takeaway) if self.takeaway else ""


NOTHING = Enrichment(None, ())


def made_how(takeaway: Takeaway) -> str:
    if takeaway.method == Takeaway.Method.PERSON:
        return "edited by a person"
    if takeaway.method == Takeaway.Method.LLM:
        return f"summarised by {takeaway.model}"
    if takeaway.method == Takeaway.Method.AUTHORS:
        return "the authors' TL;DR"
    if takeaway.method == Takeaway.Method.SEMANTIC_SCHOLAR:
        return "Semantic Scholar's TL;DR"
    return "extracted from the abstract"


def for_papers(paper_ids: Iterable[int], cited: dict[int, int] | None = None) -> dict[int, Enrichment]:
    """Each paper's takeaway, topics and citation count, in three queries whatever the number of
    papers (two when the caller gives the counts, having read them already: a paper's page does)."""
    ids = list(dict.fromkeys(paper_ids))
    if not ids:
        return {}
    takeaways = shown(ids)
    topics: dict[int, list[PaperTopic]] = {}
    for row in PaperTopic.objects.filter(paper_id__in=ids).select_related("topic"):
        topics.setdefault(row.paper_id, []).append(row)
    if cited is None:
        cited = citation_counts(ids)
    return {pid: Enrichment(takeaways.get(pid), tuple(topics.get(pid, ())), cited.get(pid)) for pid in ids}


def attach(papers: Sequence[Paper]) -> Sequence[Paper]:
    """Set ``paper.enrichment`` on each paper (for the list templates); returns the papers."""
    found = for_papers(paper.pk for paper in papers)
    for paper in papers:
        paper.enrichment = found.get(paper.pk, NOTHING)
    return papers


def main_topics(paper_keys: Iterable[str]) -> dict[str, Topic]:
    """Each paper's most confident topic, by paper key (papers without a topic are left out)."""
    first: dict[str, int] = {}
    for key, topic_id in PaperTopic.objects.filter(paper__key__in=list(paper_keys)).values_list(
        "paper__key", "topic_id"
    ):
        first.setdefault(key, topic_id)
    topics = Topic.objects.in_bulk(set(first.values()))
    return {key: topics[topic_id] for key, topic_id in first.items()}
