"""OpenReview (API 2, ``api2.openreview.net``): the papers of a venue, and one paper by its forum.

ICLR, NeurIPS, COLM, TMLR and many workshops review in the open on OpenReview; a venue's
accepted papers are the notes whose ``content.venueid`` is the venue's id
(``ICLR.cc/2025/Conference``, ``TMLR``), the papers still under review are in
``ICLR.cc/2026/Conference/Submission``, rejected and withdrawn ones in ``.../Rejected_Submission``
and ``.../Withdrawn_Submission``. ``GET /notes?content.venueid=ID&limit=1000&offset=N`` answers
``{"notes": [...], "count": N}``; ``GET /notes?id=FORUM`` answers one note. The venues before 2023
are in API 1 (``api.openreview.net``), which answers a note by its id in the same shape.

A note's content fields are ``{"value": ...}`` objects (API 1 wrote the value itself; both are
read). A paper is keyed by its forum page, ``url:https://openreview.net/forum?id=FORUM``, which
every link to its forum or PDF canonicalises to (ids.py). The venue as OpenReview shows it ("ICLR
2025 Oral") becomes the paper's comments, as arXiv authors write it there; the proceedings of its
BibTeX ("The Thirteenth International Conference on Learning Representations (2025)") its journal
reference; what the venue says beyond the paper (the venue id, keywords, the authors' TL;DR, the
primary area) goes to ``extra``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from paperhaul.errors import InputError, RecordError, SourceFormatError, SourceRejected
from paperhaul.papers import ids
from paperhaul.papers.ingest.bibtex_file import read_bibtex
from paperhaul.papers.ingest.http import HttpClient, error_document
from paperhaul.papers.records import PaperRecord, clean_text, payload_hash

SOURCE = "openreview"
SITE = "https://openreview.net"
# Notes a request: the most the API gives at once.
PAGE_SIZE = 1000
log = logging.getLogger(__name__)
_ANONYMOUS = ("Anonymous",)
_NOT_PUBLISHED = ("submitted to", "under review")


@dataclass(frozen=True)
class Page:
    """One page of a venue: its records and how many notes the venue has in all."""

    records: list[PaperRecord]
    count: int | None
    notes: int


def forum_url(forum: str) -> str:
    return f"{SITE}/forum?id={forum}"


def forum_of_key(key: str) -> str | None:
    """The forum id of a paper keyed by its OpenReview forum page, else None."""
    prefix = f"url:{SITE}/forum?id="
    return key[len(prefix) :] if key.startswith(prefix) else None


def venue_pages(client: HttpClient, base_url: str, venue_id: str) -> Iterator[Page]:
    """Every paper of ``venue_id``, a page (PAGE_SIZE notes) at a time, in the API's order."""
    offset, firsts = 0, set()
    while True:
        params = {"content.venueid": venue_id, "limit": PAGE_SIZE, "offset": offset}
        document = _get(client, _notes_url(base_url), params)
        notes = document["notes"]
        count = document.get("count") if isinstance(document.get("count"), int) else None
        first = notes[0].get("id") if notes and isinstance(notes[0], dict) else None
        if first is not None and first in firsts:  # a server that ignores the offset would never end
            raise SourceFormatError(
                f"OpenReview: the page at offset {offset} repeats an earlier one", url=base_url
            )
        firsts.add(first)
        yield Page(list(_records(notes)), count, len(notes))
        offset += len(notes)
        if len(notes) < PAGE_SIZE or (count is not None and offset >= count):
            return


def fetch_forum(client: HttpClient, base_urls: Sequence[str], forum: str) -> PaperRecord | None:
    """The paper of one forum from the first API that has it (API 2, then API 1, where the venues
    before 2023 live); None when none has it."""
    for base_url in base_urls:
        try:
            document = _get(client, _notes_url(base_url), {"id": forum})
        except SourceRejected as exc:
            if getattr(exc, "response", None) is not None and exc.response.status_code in (403, 404):
                continue
            raise
        wanted = ids.canonical_key(forum_url(forum))
        record = next((r for r in _records(document["notes"]) if r.key == wanted), None)
        if record is not None:
            return record
    return None


