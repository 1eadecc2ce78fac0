"""What reference files (BibTeX, RIS) share: finding the paper an entry names, names and dates.

Reference managers and exporters name a paper many ways: an arXiv id in a field of its own, in
a note or journal ("arXiv preprint arXiv:1706.03762"), in a link; a DOI; a URL; or nothing but a
title. The key is taken in that order of certainty. A DOI beside an arXiv id stays the paper's
DOI, not an alias: the published version and the preprint are two items that paperhaul reports
as possible duplicates rather than merging silently (DESIGN.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

from paperhaul.papers import ids

_ARXIV_IN_TEXT_RE = re.compile(r"arxiv\s*[:/]?\s*(?:abs/)?([a-z.-]+/\d{7}|\d{4}\.\d{4,5})(?:v\d+)?", re.I)
_URL_IN_TEXT_RE = re.compile(r"https?://[^\s{}<>\"]+")
_FULL_DATE_RE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})/?")
_NAME_SUFFIX_RE = re.compile(r"^(?:jr|sr|[ivx]+)\.?$", re.IGNORECASE)


class UnusableReference(ValueError):
    """An entry that names no paper: no identifier and a title without letters or digits."""


def arxiv_ids_in(text: str) -> Iterator[str]:
    """What in free text may be an arXiv id: ``arXiv:2311.11077`` and the links it holds."""
    if match := _ARXIV_IN_TEXT_RE.search(text):
        yield match.group(1)
    yield from _URL_IN_TEXT_RE.findall(text)


def reference_key(arxiv_hints: Iterable[str], identifiers: Iterable[str], title: str) -> str:
    """The key of the paper an entry names: the first arXiv id among ``arxiv_hints`` (ids, links,
    text; see arxiv_ids_in), else the first of ``identifiers`` (DOIs, URLs) that is one, else the
    title's key."""
    for hint in arxiv_hints:
        if hint and (arxiv := ids.arxiv_id(hint)):
            return f"arxiv:{arxiv}"
    for identifier in identifiers:
        if identifier and (key := ids.try_canonical_key(identifier)):
            return key
    try:
        return ids.title_key(title)
    except ids.UnrecognisedIdentifier:
        shown = repr(title[:200])
        raise UnusableReference(f"a title without letters or digits and no identifier: {shown}") from None


def is_arxiv_venue(venue: str) -> bool:
    """Whether a "journal" is arXiv itself (Scholar's "arXiv preprint arXiv:…", DBLP's CoRR)."""
    lowered = venue.strip().lower()
    return bool(_ARXIV_IN_TEXT_RE.search(venue)) or lowered == "corr" or lowered.startswith("arxiv")


def full_date(text: str) -> dt.date | None:
    """A date given to the day (``2023-05-01``, RIS's ``2023/05/01/``); a year or month alone
    says too little (it would put the paper on the 1st)."""
    match = _FULL_DATE_RE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def given_name_first(name: str) -> str:
    """ "Mitra, Arindam" as "Arindam Mitra": the form arXiv and the other sources give, so that one
    author is one name (an author page, typeahead). Names with no comma, more than one, or a
    suffix after it ("Smith, Jr.") are kept as written."""
    family, comma, given = name.partition(",")
    family, given = family.strip(), given.strip()
    if not comma or "," in given or not family or not given or _NAME_SUFFIX_RE.match(given):
        return name
    return f"{given} {family}"
