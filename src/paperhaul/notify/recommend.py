"""Personal recommendations ("For you"): a linear model per reader, in the spirit of arxiv-sanity.

The reader's upvoted and saved papers are the positives; every other paper of the pool (the
newest POOL papers, or those of a digest's period) is a negative, as in arxiv-sanity's per-user
SVM, and the papers they marked "not interested" (on the page, or from a digest sent to their
account's address) are negatives that count DISMISSED_WEIGHT times. Features are TF-IDF of the
title and abstract, beside the paper's sentence embedding when it has one (search/). A linear SVM
is trained on the spot (a few thousand rows: well under a second) and ranks the pool; "why this
paper" is the reader's own liked paper nearest to it in the same feature space.

A reader with no upvotes or saves yet (a cold start) who chose topics (ReaderPreferences, on the
For-you page) gets the pool's papers filed under those topics (enrich/), ranked by how sure the
filing is plus a share of how much each is trending; "why" is then the topic. A reader with
neither gets nothing here: the page shows trending papers instead (trending()).

Every list here passes the reader's keyword filters (ReaderPreferences, keywords.py), the page's and
the "Recommended for you" digest section's alike: the ranking is read further down until ``limit``
papers pass, so a strict filter still fills the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from paperhaul.community.daily import papers_in_order
from paperhaul.community.models import SavedPaper, Vote
from paperhaul.community.trending import cached_scores
from paperhaul.enrich.models import PaperTopic, Topic
from paperhaul.notify.keywords import FIELDS, KeywordFilter
from paperhaul.notify.models import NotInterested, ReaderPreferences
from paperhaul.papers.models import Paper
from paperhaul.search.models import Embedding

POOL = 5000  # the newest papers ranked for the page
DISMISSED_WEIGHT = 5.0
EMBEDDING_WEIGHT = 1.0  # of the embedding block against the TF-IDF block (both L2-normalised)
TRENDING_WEIGHT = 0.5  # of the most trending paper's score, beside a topic's confidence (0 to 1)


@dataclass(frozen=True)
class Recommendation:
    paper: Paper
    score: float
    because: Paper | None = None  # the reader's liked paper nearest to this one
    topic: Topic | None = None  # for a cold start: the reader's chosen topic the paper is in


def liked(user: AbstractBaseUser) -> list[int]:
    """The reader's upvoted and saved papers, newest first."""
    votes = Vote.objects.filter(user=user).order_by("-created_at").values_list("paper_id", flat=True)
    saved = SavedPaper.objects.filter(user=user).values_list("paper_id", flat=True)
    return list(dict.fromkeys([*votes, *saved]))


def dismissed(user: AbstractBaseUser) -> set[int]:
    """Papers the reader marked "not interested": on the page, or in a digest sent to their address."""
    mine = Q(user=user)
    if user.email:
        mine |= Q(subscription__email__iexact=user.email)
    return set(NotInterested.objects.filter(mine).values_list("paper_id", flat=True))


def chosen_topics(user: AbstractBaseUser) -> list[Topic]:
    """The topics the reader chose on the For-you page, in the taxonomy's order."""
    preferences = ReaderPreferences.objects.filter(user=user).first()
    return list(preferences.topics.all()) if preferences else []


def choose_topics(user: AbstractBaseUser, topics: list[Topic]) -> None:
    preferences, _ = ReaderPreferences.objects.get_or_create(user=user)
    preferences.topics.set(topics)
    preferences.save(update_fields=["updated_at"])


def reader_filter(user: AbstractBaseUser) -> KeywordFilter:
    """The keyword filters the reader set on the For-you page (none: every paper passes)."""
    preferences = ReaderPreferences.objects.filter(user=user).first()
    return preferences.keyword_filter if preferences else KeywordFilter()


def choose_filter(user: AbstractBaseUser, keywords: KeywordFilter) -> None:
    preferences, _ = ReaderPreferences.objects.get_or_create(user=user)
    preferences.keyword_filter = keywords
    preferences.save(update_fields=[*FIELDS, "updated_at"])


def trending(user: AbstractBaseUser, *, limit: int) -> list[Paper]:
    """The top of trending that passes the reader's filters: their page until it has recommendations."""
    return _passing([paper_id for paper_id, _ in cached_scores()], reader_filter(user), limit)


def _passing(ranked: list[int], keywords: KeywordFilter, limit: int) -> list[Paper]:
    """The first ``limit`` papers of ``ranked`` (in its order) that pass ``keywords``, read in
    batches that double, so a strict filter reads deep without loading the whole ranking at once."""
    if not keywords.active:
        return papers_in_order(ranked[:limit])
    kept: list[Paper] = []
    start, batch = 0, 2 * limit
    while start < len(ranked) and len(kept) < limit:
        kept += [paper for paper in papers_in_order(ranked[start : start + batch]) if keywords.passes(paper)]
        start, batch = start + batch, 2 * batch
    return kept[:limit]


def recommended(
    user: AbstractBaseUser,
    *,
    limit: int,
    since: dt.date | None = None,
    leave_out: set[int] | frozenset = frozenset(),
) -> list[Recommendation]:
    """The model's ranking once the reader liked papers, else the cold start from their topics
    (for_user, from_topics), through the reader's filters; [] with neither."""
    if liked(user):
        return for_user(user, limit=limit, since=since, leave_out=leave_out)
    return from_topics(user, limit=limit, since=since, leave_out=leave_out)