def parse_note(note: Any) -> PaperRecord:
    """The record of one submission note; raises RecordError for a note that is not a paper."""
    if not isinstance(note, dict):
        raise RecordError(f"note is {type(note).__name__}, not an object")
    forum = note.get("forum") or note.get("id")
    if not isinstance(forum, str) or not forum or note.get("id") != forum:
        raise RecordError(f"note {note.get('id')!r} is a reply, not a paper")
    content = note.get("content")
    if not isinstance(content, dict):
        raise RecordError(f"note {forum}: no content")
    title = clean_text(_text(content, "title"))
    if not title:
        raise RecordError(f"note {forum}: no title")
    authors = tuple(clean_text(name) for name in _strings(content, "authors") if clean_text(name))
    venue = clean_text(_text(content, "venue"))
    published = _first_public(note)
    extra: dict[str, Any] = {
        name: value
        for name, value in (
            ("venue", venue),
            ("venue_id", _text(content, "venueid")),
            ("number", note.get("number") if isinstance(note.get("number"), int) else None),
            ("keywords", [clean_text(k) for k in _strings(content, "keywords") if clean_text(k)]),
            ("tldr", clean_text(_text(content, "TLDR"))),
            ("primary_area", clean_text(_text(content, "primary_area"))),
        )
        if value
    }
    return PaperRecord(
        source=SOURCE,
        key=ids.canonical_key(forum_url(forum)),
        source_id=forum,
        title=title,
        abstract=clean_text(_text(content, "abstract")),
        authors=() if authors == _ANONYMOUS else authors,
        published=published,
        updated=_date(note.get("mdate")) or published,
        journal_ref=_proceedings(_text(content, "_bibtex"), venue),
        comments=venue,
        abs_url=forum_url(forum),
        pdf_url=f"{SITE}/pdf?id={forum}" if _text(content, "pdf") else "",
        extra=extra,
        payload_hash=payload_hash(note),
    )


def _records(notes: list[Any]) -> Iterator[PaperRecord]:
    """The papers among ``notes``; a note that is no paper (a reply, a note without a title) is
    logged and skipped, as one odd note must not lose a venue."""
    for note in notes:
        try:
            yield parse_note(note)
        except RecordError as exc:
            log.warning("OpenReview: skipped %s", exc)


def _notes_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/notes"


def _get(client: HttpClient, url: str, params: dict[str, Any]) -> dict[str, Any]:
    """One API document; an error document (``{"name", "message"}``) becomes a clear error."""
    try:
        response = client.get(url, params, expect="json")
    except SourceRejected as exc:
        detail = _error_message(exc)
        if detail:
            rejected = SourceRejected(f"OpenReview: {detail}", url=exc.url)
            rejected.response = exc.response
            raise rejected from exc
        raise
    try:
        document = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise SourceFormatError(f"OpenReview: not JSON ({exc})", url=str(response.url)) from None
    if not isinstance(document, dict) or not isinstance(document.get("notes"), list):
        raise SourceFormatError("OpenReview: expected an object with a list of notes", url=str(response.url))
    return document


def _error_message(exc: SourceRejected) -> str:
    document = error_document(exc)
    message, name = document.get("message"), document.get("name")
    if not isinstance(message, str):
        return ""
    message = clean_text(message)[:300]
    return f"{name}: {message}" if isinstance(name, str) and name else message


def _value(content: dict[str, Any], name: str) -> Any:
    field = content.get(name)
    return field.get("value") if isinstance(field, dict) else field


def _text(content: dict[str, Any], name: str) -> str:
    value = _value(content, name)
    return value if isinstance(value, str) else ""


def _strings(content: dict[str, Any], name: str) -> list[str]:
    value = _value(content, name)
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _date(milliseconds: Any) -> dt.date | None:
    """A date from the API's milliseconds since the epoch (UTC)."""
    if type(milliseconds) is not int or milliseconds <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(milliseconds / 1000, dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _first_public(note: dict[str, Any]) -> dt.date | None:
    """When the paper was first public: opened for reading (odate) or published (pdate), the
    earlier; the creation date of a note without either (cdate, tcdate)."""
    public = [d for d in (_date(note.get("odate")), _date(note.get("pdate"))) if d]
    if public:
        return min(public)
    return _date(note.get("cdate")) or _date(note.get("tcdate"))


def _proceedings(bibtex: str, venue: str) -> str:
    """The journal or proceedings that published the paper, as its BibTeX names them; nothing for
    a paper under review ("Submitted to ...") or without a venue."""
    if not bibtex or venue.lower().startswith(_NOT_PUBLISHED):
        return ""
    try:
        cited = next((item for item in read_bibtex(bibtex) if isinstance(item, PaperRecord)), None)
    except InputError:  # BibTeX that is not an entry
        return ""
    if cited is None or cited.journal_ref.lower().startswith(_NOT_PUBLISHED):
        return ""
    return cited.journal_ref
