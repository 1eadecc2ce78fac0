"""The words of a query marked in a title or abstract, and the abstract's best window to show.

The text is escaped piece by piece and only this module's own ``<mark>`` tags are added, so what
the query or the text contains can never become markup: the query only chooses where marks go.
Matching follows the lexical index loosely: case and accents ignored, whole words, and a word
written in another form (``preferences`` marks *preference*) through a light suffix trim.
Excluded words and operators (``author:``, ``cat:``...) are not marked: they are not in the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from paperhaul.search.fts5 import STOPWORDS
from paperhaul.search.query import ParsedQuery

SNIPPET_CHARS = 280
# Context kept before the first mark of a window, so a snippet does not start on the match.
LEAD_CHARS = 40
MAX_PATTERNS = 32
MAX_MATCHES = 200
# Longest first, so "optimizations" loses "ations" rather than "s".
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "ies", "ied", "es", "ed", "er", "ly", "s", "e")
_MIN_STEM = 4
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    term: int  # which word or phrase of the query


class Highlighter:
    """Marks one query's words; built once per results page and used for every hit."""

    def __init__(self, query: ParsedQuery) -> None:
        patterns = [_pattern(words) for words in _searched(query)]
        self._regex = re.compile("|".join(f"({p})" for p in patterns[:MAX_PATTERNS])) if patterns else None

    def whole(self, text: str) -> SafeString:
        """All of ``text``, escaped, with the query's words marked."""
        return _render(text, self._matches(text), 0, len(text))

    def snippet(self, text: str, size: int = SNIPPET_CHARS) -> SafeString:
        """The window of about ``size`` characters with the most of the query's words, marked.

        Windows are ranked by how many different words and phrases they show, then by how many
        marks, then by coming first; an ellipsis says where the text goes on.
        """
        text = " ".join(text.split())
        matches = self._matches(text)
        if len(text) <= size:
            return _render(text, matches, 0, len(text))
        start, end = _window(text, matches, size)
        inside = [m for m in matches if start <= m.start and m.end <= end]
        return mark_safe(
            ("…" if start else "") + _render(text, inside, start, end) + ("…" if end < len(text) else "")
        )

    def _matches(self, text: str) -> list[_Match]:
        if self._regex is None:
            return []
        folded, origin = _fold(text)
        found = []
        for match in self._regex.finditer(folded):
            found.append(_Match(origin[match.start()], origin[match.end()], match.lastindex))
            if len(found) == MAX_MATCHES:
                break
        return found


def _searched(query: ParsedQuery) -> list[tuple[str, ...]]:
    """The query's words and phrases as sequences of folded words, longest first.

    A term of several words ("Diffusion-DPO") is matched as a sequence, as the index does.
    Lone stopwords are left unmarked, as the ranking leaves them out.
    """
    sequences = []
    for text in (*query.phrases, *query.terms):
        words = tuple(_WORD_RE.findall(_fold(text)[0]))
        if words and not (len(words) == 1 and words[0] in STOPWORDS):
            sequences.append(words)
    unique = dict.fromkeys(sequences)
    return sorted(unique, key=lambda words: sum(map(len, words)), reverse=True)


def _pattern(words: tuple[str, ...]) -> str:
    return r"(?<!\w)" + r"\W+".join(_word_pattern(word) for word in words)


def _word_pattern(word: str) -> str:
    """A short word whole (``lm`` or ``lms``); a longer one as a prefix of its trimmed form."""
    if len(word) <= 3:
        return re.escape(word) + r"(?:e?s)?(?!\w)"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    return re.escape(word) + r"\w*"


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` without case and accents, and for each of its characters (and its end) the
    position in ``text`` it comes from, so matches in the folded text mark the original."""
    if text.isascii():
        return text.lower(), list(range(len(text) + 1))
    folded: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        plain = "".join(
            c for c in unicodedata.normalize("NFD", char.casefold()) if not unicodedata.combining(c)
        )
        folded.append(plain)
        origin.extend([position] * len(plain))
    origin.append(len(text))
    return "".join(folded), origin


def _window(text: str, matches: list[_Match], size: int) -> tuple[int, int]:
    """Start and end of the best window, moved to word boundaries without cutting a mark."""
    best, best_start = (0, 0), 0
    for candidate in sorted({0, *(max(0, m.start - LEAD_CHARS) for m in matches)}):
        inside = [m for m in matches if candidate <= m.start and m.end <= candidate + size]
        score = (len({m.term for m in inside}), len(inside))
        if score > best:
            best, best_start = score, candidate
    # Near the end, show a whole window rather than a short one.
    start = min(best_start, max(0, len(text) - size))
    end = min(len(text), start + size)
    inside = [m for m in matches if start <= m.start and m.end <= end]
    if start and text[start - 1] != " ":
        space = text.find(" ", start, inside[0].start if inside else end)
        start = space + 1 if space != -1 else start
    if end < len(text) and text[end] != " ":
        space = text.rfind(" ", inside[-1].end if inside else start, end)
        end = space if space != -1 else end
    return start, end


def _render(text: str, matches: list[_Match], start: int, end: int) -> SafeString:
    pieces = []
    position = start
    for match in matches:
        if match.start < position or match.end > end or match.start == match.end:
            continue
        pieces.append(escape(text[position : match.start]))
        pieces.append(f"<mark>{escape(text[match.start : match.end])}</mark>")
        position = match.end
    pieces.append(escape(text[position:end]))
    return mark_safe("".join(pieces))
