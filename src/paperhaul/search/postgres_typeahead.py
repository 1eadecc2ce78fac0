"""Typeahead's lookups on PostgreSQL: title and author words, newest first, and the vocabulary.

The columns are postgres_lexical's: `search_words` (title words labelled A, author names B) and
`search_authors` (author names only).
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass

from django.db import connection

from paperhaul.search.postgres_lexical import PAPER, fold, lexeme_query, query_words

# Typeahead tests this many of the newest papers one by one before it asks the index (see
# _word_matches); about 1.5 ms at 100,000 papers.
RECENT_PAPERS = 1_000
# Then the index is asked for matches among this many ids below them, then this many, then all.
OLDER_WINDOWS = (10_000, 100_000)
SHORT_PREFIX = 3
# Typo repair reads the words of the newest papers (ts_stat scans what it is given).
VOCABULARY_SAMPLE = 20_000
VOCABULARY_TTL = 600.0


def title_word_matches(text: str, limit: int) -> list[int]:
    """Papers whose title has every word of `text`, the last as a prefix; newest first."""
    return _word_matches("search_words", query_words(text), "A", limit)


def author_matches(text: str, limit: int) -> list[int]:
    """Papers with authors having every word of `text`, the last as a prefix; newest first."""
    return _word_matches("search_authors", query_words(text), "", limit)


def _word_matches(column: str, words: list[str], label: str, limit: int) -> list[int]:
    """Papers whose `column` has every word (with the `label`; "" for any), the last as a prefix;
    newest first.

    Typeahead wants the newest few matches, which GIN cannot give in order. The newest
    RECENT_PAPERS are tested one by one first (bounded: a common word is found there), then the
    older papers through the index, a window of ids at a time (OLDER_WINDOWS, then all the rest):
    the index hands over every match of a prefix, each a page to fetch, and "pou" has 36,000
    among a million authors (0.29 s) while the three wanted are among the newest. The last step
    filters ids instead of asking the primary key for the range, whose bitmap alone took 0.11 s
    at a million. Left to itself the planner walks the primary key for every word it cannot
    estimate, and a misspelt word, which matches nothing, made that walk read the whole table on
    each keystroke.
    """
    lexemes = lexeme_query(words, label, prefix_last=True)
    if lexemes is None:
        return []
    matches = f"{column} @@ to_tsquery('simple', %s)"
    # A prefix of a letter or two stands for thousands of words, whose every match the index
    # would gather (30 ms for "m" among a million authors' names): with whole words before it,
    # the index is asked for those, and the prefix is tested on their papers (|| '' hides the
    # whole query from the index).
    older_matches, older_params = matches, [lexemes]
    if len(words) > 1 and len(words[-1]) < SHORT_PREFIX:
        older_matches = f"{matches} AND ({column} || ''::tsvector) @@ to_tsquery('simple', %s)"
        older_params = [lexeme_query(words[:-1], label), lexemes]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(id), (array_agg(id ORDER BY id DESC) FILTER (WHERE {matches}))[1:%s]"
            f" FROM (SELECT id, {column} FROM {PAPER} ORDER BY id DESC LIMIT {RECENT_PAPERS}) p",
            [lexemes, limit],
        )
        boundary, found = cursor.fetchone()
        ids = list(found or [])
        if boundary is None:
            return ids
        upper = boundary
        for window in (*OLDER_WINDOWS, None):
            if len(ids) >= limit:
                break
            if window is None:
                older, params = "id + 0 < %s", [upper]
            else:
                lower = boundary - window
                older, params, upper = "id >= %s AND id < %s", [lower, upper], lower
            cursor.execute(
                f"SELECT id FROM {PAPER} WHERE {older_matches} AND {older} ORDER BY id + 0 DESC LIMIT %s",
                [*older_params, *params, limit - len(ids)],
            )
            ids += [row[0] for row in cursor.fetchall()]
    return ids


@dataclass
class _Vocabulary:
    words: list[str]  # sorted
    newest: int  # the newest paper id read
    loaded: float


_vocabularies: dict[str, _Vocabulary] = {}
_vocabulary_lock = threading.Lock()


def vocabulary(first: str, lengths: range) -> list[str]:
    """Title and author words of the newest papers that start with `first`, of a length in `lengths`.

    ts_stat reads every vector it is given, so the words are kept in memory: papers added since
    are read on the next call (cheap: only those), and everything again every VOCABULARY_TTL
    seconds or when papers disappear, so words of changed and deleted papers do not linger.
    """
    first = fold(first).lower()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {PAPER}")
        newest = cursor.fetchone()[0]
        with _vocabulary_lock:
            known = _vocabularies.get(connection.alias)
            if known is None or newest < known.newest or time.monotonic() - known.loaded > VOCABULARY_TTL:
                known = _Vocabulary(sorted(_stat_words(cursor, 0)), newest, time.monotonic())
                _vocabularies[connection.alias] = known
            elif newest > known.newest:
                for word in _stat_words(cursor, known.newest):
                    at = bisect.bisect_left(known.words, word)
                    if at == len(known.words) or known.words[at] != word:
                        known.words.insert(at, word)
                known.newest = newest
            words = known.words
            start = bisect.bisect_left(words, first)
            end = bisect.bisect_left(words, first + "\U0010ffff", start)
            return [w for w in words[start:end] if len(w) in lengths]


def _stat_words(cursor, after: int) -> list[str]:
    """The words of the newest VOCABULARY_SAMPLE papers with an id above `after`."""
    newest = (
        f"SELECT search_words FROM {PAPER} WHERE id > {int(after)} ORDER BY id DESC LIMIT {VOCABULARY_SAMPLE}"
    )
    cursor.execute("SELECT word FROM ts_stat(%s)", [newest])
    return [row[0] for row in cursor.fetchall()]
