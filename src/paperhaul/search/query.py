"""The search query language: what users type into the search box and ``paperhaul search``.

Grammar (after normalisation: NFKC, control and format characters removed, whitespace
collapsed). Items are separated by spaces; a double quote also ends a word::

    query   := paper | item*
    paper   := an arXiv id, DOI or link, alone        -> key (everything else stays empty)
    item    := field | "-" text | text
    field   := NAME ":" value                          NAME is author, cat, venue, cites, citedby, year,
                                                       before or after, in any case; value right after
                                                       the colon
    value   := phrase | word
    text    := phrase | word
    phrase  := '"' chars ('"' | end of query)          an unbalanced quote runs to the end
    word    := chars up to a space or '"'

- Words and phrases must all match. ``-word`` and ``-"a phrase"`` must not.
- ``author:hinton``, ``author:"Geoffrey Hinton"``: each one must match an author.
- ``venue:ICLR``, ``venue:"NeurIPS 2024"``: each one must be in the journal reference or the
  comments (an OpenReview decision "ICLR 2025 Oral", an arXiv comment "Accepted at ACL 2024"),
  whatever the case.
- ``cites:2311.11077``: the paper must cite the paper named by the value (an arXiv id, DOI or
  link, in any form); ``citedby:X``: it must be cited by X. Both follow the references that
  `paperhaul sync semantic-scholar` keeps (papers/citation_graph.py). A value that names no paper
  is a QueryError.
- ``cat:cs.cl``: any of the categories, kept in arXiv form (``cs.CL``, ``stat.ML``, ``hep-th``,
  ``cond-mat.mes-hall``: two-letter subject classes upper-case, everything else lower-case).
- ``year:2023``, ``year:2020-2023`` (whole years, both ends included).
- ``before:X`` means strictly earlier than the first day of X; ``after:X`` means on or after the
  first day of X; X is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``. So ``before:2023`` excludes all
  of 2023 and ``after:2023`` includes all of it. Every date operator narrows the range; a range
  that ends up empty (``year:2023 before:2020``) is not an error, it matches nothing.
- Anything else is text: an unknown ``field:`` (``foo:bar``, ``C++:``, ``http:``), an operator
  without a value (``author:`` alone), and a negated operator (``-author:x`` excludes the text
  ``author:x``). Words and phrases without a letter or digit (``-``, ``*``, emoji) carry nothing
  a lexical index could match and are dropped.

Parsing never fails on what it cannot understand; the only errors are a malformed date value, a
``cites:``/``citedby:`` value that names no paper and a query over the length limit, each
reported as a one-line QueryError.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from paperhaul.errors import InputError
from paperhaul.papers.ids import arxiv_id, canonical_key


class QueryError(InputError):
    """The query cannot be searched; the message is one line for the user."""


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    """Canonical keys of papers the result must cite."""
    cited_by: tuple[str, ...] = ()
    """Canonical keys of papers that must cite the result."""
    after: datetime.date | None = None
    """Inclusive lower bound on the published date."""
    before: datetime.date | None = None
    """Exclusive upper bound on the published date."""
    key: str | None = None
    """The canonical key when the whole query names one paper (an id, DOI or link)."""

    @property
    def text(self) -> str:
        """The free text for semantic search: terms then phrases, without operators or exclusions."""
        return " ".join((*self.terms, *self.phrases))

    @property
    def has_positive_text(self) -> bool:
        return bool(self.terms or self.phrases)

    @property
    def is_empty(self) -> bool:
        """Nothing at all to search for or filter on."""
        return not (
            self.has_positive_text
            or self.excluded
            or self.authors
            or self.categories
            or self.venues
            or self.cites
            or self.cited_by
            or self.after is not None
            or self.before is not None
            or self.key
        )


FIELDS = ("author", "cat", "venue", "cites", "citedby", "year", "before", "after")


def parse_query(q: str, *, max_length: int = 1000) -> ParsedQuery:
    """Parse what a user typed; raises QueryError for a bad date or a query over ``max_length``.

    The length is counted after normalisation, so padding and repeated spaces do not count.
    """
    text = clean_text(q)
    if len(text) > max_length:
        raise QueryError(f"the query is too long: {len(text)} characters, the limit is {max_length}")
    key = _paper_key(text) if text else None
    if key:
        return ParsedQuery(key=key)
    builder = _Builder()
    for token in _scan(text):
        builder.add(token)
    return builder.result()


def clean_text(text: str) -> str:
    """NFKC, control characters as spaces, format characters and lone surrogates dropped, spaces collapsed.

    Format characters (zero-width spaces, soft hyphens, direction marks) are invisible in the
    box, so they must not split or change a word; lone surrogates cannot even be encoded.
    """
    text = unicodedata.normalize("NFKC", text)
    if not (text.isascii() and text.isprintable()):
        text = "".join(_clean_char(ch) for ch in text)
    return " ".join(text.split())


def has_word_characters(text: str) -> bool:
    """Whether ``text`` has a letter or digit, the characters a full-text tokenizer indexes."""
    return any(ch.isalnum() for ch in text)


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "
    return "" if category in ("Cf", "Cs") else ch


# --- a whole query naming one paper ----------------------------------------------------------

_ID_PREFIX_RE = re.compile(r"^(arxiv|doi)\s*:\s*", re.IGNORECASE)
_DOI_RE = re.compile(r"^(?:doi:)?10\.[0-9]{4,9}/\S+$", re.IGNORECASE)
_URL_RE = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)
# A link without a scheme needs a dotted host and a path, so that words such as "node.js",
# "cs.CL" or "e.g." stay words.
_LINK_RE = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::[0-9]+)?/[^\s/]\S*$", re.IGNORECASE)


def _paper_key(text: str) -> str | None:
    text = _ID_PREFIX_RE.sub(lambda m: m.group(1) + ":", text)  # "arXiv: 2311.11077"
    if " " in text:
        return None
    try:
        found = arxiv_id(text)
        if found:
            return "arxiv:" + found
        if _DOI_RE.match(text) or _URL_RE.match(text) or _LINK_RE.match(text):
            return canonical_key(text)
    # UnrecognisedIdentifier or a malformed URL: not a paper.
    except ValueError:
        return None
    return None


# --- tokens ----------------------------------------------------------------------------------

_FIELD_RE = re.compile(r"([A-Za-z]+):")
_WORD_RE = re.compile(r'[^ "]+')


@dataclass(frozen=True)
class _Token:
    value: str
    raw: str
    """The token as typed, for error messages."""
    quoted: bool = False
    negated: bool = False
    field: str = ""
    """The operator's name in lower case; empty for text."""