def _pool(leave_out: set[int], since: dt.date | None) -> list[int]:
    """The newest POOL papers (published on or after ``since``), without ``leave_out``, newest first."""
    pool = Paper.objects.exclude(id__in=leave_out)
    if since:
        pool = pool.filter(published__gte=since)
    return list(
        pool.order_by(F("published").desc(nulls_last=True), "-id").values_list("id", flat=True)[:POOL]
    )


def from_topics(
    user: AbstractBaseUser,
    *,
    limit: int,
    since: dt.date | None = None,
    leave_out: set[int] | frozenset = frozenset(),
) -> list[Recommendation]:
    """A cold start: the pool's papers in the reader's chosen topics, by their surest such topic's
    confidence plus TRENDING_WEIGHT times their share of the top trending score, then newest (the
    first ``limit`` that pass the reader's filters)."""
    topics = {topic.pk: topic for topic in chosen_topics(user)}
    if not topics:
        return []
    pool_ids = _pool({*dismissed(user), *leave_out}, since)
    newest_rank = {pid: rank for rank, pid in enumerate(pool_ids)}
    surest: dict[int, tuple[float, int]] = {}  # paper -> (confidence, topic)
    filed = PaperTopic.objects.filter(topic_id__in=list(topics), paper_id__in=pool_ids)
    for pid, tid, confidence in filed.values_list("paper_id", "topic_id", "confidence"):
        surest[pid] = max(surest.get(pid, (0.0, 0)), (confidence, tid))
    trending = dict(cached_scores())
    top = max(trending.values(), default=0.0) or 1.0
    scores = {pid: conf + TRENDING_WEIGHT * trending.get(pid, 0.0) / top for pid, (conf, _) in surest.items()}
    ranked = sorted(scores, key=lambda pid: (-scores[pid], newest_rank[pid]))
    return [
        Recommendation(paper, scores[paper.pk], topic=topics[surest[paper.pk][1]])
        for paper in _passing(ranked, reader_filter(user), limit)
    ]


def for_user(
    user: AbstractBaseUser,
    *,
    limit: int,
    since: dt.date | None = None,
    leave_out: set[int] | frozenset = frozenset(),
) -> list[Recommendation]:
    """The best ``limit`` papers of the pool for the reader (published on or after ``since``, when
    given) that pass their filters, best first, without what they liked, dismissed or ``leave_out``;
    [] for a cold start."""
    positives = liked(user)
    if not positives:
        return []
    negatives = dismissed(user)
    pool_ids = _pool({*positives, *negatives, *leave_out}, since)
    if not pool_ids:
        return []
    negative_ids = sorted(negatives)
    ids = [*positives, *negative_ids, *pool_ids]
    features = _features(ids)
    labels = np.array([1] * len(positives) + [0] * (len(negative_ids) + len(pool_ids)))
    weights = np.array(
        [1.0] * len(positives) + [DISMISSED_WEIGHT] * len(negative_ids) + [1.0] * len(pool_ids)
    )
    model = LinearSVC(class_weight="balanced", C=0.1, tol=1e-6, max_iter=10_000)
    model.fit(features, labels, sample_weight=weights)
    start = len(positives) + len(negative_ids)
    scores = model.decision_function(features[start:])
    ranked = [pool_ids[i] for i in np.argsort(-scores, kind="stable")]
    best = _passing(ranked, reader_filter(user), limit)
    if not best:
        return []
    row = {pid: i for i, pid in enumerate(pool_ids)}
    rows = [row[paper.pk] for paper in best]
    nearest = (features[start:][rows] @ features[: len(positives)].T).toarray().argmax(axis=1)
    liked_papers = Paper.objects.in_bulk(positives)
    return [
        Recommendation(paper, float(scores[i]), liked_papers[positives[j]])
        for paper, i, j in zip(best, rows, nearest, strict=True)
    ]


def for_email(email: str, *, limit: int, since: dt.date, leave_out: set[int]) -> list[Paper]:
    """Recommendations for the account using this e-mail address (none: no recommendations)."""
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return []
    return [r.paper for r in recommended(user, limit=limit, since=since, leave_out=leave_out)]


def _features(ids: list[int]) -> sparse.csr_matrix:
    """One L2-normalised row per paper: TF-IDF of title (twice) and abstract, then its embedding."""
    text = {
        pid: f"{title}. {title}. {abstract}"
        for pid, title, abstract in Paper.objects.filter(id__in=ids).values_list("id", "title", "abstract")
    }
    texts = [text.get(pid, "") for pid in ids]
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, ngram_range=(1, 2), max_features=50_000, dtype=np.float32
    )
    blocks = [normalize(vectorizer.fit_transform(texts))]
    vectors = _embeddings(ids)
    if vectors is not None:
        blocks.append(sparse.csr_matrix(normalize(vectors) * EMBEDDING_WEIGHT))
    return normalize(sparse.hstack(blocks, format="csr"))


def _embeddings(ids: list[int]) -> np.ndarray | None:
    """The papers' vectors of the newest model (zeros where a paper has none), or None without any."""
    model = Embedding.objects.order_by("-id").values_list("model", flat=True).first()
    if model is None:
        return None
    found = dict(Embedding.objects.filter(model=model, paper_id__in=ids).values_list("paper_id", "vector"))
    if not found:
        return None
    dimension = len(bytes(next(iter(found.values())))) // 4
    matrix = np.zeros((len(ids), dimension), dtype=np.float32)
    for row, pid in enumerate(ids):
        if pid in found:
            matrix[row] = np.frombuffer(bytes(found[pid]), dtype="<f4")
    return matrix
