"""Matching a paper's words against the topic descriptions: the fallback when it has no vector.

A description is read as a bag of terms (words and two-word phrases, lightly stemmed). A paper's
score for a topic is the sum, over the terms the two share, of the term's count in the paper
(title terms count twice) times its inverse document frequency among the descriptions, so a term
only one topic mentions ("speech", "protein") says much, and one every topic mentions says nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

# Function words, and words every paper uses; subject words common to several descriptions ("model",
# "learning", "data") stay: they form phrases ("language model", "reinforcement learning"), and their
# weight falls with the number of descriptions that use them.
STOP_WORDS = frozenset(
    """a an and are as at be by can do does for from has have how in into is it its of on or our over
    that the their this to towards toward under using via we what when where which while who why with
    without not no new novel based approach approaches method methods study through beyond vs paper
    work use results show performance""".split()  # noqa: SIM905
)
TITLE_WEIGHT = 2
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def stem(word: str) -> str:
    """A light, consistent stemmer: plural and verb endings go, so "optimizers" meets "optimizer"."""
    word = word.replace("-", "").replace("'", "")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """Stemmed words that are not stop words, and the two-word phrases of neighbouring ones."""
    words = [w for w in _TOKEN.findall(text.lower())]
    found: list[str] = []
    previous = None
    for word in words:
        if word in STOP_WORDS:
            previous = None
            continue
        stemmed = stem(word)
        found.append(stemmed)
        if previous is not None:
            found.append(f"{previous} {stemmed}")
        previous = stemmed
    return found


class WordMatcher:
    """Scores texts against a fixed set of labelled descriptions (topic id -> description)."""

    def __init__(self, descriptions: Mapping[int, str]) -> None:
        self.vocabulary = {key: set(terms(text)) for key, text in descriptions.items()}
        document_frequency = Counter(term for vocabulary in self.vocabulary.values() for term in vocabulary)
        total = len(self.vocabulary)
        self.idf = {term: math.log((total + 1) / (df + 0.5)) for term, df in document_frequency.items()}

    def scores(self, title: str, abstract: str = "") -> dict[int, float]:
        counts = Counter(_weighted(terms(title), TITLE_WEIGHT))
        counts.update(terms(abstract))
        return {
            key: round(sum(n * self.idf[term] for term, n in counts.items() if term in vocabulary), 4)
            for key, vocabulary in self.vocabulary.items()
        }


def _weighted(items: Iterable[str], weight: int) -> list[str]:
    return [item for item in items for _ in range(weight)]
