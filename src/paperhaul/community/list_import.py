"""Filling a shared list from a reference manager's export (BibTeX or RIS: Zotero, Mendeley,
JabRef, EndNote): a reading group's syllabus kept elsewhere becomes a list in one step.

The papers of the file the library has (by arXiv id, DOI, URL or exact title) go on the list in
the file's order. arXiv papers it lacks are fetched from arXiv's API (all of them in one request
per 2,000 ids, at arXiv's pace), so what a reader's file brings into the shared library is its
sources' own metadata, never the file's text. Papers it lacks that are named by a DOI or an
address are fetched from their sources after the import, by a task that puts each on the list as
it comes (list_fetching.py, up to MAX_FETCHED a file); entries known by their title alone are
named back, to be added by their address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from paperhaul.community import collections, list_fetching
from paperhaul.community.models import Collection
from paperhaul.errors import InputError, RecordError
from paperhaul.papers import ids
from paperhaul.papers.fetching import arxiv_client
from paperhaul.papers.ingest import arxiv_api
from paperhaul.papers.ingest.bibtex_file import read_bibtex
from paperhaul.papers.ingest.ris_file import read_ris
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.models import Paper
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library

READERS = {"bib": read_bibtex, "ris": read_ris}
NAMED_BACK = 20  # the missing and unreadable entries a message names (the counts say the rest)


@dataclass
class Filled:
    """What an import did: papers put on the list, already on it, fetched from arXiv first, left to
    fetch from their sources after it (``queued``), and the entries it could not use (known by
    their title alone, or unreadable)."""

    added: int = 0
    already: int = 0
    fetched: int = 0
    queued: int = 0
    missing: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.added} paper{'s' if self.added != 1 else ''} added to the list"]
        if self.fetched:
            parts.append(f"{self.fetched} of them fetched from arXiv")
        if self.already:
            parts.append(f"{self.already} already on it")
        if self.queued == 1:
            parts.append(
                "1 more, named by a DOI or an address, is being fetched and goes on the list when it comes"
            )
        elif self.queued:
            parts.append(
                f"{self.queued} more, named by a DOI or an address, are being fetched from their sources"
                " and go on the list as they come"
            )
        if self.missing:
            named = "; ".join(self.missing[:NAMED_BACK]) + ("; …" if len(self.missing) > NAMED_BACK else "")
            parts.append(f"{len(self.missing)} not in the library (add each by its address): {named}")
        if self.unreadable:
            named = "; ".join(self.unreadable[:NAMED_BACK]) + (
                "; …" if len(self.unreadable) > NAMED_BACK else ""
            )
            parts.append(f"{len(self.unreadable)} could not be read: {named}")
        return ", ".join(parts) + "."


def file_format(name: str, text: str) -> str:
    """``bib`` or ``ris``, by the file's extension, else by how its text begins."""
    extension = name.rpartition(".")[2].lower()
    if extension in READERS:
        return extension
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith("@") or start.startswith("%"):
        return "bib"
    if start[:2] == "TY":
        return "ris"
    raise InputError("not a BibTeX (.bib) or RIS (.ris) file")


def fill(user: AbstractBaseUser, collection: Collection, text: str, fmt: str) -> Filled:
    """Put the papers of a .bib or .ris text on the list, in the file's order (see the module)."""
    collections.check_editor(user, collection)
    filled = Filled()
    records: list[PaperRecord] = []
    for parsed in READERS[fmt](text):
        if isinstance(parsed, RecordError):
            filled.unreadable.append(str(parsed))
        else:
            records.append(parsed)
    room = collections.MAX_ITEMS - collection.items.count()
    if len(records) > room:
        raise InputError(f"the file has {len(records):,} papers; this list has room for {room:,} more")
    found = {id(record): _in_library(record) for record in records}
    fetched = _fetch_from_arxiv([r for r in records if found[id(r)] is None])
    filled.fetched = len(fetched)
    papers, later = [], []
    for record in records:
        paper = found[id(record)] or fetched.get(record.key)
        if paper is not None:
            papers.append(paper)
        elif list_fetching.fetchable(record) and len(later) < list_fetching.MAX_FETCHED:
            later.append(record)
        else:
            filled.missing.append(record.title[:120] or record.key)
    filled.added = collections.add_many(user, collection, papers)  # together, or none
    filled.already = len(papers) - filled.added
    filled.queued = len(later)
    list_fetching.start(user, collection, later)
    return filled


def _in_library(record: PaperRecord) -> Paper | None:
    for key in (record.key, *record.aliases):
        if ids.key_kind(key) != "title" and (paper := find_paper(key)):
            return paper
    return find_paper(record.title) if record.title else None


def _fetch_from_arxiv(records: list[PaperRecord]) -> dict[str, Paper]:
    """The arXiv papers among ``records``, fetched and stored, by the record's key."""
    wanted = {
        record.key.partition(":")[2]: record.key for record in records if ids.key_kind(record.key) == "arxiv"
    }
    if not wanted:
        return {}
    library = Library()
    with arxiv_client() as client:
        answers = list(arxiv_api.fetch_by_ids(client, settings.PAPERHAUL_ARXIV_API_URL, list(wanted)))
    fetched = {}
    for answer in answers:
        paper, _ = library.upsert_one(answer)
        asked = wanted.get(answer.key.partition(":")[2])
        if asked:
            fetched[asked] = paper
    return fetched
