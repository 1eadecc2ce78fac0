"""How common a query's words are in a PostgreSQL library, and how to find their newest matches.

BM25 weighs each word by its document frequency, and the choice of plan for the newest matches
(see newest_matches) follows from the share of papers that match. Both are counted while the
library is small; in a large one counting a common word reads a tenth of the table, so they are
estimated from the statistics ANALYZE keeps of the column instead (its most common lexemes with
their shares).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.db import connection

from paperhaul.search import rarity

PAPER = "papers_paper"
EXACT_IDF_BELOW = 50_000
STATISTICS_TTL = 600.0
# The costs of finding the newest matches, in heap pages fetched at random (about 10 us each at
# 1,000,000 papers, 2 cores): testing one paper's vector while walking the primary key (4.4 us),
# and reading one entry of a word's posting list from the GIN index, or one id of a range from
# the primary key's (about 0.05 us each).
WALK_TEST = 0.45
POSTING = 0.005
# The window of newest ids is sized to hold this many times the matches wanted.
WINDOW_MARGIN = 2.0


@dataclass(frozen=True)
class Plan:
    order: str  # the ORDER BY that picks the newest matches, written so as to choose the plan
    window: int | None  # look only among this many newest ids (None: among all)


def newest_matches(total: float, found: list[float], any_words: bool, cap: int) -> Plan:
    """How to find the newest `cap` matches to rank.

    Walking the primary key from the newest paper tests each paper's vector (decompressing it)
    until `cap` match: cheap when most papers match, and the planner takes it whenever it guesses
    so; a guess of a hundred matches for a word with none made it read every paper (a second at
    100,000). The GIN index hands over every match, each a page to fetch, which the sort then cuts
    to the newest: cheap when matches are few. When they are many, the index can be asked for
    those among the newest ids only, enough ids to hold `cap` matches twice over: the pages of
    older ones are never read (220 -> 29 ms for two words sharing 25,000 papers of a million), for
    the price of reading the range from the primary key. With the share of papers that match
    (words all present: the product of their shares; any of them: the sum), the cheapest of the
    three is taken; `p.id + 0` leaves the planner only the GIN index.
    """
    shares = [min(1.0, n / total) for n in found] if total > 0 else []
    if not shares:
        return Plan("p.id + 0 DESC", None)
    share = min(1.0, sum(shares)) if any_words else math.prod(shares)
    if share <= 0:
        return Plan("p.id + 0 DESC", None)
    matches, window = share * total, math.ceil(WINDOW_MARGIN * cap / share)
    costs = {
        Plan("p.id DESC", None): WALK_TEST * cap / share,
        Plan("p.id + 0 DESC", None): matches + POSTING * sum(found),
    }
    if window < total:
        costs[Plan("p.id + 0 DESC", window)] = WINDOW_MARGIN * cap + POSTING * (sum(found) + window)
    return min(costs, key=costs.__getitem__)


def frequencies(parts: list[tuple[str, str]]) -> tuple[float, list[float]]:
    """The papers of the library, and those matching each part (counted, or estimated when large).

    The size is ANALYZE's count, unless the span of ids says the table grew past it since (or
    was never analysed: -1): ids only grow, so that bound is close after an import, and a large
    library is never taken for a small one whose words can all be counted.
    """
    with connection.cursor() as cursor:
        estimate = max(sizes(cursor))
        if estimate < EXACT_IDF_BELOW:
            return _counted(cursor, parts)
        return estimate, _estimated(cursor, parts, estimate)


def sizes(cursor) -> tuple[float, int]:
    """The library's size as ANALYZE last counted it (-1: never), and the span of its ids."""
    span = f"SELECT max(id) - min(id) + 1 FROM {PAPER}"
    cursor.execute(f"SELECT reltuples, ({span}) FROM pg_class WHERE oid = %s::regclass", [PAPER])
    analysed, ids = cursor.fetchone()
    return analysed, ids or 0


def _counted(cursor, parts: list[tuple[str, str]]) -> tuple[float, list[float]]:
    counts = ", ".join(f"(SELECT count(*) FROM {PAPER} WHERE search_vector @@ {sql})" for sql, _ in parts)
    cursor.execute(f"SELECT (SELECT count(*) FROM {PAPER}), {counts}", [value for _, value in parts])
    total, *found = cursor.fetchone()
    return total, found


@dataclass(frozen=True)
class _Statistics:
    shares: dict[str, float]  # lexeme -> share of papers that have it
    floor: float  # the share of a lexeme not among them: at most the smallest listed
    loaded: float


_statistics: dict[str, _Statistics] = {}


def _estimated(cursor, parts: list[tuple[str, str]], total: float) -> list[float]:
    """Papers having each part, from ANALYZE's most common lexemes of the column (cached).

    A part is as rare as its rarest lexeme; one without lexemes (stopwords) is everywhere. A part
    with a lexeme rarer than every listed one is counted through the index instead, up to
    RANK_CAP + 1 (cheap for a rare word): the any-word pass must know whether its matches can all
    be ranked, and a guess from the rarest listed share would say no for every rare word. One
    with more matches than that lies between the count and the rarest listed share.
    """
    known = _statistics.get(connection.alias)
    if known is None or time.monotonic() - known.loaded > STATISTICS_TTL:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'search_vector'",
            [PAPER],
        )
        elements, shares = cursor.fetchone() or (None, None)
        listed = dict(zip(elements or [], shares or [], strict=False))  # shares end with min, max, nulls
        known = _Statistics(listed, min(listed.values(), default=1.0), time.monotonic())
        _statistics[connection.alias] = known
    arrays = ", ".join("tsvector_to_array(to_tsvector('english', %s))" for _ in parts)
    cursor.execute(f"SELECT {arrays}", [value for _, value in parts])
    lexemes = cursor.fetchone()
    unlisted = [i for i, found in enumerate(lexemes) if any(x not in known.shares for x in found)]
    counted = dict(zip(unlisted, _capped_counts(cursor, [parts[i] for i in unlisted]), strict=True))
    return [
        (counted[i] if counted[i] <= rarity.RANK_CAP else _between(counted[i], total * known.floor))
        if i in counted
        else total * min((known.shares[x] for x in found), default=1.0)
        for i, found in enumerate(lexemes)
    ]


def _capped_counts(cursor, parts: list[tuple[str, str]]) -> list[int]:
    """Papers matching each part, each count stopping at RANK_CAP + 1."""
    if not parts:
        return []
    most = rarity.RANK_CAP + 1
    counts = ", ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM {PAPER} WHERE search_vector @@ {sql} LIMIT {most}) m)"
        for sql, _ in parts
    )
    cursor.execute(f"SELECT {counts}", [value for _, value in parts])
    return list(cursor.fetchone())


def _between(low: float, high: float) -> float:
    """A guess between two bounds of a count: their geometric mean (word counts spread over
    orders of magnitude). The rarest listed share alone (1.8 % of a million papers) made three
    words of 1,100-2,800 matches look common enough to walk the table for (0.4 s)."""
    return math.sqrt(low * max(low, high))


def analyze() -> None:
    """Gather the statistics the planner and _estimated() read, for the library's tables."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {PAPER}, papers_identifier, papers_papercategory, papers_sourcerecord")
    _statistics.pop(connection.alias, None)
