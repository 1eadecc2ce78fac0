"""Trending: papers ranked by recent upvotes and comments, each counted less as it ages.

    score = Σ over upvotes 2^(-age / HALF_LIFE) + COMMENT_WEIGHT * Σ over comments 2^(-age / HALF_LIFE)

An upvote from a day and a half ago counts half as much as one from now; activity older than
WINDOW is left out (it would count less than 0.1%). docs/community.md states the same formula.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.cache import cache
from django.utils import timezone

from paperhaul.community.daily import papers_in_order
from paperhaul.community.models import Comment, Vote
from paperhaul.web.pages import Page, window

HALF_LIFE = dt.timedelta(hours=36)
COMMENT_WEIGHT = 2.0
WINDOW = dt.timedelta(days=14)
DEPTH = 1000  # papers ranked; deeper pages of trending are not worth a reader's time
CACHE_SECONDS = 60
CACHE_KEY = "paperhaul:trending"


def decay(age: dt.timedelta) -> float:
    return 0.5 ** (max(age.total_seconds(), 0.0) / HALF_LIFE.total_seconds())


def trending_scores(now: dt.datetime | None = None) -> list[tuple[int, float]]:
    """(paper id, score) pairs, highest first; ties go to the paper with the latest activity."""
    now = now or timezone.now()
    since = now - WINDOW
    scores: dict[int, float] = defaultdict(float)
    latest: dict[int, dt.datetime] = {}
    events = [
        (Vote.objects.filter(created_at__gte=since).values_list("paper_id", "created_at"), 1.0),
        (
            Comment.objects.filter(created_at__gte=since, deleted_at=None, hidden_at=None).values_list(
                "paper_id", "created_at"
            ),
            COMMENT_WEIGHT,
        ),
    ]
    for rows, weight in events:
        for paper_id, created_at in rows.iterator():
            scores[paper_id] += weight * decay(now - created_at)
            latest[paper_id] = max(latest.get(paper_id, created_at), created_at)
    return sorted(scores.items(), key=lambda item: (-item[1], -latest[item[0]].timestamp()))


def cached_scores() -> list[tuple[int, float]]:
    """The top DEPTH of trending_scores(), recomputed at most once a minute for all server processes."""
    scores = cache.get(CACHE_KEY)
    if scores is None:
        scores = trending_scores()[:DEPTH]
        cache.set(CACHE_KEY, scores, CACHE_SECONDS)
    return scores


def trending_page(number: int, per_page: int) -> Page:
    """One page of trending papers (with their counters), each with its ``trending_score``."""
    scored = window(cached_scores(), number, per_page)
    scores = dict(scored.items)
    papers = papers_in_order(list(scores))
    for paper in papers:
        paper.trending_score = scores[paper.pk]
    return Page(papers, scored.number, scored.has_next, scored.per_page)
