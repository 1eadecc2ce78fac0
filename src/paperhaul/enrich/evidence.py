"""What topic decisions are made from, gathered once per run: the taxonomy, its word matcher, and
(when the library has vectors) the description vectors and the labelled examples.

Vectors are search's (search/models.Embedding, made by `paperhaul embed`); topics use only those of
the configured embedding model, because the description vectors are made with it. Without any
stored vector the model is not even loaded, so enrichment works offline on a fresh library.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from paperhaul.enrich import topics as rules
from paperhaul.enrich.lexical import WordMatcher
from paperhaul.enrich.models import PaperTopic, Topic
from paperhaul.errors import PaperhaulError
from paperhaul.search.models import Embedding

log = logging.getLogger(__name__)
WORDS_BASIS = "words"
_PHRASE_BREAK = re.compile(r"[,;:()]")


def topic_text(topic: Topic) -> str:
    """What a topic is matched by words: its name and description."""
    return f"{topic.name}. {topic.description}"


def topic_phrases(topic: Topic) -> list[str]:
    """What a topic is matched by meaning: its name, and each phrase of its description (split at
    commas, semicolons, colons and brackets), prefixed with the name. A description lists subjects; a
    paper, a title above all, is close to a few of them, not to the list as a whole."""
    parts = [part.strip(" .") for part in _PHRASE_BREAK.split(topic.description)]
    return [topic.name] + [f"{topic.name}: {part}" for part in parts if len(part) > 2]


def fingerprint(taxonomy: Sequence[Topic]) -> str:
    """Changes whenever a topic is added, removed or re-described, which makes every decision stale."""
    digest = hashlib.blake2b(digest_size=8)
    for topic in sorted(taxonomy, key=lambda t: t.pk):
        digest.update(f"{topic.pk}\0{topic_text(topic)}\0{sorted(topic.arxiv_categories)}\0".encode())
    return digest.hexdigest()


def vectors_of(model_id: str, paper_ids: Sequence[int]) -> dict[int, np.ndarray]:
    rows = Embedding.objects.filter(model=model_id, paper_id__in=list(paper_ids)).values_list(
        "paper_id", "vector"
    )
    return {pid: np.frombuffer(bytes(blob), dtype="<f4") for pid, blob in rows}


@dataclass
class Examples:
    """Papers people labelled that have a vector: one row each, with the topics they were given."""

    paper_ids: np.ndarray
    matrix: np.ndarray
    topic_ids: list[set[int]]

    def neighbours(self, vector: np.ndarray, exclude: int | None = None) -> list[tuple[float, set[int]]]:
        if not len(self.paper_ids):
            return []
        similarities = self.matrix @ vector
        order = np.argsort(-similarities)[: rules.EXAMPLES_K + 1]
        return [
            (float(similarities[i]), self.topic_ids[i]) for i in order if int(self.paper_ids[i]) != exclude
        ][: rules.EXAMPLES_K]


@dataclass
class Evidence:
    taxonomy: list[Topic]
    model_id: str | None = None
    topic_ids: list[int] = field(default_factory=list)
    phrase_matrix: np.ndarray | None = None  # one row per description phrase
    phrase_topic: np.ndarray | None = None  # the index in topic_ids of each phrase's topic
    examples: Examples | None = None

    def __post_init__(self) -> None:
        self.fingerprint = fingerprint(self.taxonomy)
        self.words = WordMatcher({t.pk: topic_text(t) for t in self.taxonomy})
        self.topic_categories = {t.pk: list(t.arxiv_categories) for t in self.taxonomy}

    def basis(self, has_vector: bool) -> str:
        return f"{self.fingerprint}|{self.model_id if has_vector and self.model_id else WORDS_BASIS}"

    def decide(
        self, pid: int, title: str, abstract: str, primary: str, categories: Sequence[str], vector
    ) -> list[rules.Choice]:
        """The paper's topics from the most trusted evidence that gives an answer (topics.py)."""
        if vector is not None and self.examples is not None:
            chosen = rules.from_examples(self.examples.neighbours(vector, exclude=pid))
            if chosen:
                return chosen
        chosen = rules.from_categories(primary, categories, self.topic_categories)
        if chosen:
            return chosen
        if vector is not None and self.phrase_matrix is not None:
            return rules.from_embedding(self.similarities(vector))
        return rules.from_words(self.words.scores(title, abstract))

    def similarities(self, vector: np.ndarray) -> dict[int, float]:
        """Per topic, the mean cosine similarity of the vector to the topic's closest phrases."""
        phrase = self.phrase_matrix @ vector
        scores = {}
        for index, topic_id in enumerate(self.topic_ids):
            closest = np.sort(phrase[self.phrase_topic == index])[-rules.EMBEDDING_PHRASES :]
            scores[topic_id] = float(closest.mean())
        return scores


def gather(taxonomy: list[Topic]) -> Evidence:
    """Evidence for a run; vectors only when the library has some and the embedding model loads."""
    evidence = Evidence(taxonomy)
    if not taxonomy or not Embedding.objects.exists():
        return evidence
    from paperhaul.search.embeddings import get_embedder

    try:
        embedder = get_embedder()
    except PaperhaulError as error:
        log.warning("topics by words only: %s", error)
        return evidence
    if not Embedding.objects.filter(model=embedder.model_id).exists():
        return evidence
    evidence.model_id = embedder.model_id
    evidence.topic_ids = [t.pk for t in taxonomy]
    phrases = [(index, phrase) for index, t in enumerate(taxonomy) for phrase in topic_phrases(t)]
    evidence.phrase_topic = np.array([index for index, _ in phrases])
    evidence.phrase_matrix = embedder.encode([phrase for _, phrase in phrases])
    evidence.examples = labelled_examples(embedder.model_id)
    return evidence


def labelled_examples(model_id: str) -> Examples | None:
    """The papers people labelled, with their vectors of this model; None when there are none."""
    labels: dict[int, set[int]] = {}
    for pid, tid in PaperTopic.objects.filter(source=PaperTopic.Source.PERSON).values_list(
        "paper_id", "topic_id"
    ):
        labels.setdefault(pid, set()).add(tid)
    vectors = vectors_of(model_id, list(labels))
    if not vectors:
        return None
    ids = sorted(vectors)
    return Examples(
        np.array(ids, dtype=np.int64), np.vstack([vectors[i] for i in ids]), [labels[i] for i in ids]
    )