def _scan(text: str) -> Iterator[_Token]:
    i, n = 0, len(text)
    while i < n:
        if text[i] == " ":
            i += 1
            continue
        start = i
        negated = text[i] == "-" and i + 1 < n and text[i + 1] != " "
        if negated:
            i += 1
        name = ""
        match = _FIELD_RE.match(text, i)
        if (
            match
            and not negated
            and match.group(1).lower() in FIELDS
            and match.end() < n
            and text[match.end()] != " "
        ):
            name, i = match.group(1).lower(), match.end()
        quoted = text[i] == '"'
        if quoted:
            end = text.find('"', i + 1)
            end = n if end == -1 else end
            value, i = text[i + 1 : end], min(end + 1, n)
        else:
            end = _WORD_RE.match(text, i).end()
            value, i = text[i:end], end
        yield _Token(value.strip(), text[start:i], quoted=quoted, negated=negated, field=name)


# --- building the query ----------------------------------------------------------------------

_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_YEARS_RE = re.compile(r"([0-9]{4})(?:-([0-9]{4}))?")
_DATE_FORMS = "use YYYY, YYYY-MM or YYYY-MM-DD"
_YEAR_FORMS = "use YYYY or YYYY-YYYY"


@dataclass
class _Builder:
    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    venues: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    cited_by: list[str] = field(default_factory=list)
    after: datetime.date | None = None
    before: datetime.date | None = None

    def add(self, token: _Token) -> None:
        if token.field in ("year", "before", "after"):
            self._add_dates(token)
        elif token.field in ("cites", "citedby"):
            (self.cites if token.field == "cites" else self.cited_by).append(_named_paper(token))
        elif not has_word_characters(token.value):
            return
        elif token.field == "author":
            self.authors.append(token.value)
        elif token.field == "cat":
            self.categories.append(_category(token.value))
        elif token.field == "venue":
            self.venues.append(token.value)
        elif token.negated:
            self.excluded.append(token.value)
        else:
            (self.phrases if token.quoted else self.terms).append(token.value)

    def result(self) -> ParsedQuery:
        return ParsedQuery(
            terms=tuple(self.terms),
            phrases=tuple(self.phrases),
            excluded=tuple(self.excluded),
            authors=tuple(self.authors),
            categories=tuple(self.categories),
            venues=tuple(self.venues),
            cites=tuple(self.cites),
            cited_by=tuple(self.cited_by),
            after=self.after,
            before=self.before,
        )

    def _add_dates(self, token: _Token) -> None:
        if token.field == "year":
            match = _YEARS_RE.fullmatch(token.value)
            if not match:
                raise QueryError(f"invalid year {token.raw!r}: {_YEAR_FORMS}")
            first, last = _date(token, match.group(1)), _date(token, match.group(2) or match.group(1))
            self._narrow(after=first, before=_day_after_year(last))
            return
        match = _DATE_RE.fullmatch(token.value)
        if not match:
            raise QueryError(f"invalid date {token.raw!r}: {_DATE_FORMS}")
        start = _date(token, *match.groups())
        if token.field == "before":
            self._narrow(before=start)
        else:
            self._narrow(after=start)

    def _narrow(self, *, after: datetime.date | None = None, before: datetime.date | None = None) -> None:
        """Every bound must hold, so the range only shrinks: the latest start, the earliest end."""
        if after is not None:
            self.after = after if self.after is None else max(self.after, after)
        if before is not None:
            self.before = before if self.before is None else min(self.before, before)


def _date(token: _Token, year: str, month: str | None = None, day: str | None = None) -> datetime.date:
    """The first day of the year, month or day written."""
    try:
        return datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise QueryError(f"invalid date {token.raw!r}: no such date") from None


def _day_after_year(last: datetime.date) -> datetime.date | None:
    """The first day after the year of ``last``; None after 9999, where no later date exists."""
    return None if last.year == datetime.MAXYEAR else datetime.date(last.year + 1, 1, 1)


def _category(value: str) -> str:
    """arXiv's spelling: ``cs.CL``, ``stat.ML``, ``hep-th``, ``cond-mat.mes-hall``, ``physics.optics``."""
    archive, dot, subject = value.partition(".")
    two_letters = len(subject) == 2 and subject.isascii() and subject.isalpha()
    return archive.lower() + dot + (subject.upper() if two_letters else subject.lower())


def _named_paper(token: _Token) -> str:
    """The canonical key a ``cites:``/``citedby:`` value names."""
    key = _paper_key(token.value)
    if key is None:
        raise QueryError(f"{token.field}: takes a paper's arXiv id, DOI or link, not {token.raw!r}")
    return key
