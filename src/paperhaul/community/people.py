"""What the author and profile pages list: an author's papers, and a reader's upvotes, comments and
the replies to them (their saved papers are their reading list, reading.py).

Authors are not a table (Paper.authors is a JSON list, see papers/models.py); the search index
already indexes author names, so an author's papers come from it as candidates in date order,
and only those where the name is one of the authors exactly are kept.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from paperhaul.community.models import Comment, Vote
from paperhaul.papers.models import Paper
from paperhaul.search.backend import get_backend
from paperhaul.search.filters import Filters
from paperhaul.search.query import ParsedQuery

MAX_NAME = 300
# Candidates read from the index per round: a phrase match on the author column finds the
# author's papers plus the rare paper where the words run on from one author to the next.
CANDIDATE_BATCH = 500
_WORD_RE = re.compile(r"\w")


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def author_paper_ids(name: str, want: int) -> list[int]:
    """The ids of the first ``want`` papers that list ``name`` as an author, newest first.

    The index gives candidates newest first, a batch at a time, so the first page of a prolific
    author reads one batch whatever the size of the library. Names compare without regard to case
    or runs of spaces.
    """
    if len(name) > MAX_NAME or not _WORD_RE.search(name):
        return []
    wanted = _same_name(name)
    query = ParsedQuery(authors=(name,))
    backend = get_backend()
    found: list[int] = []
    offset = 0
    while len(found) < want:
        candidates = [s.id for s in backend.lexical(query, Filters(), CANDIDATE_BATCH, offset, newest=True)]
        authors = dict(Paper.objects.filter(id__in=candidates).values_list("id", "authors"))
        found += [pid for pid in candidates if any(_same_name(a) == wanted for a in authors.get(pid, ()))]
        if len(candidates) < CANDIDATE_BATCH:
            break
        offset += CANDIDATE_BATCH
    return found[:want]


def upvoted_paper_ids(user: AbstractBaseUser) -> QuerySet:
    """The ids of the papers the user upvoted, the latest upvote first (public)."""
    return Vote.objects.filter(user=user).order_by("-created_at", "-id").values_list("paper_id", flat=True)


def comments_by(user: AbstractBaseUser) -> QuerySet[Comment]:
    """The user's comments still in view (neither deleted nor hidden), newest first, with their papers."""
    return (
        Comment.objects.filter(author=user, deleted_at=None, hidden_at=None)
        .select_related("paper")
        .only("id", "body", "created_at", "edited_at", "paper__key", "paper__title")
        .order_by("-created_at", "-id")
    )


def replies_to(user: AbstractBaseUser) -> QuerySet[Comment]:
    """Replies by others to the user's comments, still in view, newest first, with their papers."""
    return (
        Comment.objects.filter(parent__author=user, deleted_at=None, hidden_at=None)
        .exclude(author=user)
        .select_related("paper", "author")
        .only("id", "body", "created_at", "paper__key", "paper__title", "author__username")
        .order_by("-created_at", "-id")
    )
