"""What the citation writers (bibtex.py, ris.py) share: what a researcher's own reference file
said of a paper, the paper's year, and whether a venue is a conference's."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice

from paperhaul.papers import ids
from paperhaul.papers.models import Paper, SourceRecord

# The sources of reference files (papers/ingest/bibtex_file.py, ris_file.py).
REFERENCE_SOURCES = ("bibtex", "ris")
_CHUNK = 1000
_CITATION_KEY_RE = re.compile(r"[^\s,{}\"#%'()=\\~]+")
_PROCEEDINGS_RE = re.compile(r"\b(proceedings|proc\.|conference|workshop|symposium)\b", re.I)


def with_citations(papers: Iterable[Paper]) -> Iterator[tuple[Paper, dict]]:
    """Each paper with what a reference file the library imported said of it (see as_cited),
    looked up a thousand papers at a time."""
    iterator = iter(papers)
    while chunk := list(islice(iterator, _CHUNK)):
        cited = as_cited([paper.pk for paper in chunk])
        for paper in chunk:
            yield paper, cited.get(paper.pk, {})


def as_cited(paper_ids: list[int]) -> dict[int, dict]:
    """What the researcher's own reference files said of each paper they named: its BibTeX
    ``citation_key`` and its ``year`` (the latest import's, when several named it)."""
    cited: dict[int, dict] = {}
    rows = SourceRecord.objects.filter(source__in=REFERENCE_SOURCES, paper_id__in=paper_ids)
    for paper_id, source, data in rows.order_by("fetched_at", "id").values_list("paper_id", "source", "data"):
        data = data or {}
        own = cited.setdefault(paper_id, {})
        key = data.get("citation_key")
        if source == "bibtex" and isinstance(key, str) and _CITATION_KEY_RE.fullmatch(key):
            own["citation_key"] = key
        if type(year := data.get("year")) is int and 0 < year < 10000:
            own["year"] = year
    return cited


def year_of(paper: Paper, cited: dict) -> int | None:
    """The year to cite: of the first version, of the arXiv id, or as the reference file gave it."""
    if paper.published:
        return paper.published.year
    if month := ids.arxiv_month(paper.key):
        return month.year
    return cited.get("year")


def is_proceedings(venue: str) -> bool:
    return bool(_PROCEEDINGS_RE.search(venue))
