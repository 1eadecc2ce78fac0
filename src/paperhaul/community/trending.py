"""Trending: papers ranked by recent upvotes and comments, each counted less as it ages.

    score = Σ over upvotes 2^(-age / HALF_LIFE) + COMMENT_WEIGHT * Σ over comments 2^(-age / HALF_LIFE)

An upvote from a day and a half ago counts half as much as one from now; activity older than
WINDOW is left out (it would count less than 0.1%). docs/community.md states the same formula.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from paperhaul.community.models import Comment, Vote

HALF_LIFE = dt.timedelta(hours=36)
COMMENT_WEIGHT = 2.0
WINDOW = dt.timedelta(days=14)


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
