"""A record prepared for writing: its identity facts and its row, as plain text and numbers.

Preparing (normalising the title, canonicalising aliases, serialising lists to JSON, dates to
ISO text) is pure computation, so a bulk import does it in the worker process that parses the
file; what crosses to the writing process is a tuple of strings, cheap to send. The rare record
that meets something already in the library is turned back into a PaperRecord and merged by the
ORM path (upsert.py).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import orjson

from paperhaul.papers import ids
from paperhaul.papers.records import PaperRecord, Version, trust_of

# The staged row's columns with their PostgreSQL types (SQLite takes them untyped); the first
# ones are the Paper columns of the same names.
PAPER_COLUMNS = {
    "key": "text", "title": "text", "title_norm": "text", "abstract": "text", "authors": "jsonb",
    "published": "date", "updated": "date", "versions": "jsonb", "primary_category": "text",
    "doi": "text", "journal_ref": "text", "comments": "text", "license": "text",
    "abs_url": "text", "pdf_url": "text", "code_url": "text", "trust": "smallint",
}  # fmt: skip
ROW_COLUMNS = {
    **PAPER_COLUMNS, "source": "text", "source_id": "text", "fetched_at": "timestamptz",
    "payload_hash": "text", "data": "jsonb", "cats": "jsonb", "aliases": "jsonb",
}  # fmt: skip
_INDEX = {name: i for i, name in enumerate(ROW_COLUMNS)}


class Prepared(NamedTuple):
    key: str
    source: str
    source_id: str
    payload_hash: str
    title_norm: str
    aliases: tuple[str, ...]
    row: tuple

    def without_aliases(self) -> Prepared:
        """The same paper with no alias rows (for a caller that claims aliases one by one)."""
        row = list(self.row)
        row[_INDEX["aliases"]] = "[]"
        return self._replace(aliases=(), row=tuple(row))


def alias_keys(record: PaperRecord) -> tuple[str, ...]:
    """Keys other than ``record.key`` that resolve to the record's item (its DOI, other URLs)."""
    keys: list[str] = []
    for alias in (*record.aliases, f"doi:{record.doi}" if record.doi else ""):
        key = ids.try_canonical_key(alias) if alias else None
        if key and key != record.key and not key.startswith("title:") and key not in keys:
            keys.append(key)
    return tuple(keys)


def utc_text(moment: dt.datetime) -> str:
    """A moment as naive UTC text, the form Django keeps in SQLite and PostgreSQL reads as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(" ", "microseconds")


def prepare(record: PaperRecord, fetched_at: str) -> Prepared:
    """``fetched_at`` (utc_text) stands for when the record was fetched unless it says itself."""
    title_norm = ids.normalise_title(record.title)
    aliases = alias_keys(record)
    row = (
        record.key,
        record.title,
        title_norm,
        record.abstract,
        orjson.dumps(record.authors).decode(),
        record.published.isoformat() if record.published else None,
        record.updated.isoformat() if record.updated else None,
        orjson.dumps(record.versions_json()).decode(),
        record.primary_category,
        record.doi,
        record.journal_ref,
        record.comments,
        record.license,
        record.abs_url,
        record.pdf_url,
        record.code_url,
        trust_of(record),
        record.source,
        record.source_id,
        utc_text(record.fetched_at) if record.fetched_at else fetched_at,
        record.payload_hash,
        orjson.dumps(record.extra).decode(),
        orjson.dumps(list(dict.fromkeys(record.categories))).decode(),
        orjson.dumps(aliases).decode(),
    )
    return Prepared(
        record.key, record.source, record.source_id, record.payload_hash, title_norm, aliases, row
    )


def to_record(prepared: Prepared) -> PaperRecord:
    """The record a prepared row was made from (for the merge path)."""
    row = prepared.row

    def value(name: str):
        return row[_INDEX[name]]

    def date(name: str) -> dt.date | None:
        return dt.date.fromisoformat(value(name)) if value(name) else None

    return PaperRecord(
        source=prepared.source,
        key=prepared.key,
        source_id=prepared.source_id,
        payload_hash=prepared.payload_hash,
        title=value("title"),
        abstract=value("abstract"),
        authors=tuple(orjson.loads(value("authors"))),
        published=date("published"),
        updated=date("updated"),
        versions=versions_from_json(orjson.loads(value("versions"))),
        primary_category=value("primary_category"),
        categories=tuple(orjson.loads(value("cats"))),
        doi=value("doi"),
        journal_ref=value("journal_ref"),
        comments=value("comments"),
        license=value("license"),
        abs_url=value("abs_url"),
        pdf_url=value("pdf_url"),
        code_url=value("code_url"),
        aliases=prepared.aliases,
        extra=orjson.loads(value("data")),
        fetched_at=dt.datetime.fromisoformat(value("fetched_at")).replace(tzinfo=dt.UTC),
        trust=value("trust"),
    )


def versions_from_json(items: list[dict]) -> tuple[Version, ...]:
    """Versions as stored on a paper (``[{"version": "v1", "created": ISO}]``) back to objects."""
    return tuple(Version(int(v["version"].lstrip("v")), _moment(v.get("created"))) for v in items)


def _moment(text: str | None) -> dt.datetime | dt.date | None:
    if not text:
        return None
    return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
