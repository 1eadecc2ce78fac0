"""Any web page as a paper record: bioRxiv, ACL Anthology, journals, GitHub, blogs.

Order of trust: the ``citation_*`` meta tags (Highwire Press, what Google Scholar reads), then
Dublin Core, then OpenGraph, then ``<title>`` and the meta description. Identity follows
DESIGN.md: an arXiv id (tag or URL) first, then a DOI, else the page's canonical URL. Pages are
parsed with lxml and only text is kept: nothing is executed, and scripts and markup never
reach a record.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from paperhaul.errors import SourceFormatError
from paperhaul.papers import ids
from paperhaul.papers.ingest.http import HttpClient
from paperhaul.papers.ingest.links_dataset import parse_date
from paperhaul.papers.ingest.references import given_name_first
from paperhaul.papers.records import PaperRecord, clean_text, payload_hash

SOURCE = "web"
HTML_TYPES = {"text/html", "application/xhtml+xml"}
_UNLABELLED_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_GITHUB_REPO_KEY_RE = re.compile(r"^url:https://github\.com/([^/]+)/([^/]+)$")
# First path segments of github.com that are site pages, not owners.
_GITHUB_RESERVED = {
    "about", "apps", "collections", "customer-stories", "enterprise", "explore", "features",
    "login", "marketplace", "notifications", "orgs", "pricing", "settings", "sponsors", "topics",
}  # fmt: skip
_STRIPPED_ELEMENTS = ("script", "style", "noscript", "template", "iframe", "object")


def fetch_page(client: HttpClient, url: str) -> PaperRecord:
    """Fetch ``url`` (following redirects) and read it with parse_page."""
    # No expect="html": http._check_kind rejects HTML pages whatever `expect` says (reported).
    response = client.get(url)
    return parse_page(
        response.content,
        url,
        str(response.url),
        content_type=response.headers.get("Content-Type", ""),
    )


def parse_page(
    content: bytes, url: str, final_url: str | None = None, *, content_type: str = ""
) -> PaperRecord:
    """The record of one HTML page fetched from ``url`` (``final_url`` after redirects).

    ``content_type`` is the Content-Type header, when known: its charset wins over the page's
    own declaration, as in browsers. Raises SourceFormatError for content that is not HTML or
    a page without any usable title.
    """
    final_url = final_url or url
    _check_html(content, content_type, final_url)
    meta, doc = _read(content, content_type, final_url)

    def first(*names: str) -> str:
        for name in names:
            for value in meta.get(name, ()):
                text = _text(value)
                if text:
                    return text
        return ""

    def link(*names: str) -> str:
        for name in names:
            for value in meta.get(name, ()):
                if value.strip():
                    return urljoin(final_url, value.strip())
        return ""

    title = first("citation_title", "dc.title", "og:title", "twitter:title") or _title(doc)
    description = first(
        "citation_abstract", "dc.description", "og:description", "description",
        "twitter:description",
    )  # fmt: skip
    authors = [
        given_name_first(name) for name in _values(meta, "citation_author") or _values(meta, "dc.creator")
    ]
    if not authors:
        authors = _values(meta, "author")[:1]
    key, source_id = _key(meta, url, final_url, link("og:url"))
    code_url = ""
    repo = _GITHUB_REPO_KEY_RE.match(key)
    if repo and repo.group(1) not in _GITHUB_RESERVED:
        og_title = first("og:title") or title
        title, description, code_url = _github(repo, final_url, og_title, description)
    if not title:
        raise SourceFormatError("no title found", url=final_url)
    extra: dict[str, Any] = {}
    site_name = first("og:site_name", "citation_publisher", "dc.publisher")
    if site_name:
        extra["site_name"] = site_name
    aliases = _aliases(key, (url, final_url))
    return PaperRecord(
        source=SOURCE,
        key=key,
        title=title,
        source_id=source_id,
        abstract=_strip_abstract_heading(description),
        authors=tuple(authors),
        published=_published(meta),
        doi=next((k[4:] for k in (key, _tag_doi(meta) or "") if k.startswith("doi:")), ""),
        journal_ref=first("citation_journal_title", "citation_conference_title"),
        abs_url=code_url or link("citation_abstract_html_url") or _page_url(key, final_url),
        pdf_url=link("citation_pdf_url"),
        code_url=code_url,
        aliases=aliases,
        extra=extra,
        payload_hash=payload_hash(content),
    )


# --------------------------------------------------------------------------------- decoding


def _check_html(content: bytes, content_type: str, url: str) -> None:
    mime = content_type.split(";", 1)[0].strip().lower()
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    sniffed = ""
    if head.startswith(b"%PDF-"):
        sniffed = "application/pdf"
    elif head[:1] in (b"{", b"["):
        sniffed = "application/json"
    if sniffed:
        served = f" (served as {mime})" if mime and mime != sniffed else ""
        raise SourceFormatError(f"not an HTML page: {sniffed}{served}", url=url)
    if not head:
        raise SourceFormatError("empty page", url=url)
    if mime in HTML_TYPES or mime == "" or (mime in _UNLABELLED_TYPES and head.startswith(b"<")):
        return
    raise SourceFormatError(f"not an HTML page: {mime}", url=url)


def _encoding(content: bytes, content_type: str) -> str:
    """Header charset, BOM, ``<meta charset>``, then UTF-8 if it decodes, else windows-1252."""
    candidates = []
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.I)
    if match:
        candidates.append(match.group(1))
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            candidates.insert(0, name)
    match = _META_CHARSET_RE.search(content[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii"))
    for name in candidates:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        # As browsers do: labels of Latin-1 and ASCII mean windows-1252.
        return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _read(content: bytes, content_type: str, url: str) -> tuple[dict[str, list[str]], Any]:
    """Meta tags by lower-cased name or property (values in document order), and the tree."""
    text = content.decode(_encoding(content, content_type), errors="replace").lstrip("\ufeff")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        doc = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceFormatError(f"unreadable HTML: {exc}", url=url) from None
    etree.strip_elements(doc, *_STRIPPED_ELEMENTS, with_tail=False)
    meta: dict[str, list[str]] = {}
    for element in doc.iter("meta"):
        name = (element.get("name") or element.get("property") or "").strip().lower()
        value = element.get("content")
        if name and value is not None:
            meta.setdefault(name, []).append(value)
    return meta, doc


def _text(value: str) -> str:
    """Plain text of a value that may hold markup (citation_abstract often carries <p>, <i>)."""
    if "<" not in value and "&" not in value:
        return clean_text(value)
    try:
        fragment = lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return clean_text(re.sub(r"<[^>]*>", " ", value))
    etree.strip_elements(fragment, *_STRIPPED_ELEMENTS, with_tail=False)
    return clean_text(fragment.text_content())


def _values(meta: dict[str, list[str]], name: str) -> list[str]:
    return [text for text in (_text(v) for v in meta.get(name, ())) if text]


def _title(doc: Any) -> str:
    for element in doc.iter("title"):
        text = _text(element.text_content() or "")
        if text:
            return text
    return ""


def _published(meta: dict[str, list[str]]) -> dt.date | None:
    names = (
        "citation_publication_date", "citation_date", "citation_online_date", "dc.date",
        "article:published_time",
    )  # fmt: skip
    for name in names:
        for value in meta.get(name, ()):
            date = parse_date(value)
            if date:
                return date
    return None


def _strip_abstract_heading(text: str) -> str:
    """bioRxiv and journals start citation_abstract with an "Abstract" heading."""
    stripped = re.sub(r"^abstract\b[\s:.]*", "", text, flags=re.IGNORECASE)
    return stripped if stripped else text


# --------------------------------------------------------------------------------- identity


def _key(meta: dict[str, list[str]], url: str, final_url: str, og_url: str) -> tuple[str, str]:
    """The record's key and its source_id (the key of the URL that was asked for)."""
    requested = ids.try_canonical_key(url)
    source_id = requested or ids.try_canonical_key(final_url) or url
    for candidate in [*meta.get("citation_arxiv_id", ()), final_url, url, og_url]:
        arxiv = _try_arxiv(candidate)
        if arxiv:
            return "arxiv:" + arxiv, source_id
    key = _tag_doi(meta)
    if key:
        return key, source_id
    if og_url and not _is_site_root(og_url, final_url):
        key = ids.try_canonical_key(og_url)
        if key:
            return key, source_id
    key = ids.try_canonical_key(final_url) or requested
    if not key:
        raise SourceFormatError("page URL is not a usable URL", url=final_url)
    return key, source_id


