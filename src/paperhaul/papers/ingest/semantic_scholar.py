"""Semantic Scholar's Academic Graph API: how often each paper is cited, and what it knows of it.

``POST {base}/paper/batch?fields=...`` with ``{"ids": ["ARXIV:2311.11077", "DOI:10.1101/...", ...]}``
(at most 500) answers a list in the order of the ids, ``null`` where it knows no such paper. Each
paper has its Semantic Scholar id (``paperId``), ``externalIds`` (``ArXiv``, ``DOI``, ...),
``title``, ``abstract`` (often null: publishers' licences), ``authors`` (``[{"name"}]``),
``venue``, ``publicationDate`` and the counts: ``citationCount``, ``influentialCitationCount``
(citations that build on the paper, by their own classifier) and ``referenceCount``; ``tldr``
is its model's one-sentence summary (``{"model": "tldr@v2.0.0", "text": ...}``, or null), which
enrichment shows as a takeaway (enrich/source_tldrs.py); ``references`` lists the papers it cites
(``[{"paperId", "externalIds"}]``), which `cited_keys` names by their arXiv or DOI keys for the
library's citation graph (citation_graph.py), kept out of the record.

A record keeps the key it was asked for (the library's), so it merges into that paper; it brings
no aliases (Semantic Scholar's DOI of an arXiv paper names its published version, which the
library keeps as a second item, reported as a possible duplicate, never merged by itself). The
counts and the TL;DR go to ``extra``; the fields merge by trust (merge.py) and rank with links and
citations, so a paper's own record (arXiv's, a web page's) is kept and only what it lacks is
filled in (a venue, a DOI), and a paper only a link described stays among those `paperhaul
refresh` fetches from their own source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson

from paperhaul.errors import SourceFormatError, SourceRejected
from paperhaul.papers import ids
from paperhaul.papers.ingest.http import HttpClient, error_document
from paperhaul.papers.ingest.references import is_arxiv_venue
from paperhaul.papers.records import PaperRecord, clean_text, payload_hash

SOURCE = "semantic-scholar"
BATCH = 500
FIELDS = (
    "externalIds,title,abstract,authors,venue,publicationDate,"
    "citationCount,influentialCitationCount,referenceCount,tldr"
)
REFERENCES = "references.externalIds"
# At most this many references of a paper are kept (a survey's thousand are plenty).
MAX_REFERENCES = 1000
PAGE = "https://www.semanticscholar.org/paper/"
# arXiv's own DOIs (10.48550/arXiv.ID) say nothing an arXiv key does not.
ARXIV_DOI_PREFIX = "10.48550/"


def asked_id(key: str) -> str | None:
    """How the batch endpoint names a library key: ``ARXIV:2311.11077``, ``DOI:10.1101/...``;
    None for keys it cannot look up (links, titles)."""
    kind, _, rest = key.partition(":")
    if kind == "arxiv":
        return f"ARXIV:{rest}"
    if kind == "doi":
        return f"DOI:{rest}"
    return None


@dataclass(frozen=True)
class Counted:
    """A paper of a batch's answer: its record, and the keys of the papers it cites."""

    record: PaperRecord
    cites: tuple[str, ...]


def fetch_batch(
    client: HttpClient, base_url: str, keys: Sequence[str], *, api_key: str = "", references: bool = True
) -> list[Counted]:
    """The papers Semantic Scholar knows among ``keys`` (arXiv and DOI keys, at most BATCH), each
    under the key it was asked for; with ``references``, the keys of the papers each cites."""
    asked = [(key, asked_id(key)) for key in keys]
    asked = [(key, paper_id) for key, paper_id in asked if paper_id]
    if not asked:
        return []
    if len(asked) > BATCH:
        raise ValueError(f"at most {BATCH} papers a request, not {len(asked)}")
    url = f"{base_url.rstrip('/')}/paper/batch?fields={FIELDS}{',' + REFERENCES if references else ''}"
    headers = {"x-api-key": api_key} if api_key else None
    try:
        response = client.post_json(url, {"ids": [paper_id for _, paper_id in asked]}, headers=headers)
    except SourceRejected as exc:
        detail = _error_message(exc)
        if detail:
            raise SourceRejected(f"Semantic Scholar: {detail}", url=exc.url) from exc
        raise
    try:
        answer = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise SourceFormatError(f"Semantic Scholar: not JSON ({exc})", url=url) from None
    if not isinstance(answer, list) or len(answer) != len(asked):
        raise SourceFormatError(f"Semantic Scholar: expected a list of {len(asked)} papers", url=url)
    return [
        Counted(record(key, paper), tuple(cited_keys(paper)))
        for (key, _), paper in zip(asked, answer, strict=True)
        if _usable(paper)
    ]


