"""SQLite FTS5 MATCH expressions from a parsed query, in which user text is always inert.

FTS5's query syntax gives meaning to barewords (``AND OR NOT NEAR``), to ``* ^ : + ( ) { }``
and to ``column :`` prefixes. Every piece of user text is therefore written as a double-quoted
string (FTS5's only escape is a doubled ``"``), which FTS5 reads as the phrase of the tokens its
tokenizer finds in it; every operator in an expression comes from this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from paperhaul.search.query import ParsedQuery, clean_text

DEFAULT_COLUMNS: Mapping[str, str] = {"authors": "authors"}
"""Query field -> FTS5 column; ``authors`` is the column that ``author:`` constraints search."""

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_BAREWORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = {"AND", "OR", "NOT", "NEAR"}
# FTS5 reads the query as a C string, so a NUL would end it inside a quoted string
# ("unterminated string"); lone surrogates cannot be encoded to UTF-8 at all.
_UNSENDABLE_RE = re.compile("[\x00\ud800-\udfff]")


def quote(text: str) -> str:
    """``text`` as an FTS5 string: a phrase of its tokens, never an operator."""
    return '"' + _UNSENDABLE_RE.sub("", text).replace('"', '""') + '"'


# Words too common to help a ranking that needs only some of the words to match.
_STOPWORDS = """a about an and are as at be been but by can do does for from had has have how i in into is
it its of on or our so than that the their them then there these they this those to use used using was we
were what when where which while who why will with you your"""
STOPWORDS = frozenset(_STOPWORDS.split())
# An any-word query keeps this many words (the longest: long words tend to be the rare ones), so a
# pasted paragraph does not make FTS5 rank the union of a hundred doclists.
MAX_ANY_WORDS = 16


def match_expression(
    parsed: ParsedQuery, *, columns: Mapping[str, str] | None = None, any_words: bool = False
) -> str | None:
    """The MATCH expression for ``parsed``; None when it has nothing positive for FTS5 to match.

    Terms (stopwords dropped, unless the query has nothing else), phrases and authors are ANDed,
    each author restricted to the authors column; a stopword would only make FTS5 read one of its
    longest doclists without changing which papers come first. With
    ``any_words`` a paper needs only one of the terms and phrases (BM25 ranks those with more
    of them, and the rarer ones, first), stopwords dropped, authors still all required.
    Exclusions apply as ``(...) NOT (x OR y)``: FTS5's NOT is binary, so a query with nothing
    but exclusions (or only categories and dates) gets None and the caller filters without FTS.
    ``columns`` overrides DEFAULT_COLUMNS for tables whose columns are named otherwise.
    """
    authors_column = _column({**DEFAULT_COLUMNS, **(columns or {})}["authors"])
    texts = [*_without_stopwords(parsed.terms, keep_one=not parsed.phrases), *parsed.phrases]
    if any_words:
        texts = salient(parsed.terms) + list(parsed.phrases)
        positive = [f"({' OR '.join(quote(text) for text in texts)})"] if texts else []
    else:
        positive = [quote(text) for text in texts]
    positive += [f"{{{authors_column}}} : {quote(author)}" for author in parsed.authors]
    if not positive:
        return None
    expression = " AND ".join(positive)
    if parsed.excluded:
        expression = f"({expression}) NOT ({' OR '.join(quote(text) for text in parsed.excluded)})"
    return expression


def prefix_expression(text: str) -> str | None:
    """The typeahead expression for what is typed so far; None when it has no word to match.

    Every word is quoted and ANDed; the last one, which may be half typed, is a prefix query
    (``"lang"*``), unless it is a single character: that narrows almost nothing and would make
    FTS5 merge the doclists of every word with that letter. A one-letter last word waits for
    the next letters, and a one-letter word before it ("A B") is matched whole. The text is
    taken literally: operators of the query language are words here.
    """
    words = _WORD_RE.findall(clean_text(text))
    if words and len(words[-1]) == 1:
        words.pop()
    if not words:
        return None
    last = quote(words[-1]) + ("*" if len(words[-1]) > 1 else "")
    return " AND ".join([*(quote(word) for word in words[:-1]), last])


def _without_stopwords(terms: tuple[str, ...], keep_one: bool) -> list[str]:
    kept = [t for t in terms if t.casefold() not in STOPWORDS]
    return kept if kept or not keep_one else list(terms)


def salient(terms: tuple[str, ...]) -> list[str]:
    """The distinct non-stopword terms, at most MAX_ANY_WORDS of them, longest first."""
    unique = list(dict.fromkeys(t for t in terms if t.casefold() not in STOPWORDS))
    return sorted(unique, key=len, reverse=True)[:MAX_ANY_WORDS] or list(terms[:1])


def _column(name: str) -> str:
    """A column name that FTS5 reads as a bareword; anything else is a programming error."""
    if not _BAREWORD_RE.fullmatch(name) or name in _KEYWORDS:
        raise ValueError(f"not usable as an FTS5 column name: {name!r}")
    return name
