"""Which topics a paper belongs to: the decision rules, as plain functions of the evidence.

Evidence is consulted in order of trust, and the first kind that gives an answer decides:

1. **person** — topics a person chose. They are the paper's topics; nothing automatic is added,
   changed or removed (assign.py never touches such a paper).
2. **examples** — the paper's nearest neighbours, by embedding, among papers people labelled: the
   ``EXAMPLES_K`` closest with cosine similarity >= ``EXAMPLES_MIN_SIMILARITY`` (at least
   ``EXAMPLES_MIN_NEIGHBOURS`` of them) vote with their similarity; a topic with at least half of
   the votes is taken, with confidence ``EXAMPLES_CAP`` x its share.
3. **categories** — the arXiv categories a topic lists (an archive such as "q-bio" covers all its
   subjects): confidence ``PRIMARY_CONFIDENCE`` for the primary category, ``OTHER_CONFIDENCE`` for
   any other. Broad categories (cs.LG, cs.AI) are in no topic, so they decide nothing.
4. **embedding** — a topic's similarity is the mean cosine similarity of the paper's vector to the
   ``EMBEDDING_PHRASES`` closest phrases of the topic's description (evidence.topic_phrases);
   nothing when the best is below ``EMBEDDING_MIN_SIMILARITY``; otherwise shares by a softmax
   with temperature ``EMBEDDING_TEMPERATURE``.
   A paper with a vector never falls through to words: its vector says better that no topic fits.
5. **words** — without a vector: the description word match of lexical.py; nothing when the best
   score is below ``WORDS_MIN_SCORE``; otherwise shares in proportion to the scores.

For 4 and 5 the best topic is taken, and any other whose share is at least ``KEEP_SHARE``; the
confidence is the source's cap (``EMBEDDING_CAP``, ``WORDS_CAP``) x the share. So a confidence
says both how sure the source is and how much the source is trusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

EXAMPLES_K = 5
EXAMPLES_MIN_SIMILARITY = 0.5
EXAMPLES_MIN_NEIGHBOURS = 2
EXAMPLES_CAP = 0.9
PRIMARY_CONFIDENCE = 0.8
OTHER_CONFIDENCE = 0.6
EMBEDDING_PHRASES = 3
EMBEDDING_MIN_SIMILARITY = 0.25
EMBEDDING_TEMPERATURE = 0.03
EMBEDDING_CAP = 0.6
WORDS_MIN_SCORE = 2.0
WORDS_CAP = 0.5
KEEP_SHARE = 0.35

PERSON, EXAMPLES, CATEGORIES, EMBEDDING, WORDS = "person", "examples", "categories", "embedding", "words"


@dataclass(frozen=True)
class Choice:
    topic_id: int
    confidence: float
    source: str


def from_examples(neighbours: Sequence[tuple[float, Iterable[int]]]) -> list[Choice]:
    """Topics voted by the labelled neighbours: (similarity, their topic ids), any order."""
    close = sorted(
        ((sim, set(ids)) for sim, ids in neighbours if sim >= EXAMPLES_MIN_SIMILARITY),
        key=lambda n: -n[0],
    )[:EXAMPLES_K]
    if len(close) < EXAMPLES_MIN_NEIGHBOURS:
        return []
    total = sum(sim for sim, _ in close)
    votes: dict[int, float] = {}
    for sim, ids in close:
        for topic_id in ids:
            votes[topic_id] = votes.get(topic_id, 0.0) + sim
    shares = {topic_id: vote / total for topic_id, vote in votes.items()}
    return _ranked(
        Choice(topic_id, round(EXAMPLES_CAP * share, 3), EXAMPLES)
        for topic_id, share in shares.items()
        if share >= 0.5
    )


def from_categories(
    primary: str, categories: Iterable[str], topic_categories: Mapping[int, Sequence[str]]
) -> list[Choice]:
    """Topics whose arXiv categories include the paper's primary category, or any other of its own."""
    others = set(categories) - {primary}
    choices = []
    for topic_id, listed in topic_categories.items():
        if primary and _covers(listed, primary):
            choices.append(Choice(topic_id, PRIMARY_CONFIDENCE, CATEGORIES))
        elif any(_covers(listed, category) for category in others):
            choices.append(Choice(topic_id, OTHER_CONFIDENCE, CATEGORIES))
    return _ranked(choices)


def _covers(listed: Sequence[str], category: str) -> bool:
    archive = category.split(".", 1)[0]
    return category in listed or archive in listed


def from_embedding(similarities: Mapping[int, float]) -> list[Choice]:
    """Topics by the similarity of the paper's vector to each description's vector."""
    if not similarities or max(similarities.values()) < EMBEDDING_MIN_SIMILARITY:
        return []
    ids = list(similarities)
    values = np.array([similarities[i] for i in ids], dtype=np.float64) / EMBEDDING_TEMPERATURE
    weights = np.exp(values - values.max())
    return _kept(dict(zip(ids, (weights / weights.sum()).tolist(), strict=True)), EMBEDDING_CAP, EMBEDDING)


def from_words(scores: Mapping[int, float]) -> list[Choice]:
    """Topics by the word match of title and abstract against the descriptions (lexical.py)."""
    if not scores or max(scores.values()) < WORDS_MIN_SCORE:
        return []
    total = sum(scores.values())
    return _kept({topic_id: score / total for topic_id, score in scores.items()}, WORDS_CAP, WORDS)


def _kept(shares: Mapping[int, float], cap: float, source: str) -> list[Choice]:
    best = max(shares, key=lambda topic_id: shares[topic_id])
    return _ranked(
        Choice(topic_id, round(cap * share, 3), source)
        for topic_id, share in shares.items()
        if topic_id == best or share >= KEEP_SHARE
    )


def _ranked(choices: Iterable[Choice]) -> list[Choice]:
    return sorted(choices, key=lambda c: (-c.confidence, c.topic_id))
