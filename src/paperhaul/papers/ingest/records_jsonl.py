"""Paper records JSON lines (DESIGN.md): the interchange format of ``paperhaul import/export``.

One object a line with ``url`` or ``id`` (or only a ``title``), ``abstract``, ``authors``,
``published``, ``categories`` and the optional fields of PaperRecord.as_json(). ``write_jsonl``
writes exactly what ``read_jsonl`` reads, so an export imported again gives equal records.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from paperhaul.errors import RecordError
from paperhaul.papers import ids
from paperhaul.papers.records import MAX_TRUST, PaperRecord, ParsedRecord, Version, clean_text, payload_hash

SOURCE = "jsonl"
_TEXT_FIELDS = ("doi", "journal_ref", "comments", "license", "pdf_url", "code_url")
_TEXT_FIELDS += ("primary_category",)
_VERSION_RE = re.compile(r"^v?(\d+)$", re.IGNORECASE)


class _BadLine(Exception):
    """A reason why one line is unusable; becomes a RecordError with the line number."""


def read_jsonl(lines: Iterable[str | bytes], path: str = "") -> Iterator[ParsedRecord]:
    """Records of a JSON lines file; a bad line yields a RecordError with its 1-based number.

    Blank lines are skipped (but counted, so numbers match an editor's). The key comes from
    ``id``, else ``url``, else the title (``title:…``), as DESIGN.md "Identity" says.
    """
    for number, line in enumerate(lines, 1):
        line = _without_bom(line)
        if not line.strip():
            continue
        try:
            yield _record(line)
        except _BadLine as exc:
            yield RecordError(str(exc), line=number, path=path)


def write_jsonl(records: Iterable[PaperRecord]) -> Iterator[str]:
    """One compact JSON document per record, each ending with a newline."""
    for record in records:
        yield orjson.dumps(record.as_json()).decode() + "\n"


def _without_bom(line: str | bytes) -> str | bytes:
    """Editors on Windows start UTF-8 files with a byte order mark; it is not part of the JSON."""
    if isinstance(line, bytes):
        return line.removeprefix(b"\xef\xbb\xbf")
    return line.removeprefix("\ufeff")


def _record(line: str | bytes) -> PaperRecord:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise _BadLine(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _BadLine(f"not a JSON object but {_type(data)}")
    title = clean_text(_text(data, "title"))
    if not title:
        raise _BadLine("no title")
    key, url = _key(data, title)
    authors = _strings(data, "authors")
    categories = _strings(data, "categories")
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        raise _BadLine(f"extra is {_type(extra)}, not an object")
    return PaperRecord(
        source=SOURCE,
        key=key,
        title=title,
        abstract=clean_text(_text(data, "abstract")),
        authors=tuple(clean_text(a) for a in authors if a.strip()),
        published=_date(data, "published"),
        updated=_date(data, "updated"),
        versions=_versions(data.get("versions")),
        categories=tuple(categories),
        abs_url="" if url == ids.url_for_key(key) else url,
        extra=extra,
        payload_hash=payload_hash(data),
        trust=_trust(data),
        **{name: _text(data, name).strip() for name in _TEXT_FIELDS},
    )


def _key(data: dict[str, Any], title: str) -> tuple[str, str]:
    """The record's key and the URL it gave (kept as abs_url when it is not the key's own URL)."""
    identifier, url = _text(data, "id").strip(), _text(data, "url").strip()
    if identifier:
        key = ids.try_canonical_key(identifier)
        if key is None:
            raise _BadLine(f"unusable id: {identifier[:200]!r}")
    elif url:
        key = ids.try_canonical_key(url)
        if key is None:
            raise _BadLine(f"unusable url: {url[:200]!r}")
    else:
        try:
            key = ids.title_key(title)
        except ids.UnrecognisedIdentifier:
            raise _BadLine(f"title without letters or digits: {title[:200]!r}") from None
    return key, url


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _BadLine(f"{name} is {_type(value)}, not a string")
    return value


def _trust(data: dict[str, Any]) -> int | None:
    """The rank an exported record keeps (``trust``), or None: ranked as a records file."""
    value = data.get("trust")
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= MAX_TRUST:
        shown = orjson.dumps(value).decode()[:40]
        raise _BadLine(f"trust must be a whole number from 0 to {MAX_TRUST}, not {shown}")
    return value


def _strings(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _BadLine(f"{name} must be a list of strings, not {_type(value)}")
    for index, item in enumerate(value, 1):
        if not isinstance(item, str):
            raise _BadLine(f"{name} must be a list of strings (item {index} is {_type(item)})")
    return value


def _date(data: dict[str, Any], name: str) -> dt.date | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _BadLine(f"{name} is {_type(value)}, not an ISO date")
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value).date()  # a timestamp: its date as written
    except ValueError:
        raise _BadLine(f"bad date in {name}: {value[:40]!r}") from None


def _versions(value: Any) -> tuple[Version, ...]:
    """``[{"version": "v1", "created": ISO or RFC 2822 date}, ...]`` as written by as_json()."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _BadLine(f"versions is {_type(value)}, not a list")
    versions = []
    for item in value:
        raw_number = item.get("version") if isinstance(item, dict) else item
        ok = isinstance(raw_number, str | int) and not isinstance(raw_number, bool)
        match = _VERSION_RE.match(str(raw_number)) if ok else None
        if not match:
            raise _BadLine(f"bad version: {str(item)[:40]!r}")
        created = item.get("created") if isinstance(item, dict) else None
        versions.append(Version(int(match.group(1)), _created(created)))
    return tuple(versions)


def _created(value: Any) -> dt.datetime | dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        try:
            return email.utils.parsedate_to_datetime(value)  # the arXiv snapshot's form
        except (TypeError, ValueError):
            pass
    raise _BadLine(f"bad date in versions: {str(value)[:40]!r}")


def _type(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }.get(type(value), "a number")
