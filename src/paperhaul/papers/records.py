"""PaperRecord: what every source yields, and the only thing the upsert service accepts."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, fields
from typing import Any

import orjson

from paperhaul.errors import RecordError
from paperhaul.papers import ids


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a paper: its number (1 for v1) and when it was created."""

    number: int
    created: dt.datetime | dt.date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "version": f"v{self.number}",
            "created": self.created.isoformat() if self.created else None,
        }


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """A paper as one source saw it. Sources build these and never touch the database.

    ``key`` is the canonical key (ids.canonical_key); ``source_id`` names the record inside its
    source (an arXiv id, the URL of a links entry...), so that the same record fetched again is
    recognised; ``payload_hash`` is the hash of what the source sent for it; ``aliases`` are
    other keys or URLs that resolve to the same item; ``extra`` keeps what the source says beyond
    the paper (upvotes, announce type, the blog that linked it...). ``trust`` ranks a record
    that carries another source's data (an exported library): None ranks it by its own source.
    """

    source: str
    key: str
    title: str
    source_id: str = ""
    abstract: str = ""
    authors: tuple[str, ...] = ()
    published: dt.date | None = None
    updated: dt.date | None = None
    versions: tuple[Version, ...] = ()
    primary_category: str = ""
    categories: tuple[str, ...] = ()
    doi: str = ""
    journal_ref: str = ""
    comments: str = ""
    license: str = ""
    abs_url: str = ""
    pdf_url: str = ""
    code_url: str = ""
    aliases: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)
    payload_hash: str = ""
    fetched_at: dt.datetime | None = None
    trust: int | None = None

    def __post_init__(self) -> None:
        if not self.source_id:
            object.__setattr__(self, "source_id", self.key)
        if not self.payload_hash:
            object.__setattr__(self, "payload_hash", payload_hash(self.as_json()))

    def __reduce__(self):
        # Positional rebuild: much faster than the generic slots-dataclass pickling, which
        # matters when a worker process parses millions of records for the importer.
        return (PaperRecord, tuple(getattr(self, name) for name in _RECORD_FIELDS))

    def versions_json(self) -> list[dict[str, Any]]:
        """The versions as stored on a paper, oldest first."""
        return [v.as_json() for v in sorted(self.versions, key=lambda v: v.number)]

    @property
    def latest_version(self) -> int:
        return max((v.number for v in self.versions), default=0)

    def as_json(self) -> dict[str, Any]:
        """The record as the paper-records JSON lines format (DESIGN.md) and a bit more."""
        data: dict[str, Any] = {"id": self.key, "url": self.abs_url or ids.url_for_key(self.key)}
        data["title"] = self.title
        for name in (
            "abstract",
            "doi",
            "journal_ref",
            "comments",
            "license",
            "pdf_url",
            "code_url",
        ):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.authors:
            data["authors"] = list(self.authors)
        if self.published:
            data["published"] = self.published.isoformat()
        if self.updated:
            data["updated"] = self.updated.isoformat()
        if self.versions:
            data["versions"] = self.versions_json()
        if self.primary_category:
            data["primary_category"] = self.primary_category
        if self.categories:
            data["categories"] = list(self.categories)
        if self.extra:
            data["extra"] = self.extra
        if self.trust is not None:
            data["trust"] = self.trust
        return data


_RECORD_FIELDS = tuple(f.name for f in fields(PaperRecord))


def payload_hash(payload: bytes | str | dict | list) -> str:
    """A stable hash of a source's raw payload (bytes as sent, or parsed JSON with sorted keys)."""
    if isinstance(payload, str):
        payload = payload.encode()
    elif not isinstance(payload, bytes):
        payload = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


_ASCII_SPACES = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"})
_RUNS_OF_SPACES = re.compile(" {2,}")


def clean_text(text: str | None) -> str:
    """Collapse the line breaks and runs of spaces that arXiv puts in titles and abstracts.

    Equal to ``" ".join(text.split())``, several times faster on the ASCII text of most abstracts.
    """
    if not text:
        return ""
    if not text.isascii():
        return " ".join(text.split())
    text = text.translate(_ASCII_SPACES).strip()
    return _RUNS_OF_SPACES.sub(" ", text) if "  " in text else text


# How much each source is trusted when two disagree about a field (see merge.py).
SOURCE_TRUST = {
    "arxiv-api": 3,
    "arxiv-oai": 3,
    "arxiv-snapshot": 3,
    "arxiv-listing": 3,
    "openreview": 3,
    "web": 2,
    "daily-papers": 2,
    "jsonl": 2,
    "links": 1,
    "haul": 1,
    "bibtex": 1,
    "ris": 1,
    # Its metadata fills gaps; a paper it alone describes is still one for `refresh` to fetch.
    "semantic-scholar": 1,
}


MAX_TRUST = max(SOURCE_TRUST.values())


def trust_of(record: PaperRecord) -> int:
    if record.trust is not None:
        return record.trust
    return SOURCE_TRUST.get(record.source, 1)


# What file readers yield: a record, or the RecordError (with its line number) of a bad one,
# so that `--skip-bad` can go on past it and report it while the default stops there.
ParsedRecord = PaperRecord | RecordError
