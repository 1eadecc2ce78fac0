"""arXiv listing feeds: the daily announcements of a category as RSS 2.0 or Atom.

The format served by rss.arxiv.org since 2024 (``{base}/rss/{category}`` and
``{base}/atom/{category}``): each item has ``arxiv:announce_type`` (new, cross, replace,
replace-cross), a description ``arXiv:2311.11077v1 Announce Type: new \\nAbstract: ...``,
comma-separated authors in ``dc:creator``, one element per category and the licence in
``dc:rights``.

lxml rather than feedparser: feedparser accepts malformed XML (it only sets ``bozo``) and would
let a broken feed through as a short one.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from urllib.parse import unquote, urlsplit

from lxml import etree

from paperhaul.errors import InputError, SourceFormatError
from paperhaul.papers.ids import UnrecognisedIdentifier, split_arxiv_version
from paperhaul.papers.ingest.http import HttpClient
from paperhaul.papers.ingest.xml_safe import child_text, element_bytes, parse_xml
from paperhaul.papers.records import PaperRecord, Version, clean_text, payload_hash

SOURCE = "arxiv-listing"
FORMATS = ("rss", "atom")
ATOM_NS = "http://www.w3.org/2005/Atom"
NS = {
    "atom": ATOM_NS,
    "arxiv": "http://arxiv.org/schemas/atom",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_PREAMBLE_RE = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce\s+Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?(?P<rest>.*)$",
    re.DOTALL | re.IGNORECASE,
)
_OAI_ID_PREFIX = "oai:arXiv.org:"
_CHANNEL_TITLE_RE = re.compile(r"^(?P<category>\S+) updates on arXiv\.org$")


def parse_listing(content: bytes, url: str = "", *, category: str = "") -> list[PaperRecord]:
    """The records of one listing feed (RSS 2.0 or Atom), in the feed's order.

    ``category`` names the listing for ``extra["listing"]``; without it, it is read from the
    feed's title ("cs.CL updates on arXiv.org") or the last segment of ``url``. An empty
    listing (no announcements that day) is an empty list.
    """
    root = parse_xml(content, url, "arXiv listing feed")
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise SourceFormatError("RSS feed without a channel", url=url)
        items, ns = channel.findall("item"), ""
        title = channel.findtext("title") or ""
    elif root.tag == f"{{{ATOM_NS}}}feed":
        items, ns = root.findall("atom:entry", NS), "atom:"
        title = root.findtext("atom:title", "", NS)
    else:
        raise SourceFormatError(f"expected an RSS or Atom feed, got <{etree.QName(root).localname}>", url=url)
    category = category or _listing_name(title, url)
    return [_item_record(item, ns, category, url) for item in items]


def fetch_listing(client: HttpClient, base_url: str, category: str, *, fmt: str = "rss") -> list[PaperRecord]:
    """Today's listing of ``category`` (e.g. ``cs.CL``, or ``cs.CL+cs.LG``) from ``base_url``."""
    if fmt not in FORMATS:
        raise InputError(f"listing format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    response = client.get(f"{base_url.rstrip('/')}/{fmt}/{category}", expect="xml")
    return parse_listing(response.content, str(response.url), category=category)


def _item_record(item: etree._Element, ns: str, category: str, url: str) -> PaperRecord:
    """One RSS ``item`` (``ns`` empty) or Atom ``entry`` (``ns`` "atom:") as a record."""
    atom = ns == "atom:"
    description = _text(item, f"{ns}summary" if atom else "description")
    match = _PREAMBLE_RE.match(description)
    guid = _text(item, f"{ns}id" if atom else "guid")
    raw_id = match.group("id") if match else guid.removeprefix(_OAI_ID_PREFIX)
    try:
        arxiv_id, version = split_arxiv_version(raw_id)
    except UnrecognisedIdentifier as exc:
        raise SourceFormatError(f"listing item without an arXiv id ({guid!r})", url=url) from exc
    abstract = match.group("rest") if match else description
    announce_type = _text(item, "arxiv:announce_type") or (match.group("type") if match else "")
    announce_type = announce_type.lower()
    if atom:
        announced = _iso_date(_text(item, "atom:published") or _text(item, "atom:updated"))
        link = item.find("atom:link[@rel='alternate']", NS)
        link = item.find("atom:link", NS) if link is None else link
        abs_url = (link.get("href") or "").strip() if link is not None else ""
        terms = [c.get("term") or "" for c in item.findall("atom:category", NS)]
        names = [a.findtext("atom:name", "", NS) for a in item.findall("atom:author", NS)]
        license_ = _text(item, "atom:rights") or _text(item, "dc:rights")
    else:
        announced = _rfc822_date(_text(item, "pubDate"))
        abs_url = _text(item, "link")
        terms = [c.text or "" for c in item.findall("category")]
        names = []
        license_ = _text(item, "dc:rights")
    if not names:
        names = [c.text or "" for c in item.findall("dc:creator", NS)]
    categories = tuple(t.strip() for t in terms if t.strip())
    return PaperRecord(
        source=SOURCE,
        key=f"arxiv:{arxiv_id}",
        source_id=arxiv_id,
        title=clean_text(_text(item, f"{ns}title" if atom else "title")),
        abstract=clean_text(abstract),
        authors=tuple(a for name in names for a in _split_authors(name)),
        # The announcement date is v1's date only for a new submission; for a replacement it
        # is when the latest version was announced; a cross-list tells neither.
        published=announced if announce_type == "new" else None,
        updated=announced if announce_type.startswith("replace") else None,
        versions=(Version(version),) if version else (),
        primary_category=categories[0] if categories else "",
        categories=categories,
        doi=clean_text(_text(item, "arxiv:DOI")),
        journal_ref=clean_text(_text(item, "arxiv:journal_reference")),
        license=license_,
        abs_url=abs_url,
        pdf_url=f"https://arxiv.org/pdf/{arxiv_id}v{version}" if version else "",
        extra={"announce_type": announce_type, "listing": category},
        payload_hash=payload_hash(element_bytes(item)),
    )


def _split_authors(text: str) -> list[str]:
    """``"A. Smith, B. Jones, and C. Wu"`` -> three names."""
    return [p for p in re.split(r",\s*(?:and\s+)?", clean_text(text)) if p]


def _text(element: etree._Element, path: str) -> str:
    """Text of the first ``path`` child; RSS 2.0 paths have no prefix (no namespace)."""
    return child_text(element, path, NS if ":" in path else None)


def _rfc822_date(text: str) -> dt.date | None:
    """An RSS pubDate; a date the feed garbles is left out rather than failing the listing."""
    try:
        return email.utils.parsedate_to_datetime(text).date() if text else None
    except (TypeError, ValueError):
        return None


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(text).date() if text else None
    except ValueError:
        return None


def _listing_name(title: str, url: str) -> str:
    match = _CHANNEL_TITLE_RE.match(clean_text(title))
    if match:
        return match.group("category")
    return unquote(urlsplit(url).path.rstrip("/").rpartition("/")[2]) if url else ""
