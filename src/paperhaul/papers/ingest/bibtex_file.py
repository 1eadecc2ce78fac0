"""BibTeX files: a researcher's references (``.bib``) as paper records.

Each exporter names a paper its own way: arXiv and DBLP give ``eprint`` with ``archivePrefix``
(or ``eprinttype``) arXiv, Google Scholar writes "arXiv preprint arXiv:2311.11077" in
``journal``, the ACL Anthology and publishers give a ``doi`` and a ``url``, and hand-written
entries may give only a title; references.py turns them into one key.

Fields are TeX: accents and escapes become Unicode (``M{\\"u}ller``, ``\\&``), braces that
protect capitals go, and math stays as written (``$\\alpha$``), as arXiv keeps it. A year alone
is not a publication date (it would put the paper on 1 January); it is kept in ``extra`` with
the entry's own citation key, which ``paperhaul export bibtex`` reuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, Field, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexWalker, LatexWalkerError
from pylatexenc.latexwalker import get_default_latex_context_db as get_default_walker_context_db

from paperhaul.errors import InputError, RecordError
from paperhaul.papers import ids
from paperhaul.papers.ingest.references import (
    UnusableReference,
    arxiv_ids_in,
    full_date,
    is_arxiv_venue,
    reference_key,
)
from paperhaul.papers.records import PaperRecord, ParsedRecord, clean_text, payload_hash

SOURCE = "bibtex"
_URL_ESCAPE_RE = re.compile(r"\\([_&%#$~])")
# The parts of ``a # "b" # {c}``: quoted or braced text (one level of inner braces), or a name.
_CONCATENATED_RE = re.compile(r'"[^"]*"|\{(?:[^{}]|\{[^{}]*\})*\}|[^\s#"{}]+')
_INHERITED = ("booktitle", "year", "month", "date", "publisher", "editor", "series", "volume")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August")
_MONTH_NAMES += ("September", "October", "November", "December")
_MONTHS = {name[:3].lower(): name for name in _MONTH_NAMES}


def read_bibtex(text: str, path: str = "") -> Iterator[ParsedRecord]:
    """Records of a BibTeX document, in file order; a malformed entry yields a RecordError.

    Raises InputError at once when the text holds no BibTeX entry at all (an HTML page, a JSON
    file, an empty file), so that a wrong file is one clear error rather than "added 0".
    """
    library = bibtexparser.parse_string(text)
    macros = {string.key.lower(): str(string.value) for string in library.strings}
    blocks = sorted(library.entries + library.failed_blocks, key=lambda b: b.start_line or 0)
    if not blocks:
        raise InputError(f"no BibTeX entries (@article{{...}}, @misc{{...}}...) in {path or 'the text'}")
    return _records(blocks, macros, path)


def _records(blocks: list, macros: dict[str, str], path: str) -> Iterator[ParsedRecord]:
    entries = {block.key.lower(): block for block in blocks if isinstance(block, Entry)}
    # DBLP's "with crossref" export: each paper names its proceedings volume (an entry of its
    # own, not a paper), whose fields it inherits.
    volumes = {_crossref(block) for block in entries.values()} & entries.keys()
    for block in blocks:
        line = (block.start_line or 0) + 1  # bibtexparser counts lines from 0
        if isinstance(block, DuplicateBlockKeyBlock):
            # The same citation key twice is common in hand-kept files; the entry itself is fine.
            block = block.ignore_error_block
        if isinstance(block, ParsingFailedBlock):
            yield RecordError(f"malformed entry: {_first_line(block)}", line=line, path=path)
            continue
        if block.key.lower() in volumes:
            continue
        try:
            yield _record(block, macros, entries.get(_crossref(block)))
        except (_BadEntry, UnusableReference) as exc:
            yield RecordError(f"entry {block.key!r}: {exc}", line=line, path=path)


class _BadEntry(Exception):
    """Why one entry is unusable; becomes a RecordError with its line number."""


def _crossref(entry: Entry) -> str:
    field = entry.get("crossref")
    return str(field.value).strip().lower() if field is not None else ""


def _fields(entry: Entry, macros: dict[str, str]) -> dict[str, str]:
    return {field.key.lower(): _value(field, macros) for field in entry.fields}


def _record(entry: Entry, macros: dict[str, str], volume: Entry | None) -> PaperRecord:
    fields = _fields(entry, macros)
    if volume is not None:
        # What the entry lacks of where and when it appeared comes from its volume (whose title
        # is the booktitle); never the volume's DOI or URL, which name the volume, not the paper.
        of_volume = _fields(volume, macros)
        inherited = {name: of_volume[name] for name in _INHERITED if name in of_volume}
        if "title" in of_volume:
            inherited.setdefault("booktitle", of_volume["title"])
        fields = {**inherited, **fields}
    title = decode(fields.get("title", ""))
    if not title:
        raise _BadEntry("no title")
    url, doi_field = _url(fields.get("url", "")), _url(fields.get("doi", ""))
    key = reference_key(_arxiv_hints(fields), (doi_field, url), title)
    doi = ids.doi_of(doi_field) or ""
    extra = {"citation_key": entry.key, "entry_type": entry.entry_type.lower()}
    if fields.get("year", "").isdigit():
        extra["year"] = int(fields["year"])
    return PaperRecord(
        source=SOURCE,
        key=key,
        title=title,
        abstract=decode(fields.get("abstract", "")),
        authors=tuple(_authors(fields.get("author", ""))),
        published=full_date(fields.get("date", "")),
        doi="" if doi.startswith("10.48550/arxiv.") else doi,
        journal_ref=_venue(fields),
        abs_url=url if key.startswith("url:") else "",
        pdf_url=url if url.lower().endswith(".pdf") and not key.startswith("url:") else "",
        extra=extra,
        payload_hash=payload_hash(entry.raw or ""),
    )


def _value(field: Field, macros: dict[str, str]) -> str:
    """The field's text; ``nips # " 36"`` (left whole by bibtexparser) joined, macros resolved."""
    value = str(field.value).strip()
    if field.enclosing != "no-enclosing" or "#" not in value:
        return value
    parts = []
    for part in _CONCATENATED_RE.findall(value):
        part = part.strip()
        if part[:1] in ('"', "{") and len(part) > 1:
            parts.append(part[1:-1])
        else:
            parts.append(macros.get(part.lower(), _MONTHS.get(part.lower(), part)))
    return "".join(parts)


