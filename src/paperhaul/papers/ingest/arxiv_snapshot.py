"""The arXiv metadata snapshot: JSON lines, plain or gzip, streamed line by line.

The snapshot holds every arXiv paper (millions of lines), so this reader keeps nothing but the
current line, reads ids as the strings they are (``0704.0001`` keeps its zero) and avoids slow
generic parsers on the hot path (the version dates have one fixed shape).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import orjson

from paperhaul.errors import RecordError
from paperhaul.papers import ids
from paperhaul.papers.records import PaperRecord, ParsedRecord, Version, clean_text, payload_hash

SOURCE = "arxiv-snapshot"
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def read_snapshot(lines: Iterable[bytes], path: str = "") -> Iterator[ParsedRecord]:
    """Yield a record (or the RecordError of a bad line) for every line of the snapshot."""
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield parse_line(line)
        except RecordError as exc:
            yield RecordError(exc.reason, line=line_no, path=path)


def parse_line(line: bytes) -> PaperRecord:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise RecordError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise RecordError("not a JSON object")
    raw_id = data.get("id")
    title = data.get("title")
    if not isinstance(raw_id, str) or not raw_id.strip():
        raise RecordError('no "id" string')
    if not isinstance(title, str) or not title.strip():
        raise RecordError('no "title" string')
    arxiv = ids.arxiv_id(raw_id.strip())
    if arxiv is None:
        raise RecordError(f"not an arXiv id: {raw_id[:100]!r}")
    versions = tuple(_versions(data.get("versions")))
    categories = tuple((data.get("categories") or "").split())
    doi = data.get("doi") or ""
    return PaperRecord(
        source=SOURCE,
        key="arxiv:" + arxiv,
        source_id=arxiv,
        title=clean_text(title),
        abstract=clean_text(data.get("abstract")),
        authors=tuple(_authors(data)),
        published=_date(versions[0].created) if versions else None,
        updated=_date(versions[-1].created) if versions else _update_date(data),
        versions=versions,
        primary_category=categories[0] if categories else "",
        categories=categories,
        doi=doi.split()[0] if doi else "",
        journal_ref=_text(data.get("journal-ref")),
        comments=_text(data.get("comments")),
        license=data.get("license") or "",
        abs_url=f"https://arxiv.org/abs/{arxiv}",
        pdf_url=f"https://arxiv.org/pdf/{arxiv}",
        payload_hash=payload_hash(line.rstrip()),
    )


def _text(value: object) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def _authors(data: dict) -> Iterator[str]:
    parsed = data.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        for parts in parsed:
            if not isinstance(parts, list) or not parts:
                continue
            last, first, suffix = [*parts, "", "", ""][:3]
            name = " ".join(p for p in (first, last, suffix) if p).strip()
            if name:
                yield " ".join(name.split())
        return
    authors = data.get("authors")
    if isinstance(authors, str):
        for name in authors.replace(" and ", ", ").split(","):
            if name.strip():
                yield " ".join(name.split())


def _versions(raw: object) -> Iterator[Version]:
    if not isinstance(raw, list):
        return
    for entry in raw:
        if not isinstance(entry, dict):
            continue
        label = str(entry.get("version", "")).lstrip("v")
        if label.isdigit():
            yield Version(int(label), _created(entry.get("created")))


def _created(text: object) -> dt.datetime | None:
    """Parse ``Mon, 2 Apr 2007 19:18:42 GMT`` (the snapshot's only shape) without email.utils."""
    if not isinstance(text, str):
        return None
    parts = text.split()
    try:
        day, month, year = int(parts[1]), _MONTHS[parts[2]], int(parts[3])
        hour, minute, second = (int(x) for x in parts[4].split(":"))
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except (IndexError, KeyError, ValueError):
        return None


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _update_date(data: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(data.get("update_date") or "")
    except ValueError:
        return None
