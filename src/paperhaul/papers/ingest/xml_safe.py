"""Reading untrusted XML from sources safely, and the small helpers every XML source needs."""

from __future__ import annotations

from lxml import etree

from paperhaul.errors import SourceFormatError


def parse_xml(content: bytes, url: str, what: str) -> etree._Element:
    """Parse an untrusted XML document: no entity expansion, no DTD or network fetches.

    Raises SourceFormatError naming ``url`` when the bytes are not well-formed XML.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceFormatError(f"malformed XML in {what}: {exc}", url=url) from exc
    if root is None:  # pragma: no cover - lxml raises for empty documents
        raise SourceFormatError(f"empty {what}", url=url)
    return root


def element_bytes(element: etree._Element) -> bytes:
    """The element as exclusive canonical XML: stable whatever the surrounding document declares."""
    return etree.tostring(element, method="c14n", exclusive=True)


def child_text(element: etree._Element, path: str, namespaces: dict[str, str] | None = None) -> str:
    """Stripped text of the first ``path`` child, '' when there is none."""
    found = element.find(path, namespaces)
    return (found.text or "").strip() if found is not None else ""


def optional_int(text: str | None, url: str, where: str) -> int | None:
    """An integer field of a response, None when empty; anything else is a format error."""
    if not text:
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise SourceFormatError(f"bad number {text!r} in {where}", url=url) from exc