def record(key: str, paper: dict[str, Any]) -> PaperRecord:
    """The record of one paper of the batch's answer, under the library's ``key``."""
    external = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    doi = ids.doi_of(external["DOI"]) if isinstance(external.get("DOI"), str) else None
    venue = clean_text(_text(paper, "venue"))
    authors = paper.get("authors") if isinstance(paper.get("authors"), list) else []
    extra = {
        name: paper[field]
        for name, field in (
            ("citations", "citationCount"),
            ("influential_citations", "influentialCitationCount"),
            ("references", "referenceCount"),
        )
        if type(paper.get(field)) is int and paper[field] >= 0
    }
    extra["paper_id"] = paper["paperId"]
    tldr = paper.get("tldr") if isinstance(paper.get("tldr"), dict) else {}
    if isinstance(tldr.get("text"), str) and tldr["text"].strip():
        extra["tldr"] = clean_text(tldr["text"])
        if isinstance(tldr.get("model"), str):
            extra["tldr_model"] = tldr["model"]
    return PaperRecord(
        source=SOURCE,
        key=key,
        # The library's key, not Semantic Scholar's id: an arXiv preprint and its published version
        # are two items here and one paper there, and each keeps its own record of the counts.
        source_id=key,
        title=clean_text(_text(paper, "title")),
        abstract=clean_text(_text(paper, "abstract")),
        authors=tuple(
            clean_text(author["name"])
            for author in authors
            if isinstance(author, dict) and isinstance(author.get("name"), str) and author["name"].strip()
        ),
        published=_date(_text(paper, "publicationDate")),
        doi=doi if doi and ids.key_kind(key) != "doi" and not doi.startswith(ARXIV_DOI_PREFIX) else "",
        journal_ref="" if is_arxiv_venue(venue) else venue,
        extra=extra,
        payload_hash=payload_hash(paper),
    )


def cited_keys(paper: dict[str, Any]) -> list[str]:
    """The arXiv or DOI keys of the papers this one cites, each once, in Semantic Scholar's order;
    references it knows no such id of are left out."""
    references = paper.get("references") if isinstance(paper.get("references"), list) else []
    keys: dict[str, None] = {}
    for reference in references[:MAX_REFERENCES]:
        external = reference.get("externalIds") if isinstance(reference, dict) else None
        if not isinstance(external, dict):
            continue
        arxiv, doi = external.get("ArXiv"), external.get("DOI")
        key = ids.try_canonical_key(f"arXiv:{arxiv}") if isinstance(arxiv, str) else None
        if key is None and isinstance(doi, str):
            key = ids.try_canonical_key(f"doi:{doi}")
        if key and ids.key_kind(key) in ("arxiv", "doi") and len(key) <= 512:
            keys[key] = None
    return list(keys)


def page_url(paper_id: str) -> str:
    """The paper's page on Semantic Scholar (its id is a hex digest; quoted all the same)."""
    return PAGE + quote(paper_id, safe="")


def _usable(paper: Any) -> bool:
    return (
        isinstance(paper, dict)
        and isinstance(paper.get("paperId"), str)
        and bool(paper["paperId"])
        and bool(_text(paper, "title").strip())
    )


def _text(paper: dict[str, Any], name: str) -> str:
    value = paper.get(name)
    return value if isinstance(value, str) else ""


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _error_message(exc: SourceRejected) -> str:
    """What the API's refusal says (``{"error": ...}`` or ``{"message": ...}``)."""
    document = error_document(exc)
    message = document.get("error") or document.get("message")
    return clean_text(message)[:300] if isinstance(message, str) else ""
