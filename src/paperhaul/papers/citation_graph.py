"""Which papers of the library cite which.

When `paperhaul sync semantic-scholar` counts a paper's citations it also gets the list of papers
it cites (papers/ingest/semantic_scholar.py); each is kept by its arXiv or DOI key (Reference), not
as a link to a paper, so a paper cited before it enters the library is linked once it does, and
a merge (combine.py) keeps the links. A paper's page shows the papers of the library it cites and
those that cite it: a reader sees where it stands among what they follow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from paperhaul.papers.ids import key_kind, url_for_key
from paperhaul.papers.models import Identifier, Paper, Reference

SHOWN = 10


@dataclass(frozen=True)
class InLibrary:
    """The papers of the library a paper cites and those citing it, the newest SHOWN of each, and
    how many there are."""

    cites: list[Paper]
    cites_count: int
    cited_by: list[Paper]
    cited_by_count: int

    def __bool__(self) -> bool:
        return bool(self.cites or self.cited_by)


def record_references(cites: Mapping[int, Sequence[str]]) -> int:
    """Make the references of each paper (by id) these keys, adding and dropping what changed;
    returns how many references were added or dropped."""
    have: dict[int, set[str]] = {paper_id: set() for paper_id in cites}
    known = Reference.objects.filter(paper_id__in=list(cites))
    for paper_id, key in known.values_list("paper_id", "cited_key"):
        have[paper_id].add(key)
    added = [
        Reference(paper_id=paper_id, cited_key=key)
        for paper_id, keys in cites.items()
        for key in dict.fromkeys(keys)
        if key not in have[paper_id]
    ]
    Reference.objects.bulk_create(added, batch_size=1000, ignore_conflicts=True)
    dropped = 0
    for paper_id, keys in cites.items():
        gone = have[paper_id] - set(keys)
        if gone:
            dropped += Reference.objects.filter(paper_id=paper_id, cited_key__in=gone).delete()[0]
    return len(added) + dropped


def cited_papers(paper: Paper) -> QuerySet[Paper]:
    """The papers of the library that ``paper`` cites."""
    keys = Reference.objects.filter(paper=paper).values("cited_key")
    cited = Identifier.objects.filter(key__in=keys).values("paper_id")
    return Paper.objects.filter(pk__in=cited).exclude(pk=paper.pk)


def citing_papers(paper: Paper) -> QuerySet[Paper]:
    """The papers of the library that cite ``paper`` (by any of its keys)."""
    keys = Identifier.objects.filter(paper=paper).values("key")
    citing = Reference.objects.filter(cited_key__in=keys).values("paper_id")
    return Paper.objects.filter(pk__in=citing).exclude(pk=paper.pk)


def search_value(key: str) -> str:
    """How the search's ``cites:``/``citedby:`` operators name the paper of ``key``: its arXiv or DOI
    key, else its address."""
    return key if key_kind(key) in ("arxiv", "doi") else url_for_key(key)


def in_library(paper: Paper, shown: int = SHOWN, *, counted: bool = True) -> InLibrary:
    """``counted``: whether the paper's citations were ever counted; its references come with the
    count, so a paper never counted has none and the page skips asking (it may be cited)."""
    cites = _newest(cited_papers(paper), shown) if counted else []
    cited_by = _newest(citing_papers(paper), shown)
    return InLibrary(
        cites[:shown],
        len(cites) if len(cites) <= shown else cited_papers(paper).count(),
        cited_by[:shown],
        len(cited_by) if len(cited_by) <= shown else citing_papers(paper).count(),
    )


def _newest(papers: QuerySet[Paper], shown: int) -> list[Paper]:
    """One more than shown, so a count is asked for only when there are more."""
    newest = papers.order_by("-published", "-id").only("key", "title", "published", "abs_url")
    return list(newest[: shown + 1])
