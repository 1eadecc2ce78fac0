"""arXiv API source: Atom feeds from ``export.arxiv.org/api/query``.

Documented in https://info.arxiv.org/help/api/user-manual.html. One request returns at most
2000 entries; arXiv's terms ask for one request at a time, at least 3 s apart, which the caller's
HttpClient enforces (``min_interval=3``). Every page is parsed completely before any of its
records is yielded, so a failure never hands the caller part of a page.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from paperhaul.errors import ArxivApiError, SourceFormatError, SourceRejected
from paperhaul.papers.ids import UnrecognisedIdentifier, split_arxiv_version
from paperhaul.papers.ingest.http import HttpClient
from paperhaul.papers.ingest.xml_safe import child_text, element_bytes, optional_int, parse_xml
from paperhaul.papers.records import PaperRecord, Version, clean_text, payload_hash

SOURCE = "arxiv-api"
MAX_PAGE_SIZE = 2000  # the most entries arXiv returns for one request

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
NS = {"atom": ATOM_NS, "arxiv": ARXIV_NS, "opensearch": OPENSEARCH_NS}
_ERROR_ID_PREFIXES = ("http://arxiv.org/api/errors", "https://arxiv.org/api/errors")


def parse_feed(content: bytes, url: str = "") -> tuple[list[PaperRecord], int | None]:
    """The records of one API response and its opensearch:totalResults (None if absent).

    Raises ArxivApiError when arXiv answered with its error entry, SourceFormatError when the
    document is not an arXiv Atom feed.
    """
    records, total, _ = _parse(content, url)
    return records, total


def fetch_by_ids(
    client: HttpClient, base_url: str, ids: Iterable[str], page_size: int = MAX_PAGE_SIZE
) -> Iterator[PaperRecord]:
    """Records for arXiv ids (``2311.11077``, ``2311.11077v2``, ``hep-th/9901001``...).

    Ids are asked for in ``id_list`` slices of at most ``page_size`` (<= 2000); a versioned id
    asks for that version. Duplicates are asked for once. Raises UnrecognisedIdentifier for an
    id that is not an arXiv id before asking for its slice.
    """
    size = _page_size(page_size)
    wanted = _unique(_id_param(text) for text in ids if text.strip())
    while batch := list(itertools.islice(wanted, size)):
        params = {"id_list": ",".join(batch), "start": 0, "max_results": len(batch)}
        records, _, _ = _fetch_page(client, base_url, params)
        yield from records


def search(
    client: HttpClient,
    base_url: str,
    query: str,
    *,
    max_results: int | None = None,
    page_size: int = MAX_PAGE_SIZE,
    start: int = 0,
    sort_by: str = "submittedDate",
    sort_order: str = "descending",
) -> Iterator[PaperRecord]:
    """Records matching ``search_query`` (arXiv's query syntax), page after page.

    Pages of at most ``page_size`` (<= 2000) from ``start``; stops after ``max_results`` entries,
    at totalResults, or at an empty page (arXiv's signal that it has nothing more).
    """
    size = _page_size(page_size)
    seen = 0
    while max_results is None or seen < max_results:
        want = size if max_results is None else min(size, max_results - seen)
        params = {
            "search_query": query,
            "start": start,
            "max_results": want,
            "sortBy": sort_by,
            "sortOrder": sort_order,
        }
        records, total, entries = _fetch_page(client, base_url, params)
        if entries == 0:
            return
        yield from records
        seen += entries
        start += entries
        if total is not None and start >= total:
            return


def _fetch_page(
    client: HttpClient, base_url: str, params: dict[str, Any]
) -> tuple[list[PaperRecord], int | None, int]:
    try:
        response = client.get(base_url, params, expect="xml")
    except SourceRejected as exc:
        # arXiv answers a bad query with HTTP 400 *and* its error feed: report arXiv's reason
        # when the client kept the rejected response (``exc.response``).
        rejected = getattr(exc, "response", None)
        if rejected is not None:
            try:
                root = parse_xml(rejected.content, exc.url, "arXiv API error response")
            except SourceFormatError:
                raise exc from None
            _raise_error_entry(root, str(rejected.url))
        raise
    return _parse(response.content, str(response.url))


def _parse(content: bytes, url: str) -> tuple[list[PaperRecord], int | None, int]:
    """Records, totalResults and the number of entries (paging counts skipped stubs too)."""
    root = parse_xml(content, url, "arXiv API response")
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise SourceFormatError(f"expected an Atom feed, got <{etree.QName(root).localname}>", url=url)
    _raise_error_entry(root, url)
    entries = root.findall("atom:entry", NS)
    records = [r for r in (_entry_record(e, url) for e in entries) if r is not None]
    return records, _int(_text(root, "opensearch:totalResults"), url), len(entries)


def _raise_error_entry(root: etree._Element, url: str) -> None:
    """arXiv reports errors as a feed whose one entry has an ``.../api/errors#...`` id."""
    for entry in root.findall("atom:entry", NS):
        entry_id = _text(entry, "atom:id")
        if entry_id.startswith(_ERROR_ID_PREFIXES):
            message = _text(entry, "atom:summary") or entry_id.partition("#")[2] or "unknown error"
            raise ArxivApiError(f"arXiv API error: {clean_text(message)}", url=url)


def _entry_record(entry: etree._Element, url: str) -> PaperRecord | None:
    entry_id = _text(entry, "atom:id")
    title = clean_text(_text(entry, "atom:title"))
    if not title:
        return None  # arXiv answers an id it cannot serve with an empty stub entry
    arxiv_id, version = _split_entry_id(entry_id, url)
    published = _datetime(_text(entry, "atom:published"), url)
    updated = _datetime(_text(entry, "atom:updated"), url)
    # The API only tells v1's date (published) and the latest version's date (updated).
    versions = [Version(1, published)]
    if version and version > 1:
        versions.append(Version(version, updated))
    abs_url = pdf_url = ""
    for link in entry.findall("atom:link", NS):
        href = (link.get("href") or "").strip()
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            pdf_url = pdf_url or href
        elif link.get("rel") == "alternate":
            abs_url = abs_url or href
    primary = entry.find("arxiv:primary_category", NS)
    categories = tuple(
        term for c in entry.findall("atom:category", NS) if (term := (c.get("term") or "").strip())
    )
    return PaperRecord(
        source=SOURCE,
        key=f"arxiv:{arxiv_id}",
        source_id=arxiv_id,
        title=title,
        abstract=clean_text(_text(entry, "atom:summary")),
        authors=tuple(
            name
            for author in entry.findall("atom:author", NS)
            if (name := clean_text(_text(author, "atom:name")))
        ),
        published=published.date() if published else None,
        updated=updated.date() if updated else None,
        versions=tuple(versions),
        primary_category=(primary.get("term") or "").strip() if primary is not None else "",
        categories=categories,
        doi=clean_text(_text(entry, "arxiv:doi")),
        journal_ref=clean_text(_text(entry, "arxiv:journal_ref")),
        comments=clean_text(_text(entry, "arxiv:comment")),
        abs_url=abs_url,
        pdf_url=pdf_url,
        payload_hash=payload_hash(element_bytes(entry)),
    )


def _split_entry_id(entry_id: str, url: str) -> tuple[str, int | None]:
    """``http://arxiv.org/abs/math.GT/0309136v2`` -> ``("math/0309136", 2)``."""
    _, found, rest = entry_id.partition("/abs/")
    try:
        return split_arxiv_version(rest if found else entry_id)
    except UnrecognisedIdentifier as exc:
        raise SourceFormatError(f"entry with an unrecognised arXiv id {entry_id!r}", url=url) from exc


def _id_param(text: str) -> str:
    text = text.strip()
    if text[:6].lower() == "arxiv:":
        text = text[6:].strip()
    arxiv_id, version = split_arxiv_version(text)
    return f"{arxiv_id}v{version}" if version else arxiv_id


def _unique(items: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def _page_size(page_size: int) -> int:
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, not {page_size}")
    return min(page_size, MAX_PAGE_SIZE)


def _text(element: etree._Element, path: str) -> str:
    return child_text(element, path, NS)


def _datetime(text: str, url: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise SourceFormatError(f"bad date {text!r} in arXiv API response", url=url) from exc


def _int(text: str, url: str) -> int | None:
    return optional_int(text, url, "arXiv API response")