def _page_url(key: str, final_url: str) -> str:
    """The page itself, except for arXiv pages: the record then links to the abstract page."""
    return "" if key.startswith("arxiv:") else final_url


def _tag_doi(meta: dict[str, list[str]]) -> str | None:
    """The key of the first DOI tag that holds a DOI (an arXiv DOI gives an arXiv key)."""
    for name in ("citation_doi", "dc.identifier", "prism.doi", "bepress_citation_doi"):
        for value in meta.get(name, ()):
            key = _doi_key(value)
            if key:
                return key
    return None


def _doi_key(value: str) -> str | None:
    """A DOI or arXiv key from a DOI tag (``10.…``, ``doi:10.…`` or a doi.org link); else None."""
    value = value.strip()
    if not value:
        return None
    key = ids.try_canonical_key(value if value.lower().startswith(("doi:", "http")) else "doi:" + value)
    return key if key and key.startswith(("doi:", "arxiv:")) else None


def _is_site_root(og_url: str, final_url: str) -> bool:
    """Sites that put their home page in og:url on every page must not merge every page."""
    return urlsplit(og_url).path.strip("/") == "" and urlsplit(final_url).path.strip("/") != ""


def _try_arxiv(text: str) -> str | None:
    try:
        return ids.arxiv_id(text) if text else None
    except ValueError:
        return None


