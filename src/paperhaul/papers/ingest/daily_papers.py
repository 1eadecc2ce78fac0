"""Daily-papers JSON in the shape of Hugging Face's ``api/daily_papers``.

The document is an array of entries ``{"paper": {...}, "publishedAt", "title", "numComments",
"submittedBy", ...}``; the paper carries the arXiv ``id``, ``title``, ``summary``, ``authors``
(objects with a ``name``), ``publishedAt``, ``upvotes`` and an optional ``githubRepo``. The
feed has grown and shed fields over time, so everything but an identity (id or title) and a
title is optional; what the feed says beyond the paper goes to ``extra``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import orjson

from paperhaul.errors import RecordError, SourceFormatError
from paperhaul.papers import ids
from paperhaul.papers.ingest.http import HttpClient
from paperhaul.papers.records import PaperRecord, ParsedRecord, clean_text, payload_hash

SOURCE = "daily-papers"
log = logging.getLogger(__name__)


class _BadEntry(Exception):
    """Why one entry is unusable; becomes a RecordError with the entry's 1-based index."""


def parse_daily_papers(content: bytes, source_name: str = "") -> Iterator[ParsedRecord]:
    """Records of a daily-papers document; a malformed entry yields a RecordError.

    The document itself is checked before this returns: something that is not a JSON array
    (an error object, an HTML page, truncated JSON) raises SourceFormatError at once.
    """
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise SourceFormatError(f"daily papers: not JSON ({exc})", url=source_name) from None
    if not isinstance(data, list):
        kind = "an object" if isinstance(data, dict) else type(data).__name__
        raise SourceFormatError(f"daily papers: expected a JSON array, got {kind}", url=source_name)
    return _records(data, source_name)


def fetch_daily_papers(
    client: HttpClient,
    base_url: str,
    day: dt.date | None = None,
) -> list[PaperRecord]:
    """The daily list of ``day`` (the server's latest without one).

    A malformed entry is logged and skipped: one bad element must not lose a day's list.
    """
    params = {"date": day.isoformat()} if day else None
    response = client.get(base_url, params, expect="json")
    records = []
    for item in parse_daily_papers(response.content, str(response.url)):
        if isinstance(item, RecordError):
            log.warning("daily papers: skipped %s", item)
        else:
            records.append(item)
    return records


def _records(data: list[Any], source_name: str) -> Iterator[ParsedRecord]:
    for index, entry in enumerate(data, 1):
        try:
            yield _record(entry)
        except _BadEntry as exc:
            yield RecordError(str(exc), line=index, path=source_name)


def _record(entry: Any) -> PaperRecord:
    if not isinstance(entry, dict):
        raise _BadEntry(f"entry is {type(entry).__name__}, not an object")
    paper = entry.get("paper", entry)  # tolerate a bare paper object as the entry
    if not isinstance(paper, dict):
        raise _BadEntry(f"paper is {type(paper).__name__}, not an object")
    arxiv = _string(paper, "id").strip()
    title = clean_text(_string(paper, "title") or _string(entry, "title"))
    if not arxiv and not title:
        raise _BadEntry("entry without id or title")
    if not title:
        raise _BadEntry(f"paper {arxiv} without title")
    if arxiv:
        try:
            key = ids.canonical_key(arxiv)
        except ValueError:
            raise _BadEntry(f"unusable paper id: {arxiv[:100]!r}") from None
    else:
        key = ids.title_key(title)
    github = _string(paper, "githubRepo").strip() or _string(entry, "githubRepo").strip()
    extra: dict[str, Any] = {
        "upvotes": _count(paper.get("upvotes", entry.get("upvotes"))),
        "num_comments": _count(entry.get("numComments", paper.get("numComments"))),
        "submitted_by": _user(entry.get("submittedBy") or paper.get("submittedOnDailyBy")),
        "daily_date": _iso(_date(entry, "publishedAt") if entry is not paper else None)
        or _iso(_date(paper, "submittedOnDailyAt")),
        "github_repo": github or None,
    }
    return PaperRecord(
        source=SOURCE,
        key=key,
        title=title,
        source_id=arxiv or key,
        abstract=clean_text(_string(paper, "summary") or _string(entry, "summary")),
        authors=_authors(paper.get("authors")),
        published=_date(paper, "publishedAt"),
        code_url=github,
        extra={name: value for name, value in extra.items() if value is not None},
        payload_hash=payload_hash(entry),
    )


def _string(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _BadEntry(f"{name} is {type(value).__name__}, not a string")
    return value


def _authors(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _BadEntry(f"authors is {type(value).__name__}, not a list")
    names = []
    for author in value:
        name = author.get("name") if isinstance(author, dict) else author
        if not isinstance(name, str):
            raise _BadEntry(f"author without a name: {str(author)[:80]!r}")
        if clean_text(name):
            names.append(clean_text(name))
    return tuple(names)


def _date(data: dict[str, Any], name: str) -> dt.date | None:
    """The calendar date of a timestamp as the feed wrote it (UTC), without conversion."""
    value = _string(data, name).strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        raise _BadEntry(f"bad date in {name}: {value[:40]!r}") from None


def _count(value: Any) -> int | None:
    """A count, or None for absent or nonsense values (extras are not worth losing a paper)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _user(value: Any) -> str | None:
    """The submitter's user name (``name``, or ``user`` in older payloads), else full name."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        for field in ("name", "user", "fullname"):
            if isinstance(value.get(field), str) and value[field]:
                return value[field]
    return None


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None
