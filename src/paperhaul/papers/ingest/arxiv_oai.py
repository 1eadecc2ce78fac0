"""arXiv OAI-PMH source: ``ListRecords`` in the ``arXiv`` metadata format.

Documented in https://info.arxiv.org/help/oa/index.html and the OAI-PMH 2.0 specification.
Harvesting is resumable: ``list_pages`` yields one OaiPage per response, and the caller
stores ``page.resumption_token`` once it has written that page's records; passing that token
back to ``list_pages`` continues with the next page. A page is parsed completely before it is
yielded, so a failure never hands over part of one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from paperhaul.errors import InputError, SourceFormatError, SourceRejected
from paperhaul.papers.ids import UnrecognisedIdentifier, split_arxiv_version
from paperhaul.papers.ingest.http import HttpClient
from paperhaul.papers.ingest.xml_safe import child_text, element_bytes, optional_int, parse_xml
from paperhaul.papers.records import PaperRecord, Version, clean_text, payload_hash

SOURCE = "arxiv-oai"
METADATA_PREFIX = "arXiv"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
ARXIV_OAI_NS = "http://arxiv.org/OAI/arXiv/"
NS = {"oai": OAI_NS, "arxiv": ARXIV_OAI_NS}

# Archives whose OAI set lives under the "physics" group (arXiv's ListSets).
PHYSICS_ARCHIVES = frozenset(
    {
        "astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th",
        "math-ph", "nlin", "nucl-ex", "nucl-th", "physics", "quant-ph",
    }
)  # fmt: skip
GROUPS = frozenset({"cs", "econ", "eess", "math", "physics", "q-bio", "q-fin", "stat"})


@dataclass(frozen=True, slots=True)
class OaiPage:
    """One ListRecords response.

    ``resumption_token`` is None when the list is complete; otherwise it is the checkpoint to
    store after this page's records are written.
    """

    records: list[PaperRecord]
    resumption_token: str | None
    complete_list_size: int | None
    cursor: int | None


def set_for_category(category: str) -> str:
    """The OAI set of an arXiv category or archive: ``cs.CL`` -> ``cs:cs:CL``, ``hep-th`` ->
    ``physics:hep-th``, ``astro-ph.CO`` -> ``physics:astro-ph:CO``, ``math`` -> ``math``.

    A value that already is a set spec (contains ``:``) is returned unchanged.
    """
    category = category.strip()
    if ":" in category:
        return category
    archive, _, subject = category.partition(".")
    if archive in PHYSICS_ARCHIVES:
        group = "physics"
    elif archive in GROUPS:
        group = archive
    else:
        raise InputError(f"unknown arXiv category {category!r}")
    if not subject:
        return group if archive == group else f"{group}:{archive}"
    return f"{group}:{archive}:{subject}"


def parse_page(content: bytes, url: str = "") -> OaiPage:
    """Parse one ListRecords response; deleted records are skipped.

    ``noRecordsMatch`` is an empty, complete page; any other OAI error raises SourceRejected
    with its code and message.
    """
    root = parse_xml(content, url, "OAI-PMH response")
    if root.tag != f"{{{OAI_NS}}}OAI-PMH":
        raise SourceFormatError(f"expected an OAI-PMH response, got <{etree.QName(root).localname}>", url=url)
    errors = root.findall("oai:error", NS)
    if errors:
        codes = [e.get("code") or "unknown" for e in errors]
        if all(code == "noRecordsMatch" for code in codes):
            return OaiPage([], None, 0, None)
        detail = "; ".join(
            f"{code}: {clean_text(e.text)}" if clean_text(e.text) else code
            for code, e in zip(codes, errors, strict=True)
        )
        raise SourceRejected(f"OAI-PMH error {detail}", url=url)
    listing = root.find("oai:ListRecords", NS)
    if listing is None:
        raise SourceFormatError("OAI-PMH response without ListRecords", url=url)
    records = []
    for record in listing.findall("oai:record", NS):
        header = record.find("oai:header", NS)
        if header is not None and header.get("status") == "deleted":
            continue
        records.append(_record(record, url))
    token = listing.find("oai:resumptionToken", NS)
    if token is None:
        return OaiPage(records, None, None, None)
    return OaiPage(
        records,
        (token.text or "").strip() or None,
        _int(token.get("completeListSize"), url),
        _int(token.get("cursor"), url),
    )


def list_pages(
    client: HttpClient,
    base_url: str,
    *,
    set_spec: str | None = None,
    from_date: dt.date | str | None = None,
    until: dt.date | str | None = None,
    resumption_token: str | None = None,
) -> Iterator[OaiPage]:
    """Harvest ListRecords page by page, following resumption tokens to the end.

    With ``resumption_token`` (a checkpoint stored from an earlier page) the harvest goes on
    after that page; the protocol then forbids every other argument, so only the verb and the
    token are sent. The next request is made only when the caller asks for the next page, so
    a caller that stops (or crashes) after storing a page's token loses nothing.
    """
    if resumption_token:
        params = {"verb": "ListRecords", "resumptionToken": resumption_token}
    else:
        params = {"verb": "ListRecords", "metadataPrefix": METADATA_PREFIX}
        if set_spec:
            params["set"] = set_spec
        if from_date:
            params["from"] = _date_param(from_date, "from")
        if until:
            params["until"] = _date_param(until, "until")
    while True:
        response = client.get(base_url, params, expect="xml")
        page = parse_page(response.content, str(response.url))
        yield page
        if page.resumption_token is None:
            return
        if page.resumption_token == params.get("resumptionToken"):
            raise SourceFormatError(
                f"resumption token {page.resumption_token!r} repeated: the harvest would not end",
                url=str(response.url),
            )
        params = {"verb": "ListRecords", "resumptionToken": page.resumption_token}


def _record(record: etree._Element, url: str) -> PaperRecord:
    meta = record.find("oai:metadata/arxiv:arXiv", NS)
    if meta is None:
        raise SourceFormatError("OAI record without arXiv metadata", url=url)
    raw_id = _text(meta, "arxiv:id")
    try:
        arxiv_id, _ = split_arxiv_version(raw_id)
    except UnrecognisedIdentifier as exc:
        raise SourceFormatError(f"OAI record with unrecognised arXiv id {raw_id!r}", url=url) from exc
    created = _date(_text(meta, "arxiv:created"), url)
    updated = _date(_text(meta, "arxiv:updated"), url)
    categories = tuple(_text(meta, "arxiv:categories").split())
    extra = {}
    datestamp = _text(record, "oai:header/oai:datestamp")
    if datestamp:
        extra["datestamp"] = datestamp
    return PaperRecord(
        source=SOURCE,
        key=f"arxiv:{arxiv_id}",
        source_id=arxiv_id,
        title=clean_text(_text(meta, "arxiv:title")),
        abstract=clean_text(_text(meta, "arxiv:abstract")),
        authors=tuple(name for a in meta.findall("arxiv:authors/arxiv:author", NS) if (name := _author(a))),
        published=created,
        updated=updated,
        # The arXiv format gives v1's date (created) and the latest version's date (updated),
        # but not the latest version's number.
        versions=(Version(1, created),) if created else (),
        primary_category=categories[0] if categories else "",
        categories=categories,
        doi=clean_text(_text(meta, "arxiv:doi")),
        journal_ref=clean_text(_text(meta, "arxiv:journal-ref")),
        comments=clean_text(_text(meta, "arxiv:comments")),
        license=_text(meta, "arxiv:license"),
        abs_url=f"https://arxiv.org/abs/{arxiv_id}",
        pdf_url=f"https://arxiv.org/pdf/{arxiv_id}",
        extra=extra,
        payload_hash=payload_hash(element_bytes(record)),
    )


def _author(author: etree._Element) -> str:
    parts = (_text(author, f"arxiv:{name}") for name in ("forenames", "keyname", "suffix"))
    return clean_text(" ".join(p for p in parts if p))


def _date_param(value: dt.date | str, name: str) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError as exc:
        raise InputError(f"{name} date must be YYYY-MM-DD, not {value!r}") from exc


def _text(element: etree._Element, path: str) -> str:
    return child_text(element, path, NS)


def _date(text: str, url: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise SourceFormatError(f"bad date {text!r} in OAI-PMH response", url=url) from exc


def _int(text: str | None, url: str) -> int | None:
    return optional_int(text, url, "OAI-PMH response")
