"""How a record's fields merge into a paper already in the library.

- A field a person edited (``Paper.edited_fields``) is never overwritten.
- A record from a source at least as trusted as the best one merged so far, describing the same
  or a newer version, overwrites non-empty values; any other record only fills empty fields.
- Versions are a union: a newer arXiv version adds to the history, never replaces it.
"""

from __future__ import annotations

from typing import Any

from paperhaul.papers import ids
from paperhaul.papers.models import Paper
from paperhaul.papers.records import PaperRecord, trust_of

SCALAR_FIELDS = (
    "title",
    "abstract",
    "primary_category",
    "doi",
    "journal_ref",
    "comments",
    "license",
    "abs_url",
    "pdf_url",
    "code_url",
)
EDITABLE_FIELDS = (*SCALAR_FIELDS, "authors", "categories", "published", "updated", "note")


def latest_version(versions: list[dict[str, Any]]) -> int:
    return max((int(v["version"].lstrip("v")) for v in versions if v.get("version")), default=0)


def merge_into(paper: Paper, record: PaperRecord) -> tuple[set[str], list[str] | None]:
    """Apply ``record`` to ``paper`` in memory.

    Returns the names of the changed fields and, when the categories are to be replaced, the new
    category list (None when they stay as they are).
    """
    edited = set(paper.edited_fields or [])
    overwrite = trust_of(record) >= paper.trust and record.latest_version >= latest_version(paper.versions)
    changed: set[str] = set()

    def offer(name: str, value: Any) -> None:
        if name in edited or value in (None, "", [], ()):
            return
        current = getattr(paper, name)
        if current == value or (current not in (None, "", []) and not overwrite):
            return
        setattr(paper, name, value)
        changed.add(name)

    for name in SCALAR_FIELDS:
        offer(name, getattr(record, name))
    offer("authors", list(record.authors))
    if "title" in changed:
        paper.title_norm = ids.normalise_title(paper.title)

    merged_versions = _merge_versions(paper.versions or [], record.versions_json())
    if merged_versions != (paper.versions or []):
        paper.versions = merged_versions
        changed.add("versions")
    _merge_dates(paper, record, edited, changed)

    if trust_of(record) > paper.trust:
        paper.trust = trust_of(record)
        changed.add("trust")

    categories = None
    if record.categories and "categories" not in edited and (overwrite or not paper.primary_category):
        categories = list(dict.fromkeys(record.categories))
    return changed, categories


def _merge_versions(current: list[dict], incoming: list[dict]) -> list[dict]:
    by_number = {v["version"]: v for v in current}
    for version in incoming:
        known = by_number.get(version["version"])
        if known is None or (not known.get("created") and version.get("created")):
            by_number[version["version"]] = version
    return sorted(by_number.values(), key=lambda v: int(v["version"].lstrip("v") or 0))


def _merge_dates(paper: Paper, record: PaperRecord, edited: set[str], changed: set[str]) -> None:
    if (
        "published" not in edited
        and record.published
        and (paper.published is None or record.published < paper.published)
    ):
        paper.published = record.published
        changed.add("published")
    if (
        "updated" not in edited
        and record.updated
        and (paper.updated is None or record.updated > paper.updated)
    ):
        paper.updated = record.updated
        changed.add("updated")
