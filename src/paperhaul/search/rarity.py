"""How many matches a lexical query scores, and which words of a loose query it scores them for.

Both backends must score every match before they can sort by score, and a query of common words
matches tens of thousands of papers in a million. So a query scores at most RANK_CAP matches,
the newest. The any-word pass (a description rarely has all its words in one paper) scores every
match of the query's rarer words instead: scoring only the newest matches of every word ranks a
description's common words ("paper", "model", "image") among the last few days' papers of a large
library and misses the paper described (with 50,000 newer papers beside the known-item set, its
lexical nDCG@10 fell from 0.451 to 0.020 that way, and is 0.329 this way). Only when even the
rarest word is more common than that are the newest LOOSE_RANK_CAP papers with any word scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from operator import itemgetter

from paperhaul.search.fts5 import salient
from paperhaul.search.query import ParsedQuery

RANK_CAP = 1_000
LOOSE_RANK_CAP = 500


def loose_parts(parsed: ParsedQuery) -> list[tuple[str, bool]]:
    """(text, is_phrase) of each word and phrase the any-word pass matches."""
    return [(text, False) for text in salient(parsed.terms)] + [(text, True) for text in parsed.phrases]


def rarer_words(parsed: ParsedQuery, count: Callable[[str, bool], int]) -> ParsedQuery | None:
    """The query narrowed to its rarer words and phrases, taken from the rarest up while their
    matches add up to at most RANK_CAP; None when even the rarest is more common.

    `count(text, is_phrase)` gives the papers matching one part; it may stop counting above
    RANK_CAP, so that a common word costs a bounded scan.
    """
    counted = [(count(text, is_phrase), text, is_phrase) for text, is_phrase in loose_parts(parsed)]
    chosen, total = [], 0
    for found, text, is_phrase in sorted(counted, key=itemgetter(0)):
        if found and total + found > RANK_CAP:
            break
        total += found
        chosen.append((text, is_phrase))
    if not total:
        return None
    terms = tuple(text for text, is_phrase in chosen if not is_phrase)
    return replace(parsed, terms=terms, phrases=tuple(text for text, is_phrase in chosen if is_phrase))