def _aliases(key: str, urls: Iterable[str]) -> tuple[str, ...]:
    aliases, seen = [], {key}
    for url in urls:
        url_key = ids.try_canonical_key(url)
        if url_key and url_key not in seen:
            seen.add(url_key)
            aliases.append(url)
    return tuple(aliases)


# ----------------------------------------------------------------------------------- GitHub


def _github(key: re.Match[str], url: str, og_title: str, text: str) -> tuple[str, str, str]:
    """Title ``owner/repo`` as GitHub spells it, the bare description, and the repo URL.

    ``key`` matched the record's (lower-cased) key; the spelling is taken from og:title or
    else from the page URL when they name the same repository.
    """
    name = f"{key.group(1)}/{key.group(2)}"
    segments = [s for s in urlsplit(url).path.split("/") if s][:2]
    if len(segments) == 2 and f"{segments[0]}/{segments[1].removesuffix('.git')}".lower() == name:
        name = f"{segments[0]}/{segments[1].removesuffix('.git')}"
    title = re.sub(r"^GitHub\s*-\s*", "", og_title, flags=re.IGNORECASE)
    head = title.split(": ", 1)[0]
    if head.lower() == name.lower():
        name = head  # the spelling GitHub shows, whatever the case of the link
    lowered = re.escape(name.lower())
    text = re.sub(rf"^(?:github\s*-\s*)?{lowered}\s*:\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(rf"\s+-\s+{lowered}$", "", text, flags=re.IGNORECASE)
    text = re.sub(
        rf"\s*contribute to {lowered} development by creating an account on github\.?$",
        "",
        text,
        flags=re.IGNORECASE,
    )
    return name, text.strip(), f"https://github.com/{name}"