def _arxiv_hints(fields: dict[str, str]) -> Iterator[str]:
    """The places entries put an arXiv id, the most explicit first."""
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if archive in ("arxiv", ""):
        yield _url(fields.get("eprint", ""))
    for name in ("journal", "note", "howpublished", "booktitle", "url"):
        yield from (_url(hint) for hint in arxiv_ids_in(fields.get(name, "")))
    # DBLP's older entries: journal = {CoRR}, volume = {abs/1706.03762}.
    if fields.get("journal", "").lower() == "corr" and fields.get("volume", "").startswith("abs/"):
        yield fields["volume"][4:]


def _url(text: str) -> str:
    """A URL, DOI or eprint field as written, without TeX escapes (``\\_``) or ``\\url{...}``."""
    text = text.strip()
    if text.startswith("\\url{") and text.endswith("}"):
        text = text[5:-1]
    return _URL_ESCAPE_RE.sub(r"\1", text).strip("{} ")


def _authors(text: str) -> Iterator[str]:
    """Names in reading order ("Jacob Devlin", "Ludwig van Beethoven, Jr."), "others" dropped."""
    for name in split_multiple_persons_names(text):
        if name.strip().lower() == "others":
            continue
        parts = parse_single_name_into_parts(name, strict=False)
        full = " ".join(parts.first + parts.von + parts.last)
        if parts.jr:
            full += ", " + " ".join(parts.jr)
        if full := decode(full):
            yield full


def _venue(fields: dict[str, str]) -> str:
    """Where the paper appeared ("Proceedings of ACL 2023"), with its year when the name lacks it."""
    venue = decode(fields.get("journal") or fields.get("booktitle") or "")
    if not venue or is_arxiv_venue(venue):
        return ""
    year = fields.get("year", "")
    return f"{venue} ({year})" if year.isdigit() and year not in venue else venue


def _first_line(block: ParsingFailedBlock) -> str:
    raw = (block.raw or "").strip().splitlines()
    start = raw[0][:80] if raw else ""
    reason = getattr(block.error, "abort_reason", "") or str(block.error)
    return f"{start!r}" + (f": {reason.strip()[:200]}" if reason.strip() else "")


def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    context.add_context_category("paperhaul-bibtex", prepend=True, macros=[MacroTextSpec("url", "%s")])
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", keep_braced_groups=False)


_DECODER = _decoder()
# What TeX makes of plain characters, as pylatexenc reads them (the same text either way).
_TEX_LIGATURES = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d", "?`": "\u00bf"}
_TEX_LIGATURES |= {"!`": "\u00a1", "~": " ", "{": "", "}": ""}
_TEX_LIGATURES_RE = re.compile("|".join(re.escape(k) for k in sorted(_TEX_LIGATURES, key=len, reverse=True)))
# Built once: pylatexenc would build the parser's macro table again for every value it reads.
_WALKER_CONTEXT = get_default_walker_context_db()


def decode(tex: str) -> str:
    """TeX as text: accents and escapes as Unicode, protecting braces gone, math kept as written."""
    if "\\" not in tex and "$" not in tex:  # most values: {Protected} words, ~ ties, -- dashes
        return clean_text(_TEX_LIGATURES_RE.sub(lambda m: _TEX_LIGATURES[m[0]], tex))
    try:
        walker = LatexWalker(tex, latex_context=_WALKER_CONTEXT, tolerant_parsing=True)
        return clean_text(_DECODER.nodelist_to_text(walker.get_latex_nodes()[0]))
    except (LatexWalkerError, RecursionError):  # too broken, or nested too deep, to parse
        return clean_text(tex.replace("{", "").replace("}", ""))
