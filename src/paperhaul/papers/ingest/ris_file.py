"""RIS files: references as Zotero, Mendeley, EndNote and publishers' "Download citation" write them.

A record runs from its ``TY  -`` line to its ``ER  -`` line; rispy reads the tags of each record
(continuation lines, repeated tags, ``UR`` lists), and this module finds the records' lines, so
that a record left open (no ``ER``) is an error naming its line while the others are read.
The paper is found as in every reference file (references.py): an arXiv id in the DOI, a link,
a note or the journal (Google Scholar writes "arXiv preprint arXiv:1706.03762"), then the DOI,
a link, the title. Authors come family name first (``Vaswani, Ashish``) and are turned round. A
date to the day (``DA``/``Y1`` ``2017/06/12/``) is the publication date; a year alone is kept in
``extra`` with the record's type and ``ID``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import rispy

from paperhaul.errors import InputError, RecordError
from paperhaul.papers import ids
from paperhaul.papers.ingest.references import (
    UnusableReference,
    arxiv_ids_in,
    full_date,
    given_name_first,
    is_arxiv_venue,
    reference_key,
)
from paperhaul.papers.records import PaperRecord, ParsedRecord, clean_text, payload_hash

SOURCE = "ris"
_TAG_RE = re.compile(r"([A-Z][A-Z0-9])  -(?: |$)")
_YEAR_RE = re.compile(r"(\d{4})")


def read_ris(text: str, path: str = "") -> Iterator[ParsedRecord]:
    """Records of a RIS document, in file order; a malformed record yields a RecordError.

    Raises InputError at once when the text holds no RIS record (``TY  - ...``) at all.
    """
    chunks = list(_records(text.lstrip("\ufeff").splitlines()))
    if not chunks:
        raise InputError(f"no RIS records (TY  - ... ER  -) in {path or 'the text'}")
    return _parsed(chunks, path)


def _records(lines: list[str]) -> Iterator[tuple[int, list[str], bool]]:
    """(line number of TY, the record's lines, whether an ER closed it), for every record."""
    start, record = 0, []
    for number, line in enumerate(lines, 1):
        tag = _TAG_RE.match(line)
        if tag and tag.group(1) == "TY":
            if record:
                yield start, record, False
            start, record = number, [line]
        elif record:
            record.append(line)
            if tag and tag.group(1) == "ER":
                yield start, record, True
                record = []
    if record:
        yield start, record, False


def _parsed(chunks: list[tuple[int, list[str], bool]], path: str) -> Iterator[ParsedRecord]:
    for line, lines, closed in chunks:
        if not closed:
            yield RecordError("record not closed by an ER line", line=line, path=path)
            continue
        (fields,) = rispy.loads("\n".join(lines))
        try:
            yield _record(fields, "\n".join(lines))
        except (_BadRecord, UnusableReference) as exc:
            yield RecordError(f"record {fields.get('type_of_reference', '')}: {exc}", line=line, path=path)


class _BadRecord(Exception):
    """Why one record is unusable; becomes a RecordError with its line number."""


def _record(fields: dict[str, Any], raw: str) -> PaperRecord:
    title = clean_text(_first(fields, "title", "primary_title"))
    if not title:
        raise _BadRecord("no title (TI)")
    urls = [url.strip() for url in fields.get("urls", []) if url.strip()]
    doi_field = _first(fields, "doi")
    venue = _first(fields, "journal_name", "alternate_title3", "secondary_title")
    notes = " ".join(fields.get("notes", []))
    hints = [doi_field, *urls, *arxiv_ids_in(notes), *arxiv_ids_in(venue)]
    key = reference_key(hints, (doi_field, *urls), title)
    doi = ids.doi_of(doi_field) or ""
    dated = _first(fields, "date", "publication_year")
    extra: dict[str, Any] = {"entry_type": _first(fields, "type_of_reference")}
    if identifier := _first(fields, "id"):
        extra["ris_id"] = identifier
    if year := _YEAR_RE.match(_first(fields, "year", "publication_year", "date")):
        extra["year"] = int(year.group(1))
    page = next((url for url in urls if not url.lower().endswith(".pdf")), "")
    return PaperRecord(
        source=SOURCE,
        key=key,
        title=title,
        abstract=clean_text(_first(fields, "abstract", "notes_abstract")),
        authors=tuple(
            given_name_first(clean_text(name))
            for name in [*fields.get("authors", []), *fields.get("first_authors", [])]
            if name.strip()
        ),
        published=full_date(dated),
        doi="" if doi.startswith("10.48550/arxiv.") else doi,
        journal_ref="" if is_arxiv_venue(venue) else clean_text(venue),
        abs_url=page if key.startswith("url:") else "",
        pdf_url=next((url for url in urls if url.lower().endswith(".pdf")), ""),
        extra=extra,
        payload_hash=payload_hash(raw),
    )


def _first(fields: dict[str, Any], *names: str) -> str:
    """The first of these fields that has text (a repeated tag gives its first value)."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, list):
            value = next((v for v in value if v.strip()), "")
        if value and value.strip():
            return value.strip()
    return ""
