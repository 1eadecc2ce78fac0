"""Upvotes and saved papers: toggles that keep the paper's counters in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from paperhaul.community.models import Comment, PaperActivity, SavedPaper, Vote
from paperhaul.community.signals import paper_activity
from paperhaul.papers.models import Paper


@dataclass(frozen=True)
class VoteState:
    voted: bool
    upvotes: int


def upvote_count(paper: Paper) -> int:
    return PaperActivity.objects.filter(paper=paper).values_list("upvotes", flat=True).first() or 0


def set_upvote(user: AbstractBaseUser, paper: Paper, voted: bool) -> VoteState:
    """Make the user's upvote on the paper present or absent; doing it twice changes nothing."""
    with transaction.atomic():
        if voted:
            try:
                with transaction.atomic():
                    Vote.objects.create(user=user, paper=paper)
                changed = 1
            except IntegrityError:
                changed = 0
        else:
            changed = -Vote.objects.filter(user=user, paper=paper).delete()[0]
        if changed:
            bump(paper, upvotes=changed)
    return VoteState(voted=voted, upvotes=upvote_count(paper))


def toggle_upvote(user: AbstractBaseUser, paper: Paper) -> VoteState:
    return set_upvote(user, paper, not has_upvoted(user, paper))


def has_upvoted(user: AbstractBaseUser, paper: Paper) -> bool:
    return user.is_authenticated and Vote.objects.filter(user=user, paper=paper).exists()


def set_saved(user: AbstractBaseUser, paper: Paper, saved: bool) -> bool:
    if saved:
        SavedPaper.objects.get_or_create(user=user, paper=paper)
    else:
        SavedPaper.objects.filter(user=user, paper=paper).delete()
    return saved


def has_saved(user: AbstractBaseUser, paper: Paper) -> bool:
    return user.is_authenticated and SavedPaper.objects.filter(user=user, paper=paper).exists()


def bump(paper: Paper, *, upvotes: int = 0, comments: int = 0) -> None:
    """Move the paper's counters by the given amounts (inside the caller's transaction).

    Every change to a paper's votes or comments goes through here, so this is where the change
    is announced (paper_activity, once committed): cached pages of the paper are dropped.
    """
    transaction.on_commit(lambda: paper_activity.send(sender=Paper, paper=paper))
    now = timezone.now()
    activity, created = PaperActivity.objects.get_or_create(
        paper=paper,
        defaults={"upvotes": max(upvotes, 0), "comments": max(comments, 0), "last_activity_at": now},
    )
    if not created:
        PaperActivity.objects.filter(pk=activity.pk).update(
            upvotes=F("upvotes") + upvotes, comments=F("comments") + comments, last_activity_at=now
        )


def upvoted_among(user: AbstractBaseUser, paper_ids: list[int]) -> set[int]:
    """Which of these papers the user upvoted (to show the button pressed on a list)."""
    if not user.is_authenticated or not paper_ids:
        return set()
    return set(Vote.objects.filter(user=user, paper_id__in=paper_ids).values_list("paper_id", flat=True))


def marks(user: AbstractBaseUser, paper_ids: list[int]) -> dict[str, set[int]]:
    """What a list of papers shows of the reader's own: the papers they upvoted (``voted``) and
    those on their reading list (``saved_ids``)."""
    if not user.is_authenticated or not paper_ids:
        return {"voted": set(), "saved_ids": set()}
    saved = SavedPaper.objects.filter(user=user, paper_id__in=paper_ids).values_list("paper_id", flat=True)
    return {"voted": upvoted_among(user, paper_ids), "saved_ids": set(saved)}


def bring_activity(kept: Paper, absorbed: Paper, **_: object) -> None:
    """Receiver of papers_merged: the kept paper's counters take in the absorbed one's. Its upvotes
    are counted again (a reader who upvoted both counts once); every comment moved, so the comment
    counts add up."""
    theirs = PaperActivity.objects.filter(paper=absorbed).first()
    if theirs is None:
        return
    transaction.on_commit(lambda: paper_activity.send(sender=Paper, paper=kept))
    mine, _ = PaperActivity.objects.get_or_create(paper=kept)
    mine.upvotes = Vote.objects.filter(paper=kept).count()
    mine.comments += theirs.comments
    mine.last_activity_at = max(filter(None, (mine.last_activity_at, theirs.last_activity_at)), default=None)
    mine.save()


def part_activity(kept: Paper, absorbed: Paper, **_: object) -> None:
    """Receiver of papers_unmerged: a reply written since the merge follows the comment it answers
    back to the restored paper (and its replies follow it), and both papers' counters are counted
    again from their votes and visible comments."""
    while Comment.objects.filter(paper=kept, parent__paper=absorbed).update(paper=absorbed):
        pass
    for paper in (kept, absorbed):
        upvotes = Vote.objects.filter(paper=paper).count()
        comments = Comment.objects.filter(paper=paper, deleted_at=None, hidden_at=None).count()
        activity = PaperActivity.objects.filter(paper=paper)
        if activity.exists():
            activity.update(upvotes=upvotes, comments=comments)
        elif upvotes or comments:
            PaperActivity.objects.create(paper=paper, upvotes=upvotes, comments=comments)
        transaction.on_commit(lambda paper=paper: paper_activity.send(sender=Paper, paper=paper))
