"""RIS: papers as Zotero, Mendeley and EndNote import them (``paperhaul export ris``).

A preprint is written as Google Scholar writes one (``TY  - JOUR`` with ``JO  - arXiv preprint
arXiv:1706.03762``): reference managers file it as the arXiv paper and paperhaul reads it back
as the same one. A paper with a venue is ``CONF`` (a conference, workshop or proceedings, the
venue in ``T2``) or ``JOUR`` (``JO``), a web page ``ELEC``, anything else ``GEN``. Authors are
written family name first (``Vaswani, Ashish``), as RIS wants them; the date to the day in
``DA`` when it is known, the year in ``PY``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import rispy
from bibtexparser.middlewares.names import parse_single_name_into_parts

from paperhaul.papers.citations import is_proceedings, with_citations, year_of
from paperhaul.papers.models import Paper

MEDIA_TYPE = "application/x-research-info-systems; charset=utf-8"


class _Writer(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # rispy numbers records ("1."), a line no RIS reader expects


_WRITER = _Writer()


def entries(papers: Iterable[Paper], notes: Mapping[int, str] | None = None) -> Iterator[str]:
    """One RIS record per paper in the given order, a blank line before each but the first;
    ``notes`` (a reader's, by paper id) go in the records' notes (``N1``)."""
    separator = ""
    for paper, own in with_citations(papers):
        record = reference(paper, year_of(paper, own), (notes or {}).get(paper.pk, ""))
        yield separator + _WRITER.formats([record])
        separator = "\n"


def bibliography(papers: Iterable[Paper], notes: Mapping[int, str] | None = None) -> str:
    """The records of ``papers`` as one .ris text."""
    return "".join(entries(papers, notes))


def reference(paper: Paper, year: int | None, note: str = "") -> dict[str, Any]:
    """The paper as rispy's record (its names for the RIS tags)."""
    kind, _, rest = paper.key.partition(":")
    fields: dict[str, Any] = {"title": _line(paper.title)}
    if paper.authors:
        fields["authors"] = [_family_name_first(name) for name in paper.authors]
    if kind == "arxiv":
        fields |= {"type_of_reference": "JOUR", "journal_name": f"arXiv preprint arXiv:{rest}"}
        if paper.journal_ref:
            fields["notes"] = [_line(paper.journal_ref)]
    elif paper.journal_ref and is_proceedings(paper.journal_ref):
        fields |= {"type_of_reference": "CONF", "secondary_title": _line(paper.journal_ref)}
    elif paper.journal_ref:
        fields |= {"type_of_reference": "JOUR", "journal_name": _line(paper.journal_ref)}
    else:
        fields["type_of_reference"] = "ELEC" if kind == "url" else "GEN"
    if year:
        fields["year"] = str(year)
    if paper.published:
        fields["date"] = paper.published.strftime("%Y/%m/%d/")
    if doi := paper.doi or (rest if kind == "doi" else ""):
        fields["doi"] = doi
    if paper.url:
        fields["urls"] = [paper.url]
    if paper.abstract:
        fields["abstract"] = _line(paper.abstract)
    if note:
        fields["notes"] = [*fields.get("notes", []), _line(note)]
    return fields


def _family_name_first(name: str) -> str:
    """ "Ashish Vaswani" as "Vaswani, Ashish" ("van der Berg, Anna", "Smith, John, Jr."); a name
    of one word (a group, an organisation) as it is."""
    parts = parse_single_name_into_parts(name, strict=False)
    if not parts.first:
        return _line(name)
    family = " ".join(parts.von + parts.last)
    written = f"{family}, {' '.join(parts.first)}"
    return _line(f"{written}, {' '.join(parts.jr)}" if parts.jr else written)


def _line(text: str) -> str:
    """One line: a line break would end the tag's value early."""
    return " ".join(text.split())
