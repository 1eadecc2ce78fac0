"""Threaded comments: write, edit and delete one's own, hide any as a moderator."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from paperhaul.community import markdown
from paperhaul.community.models import Comment
from paperhaul.community.reactions import bump
from paperhaul.community.signals import comment_posted
from paperhaul.errors import InputError
from paperhaul.papers.models import Paper

log = logging.getLogger(__name__)

MAX_LENGTH = 10_000
MAX_DEPTH = 8
MODERATE = "community.moderate_comment"


def can_moderate(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.has_perm(MODERATE)


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not body:
        raise InputError("a comment needs some text")
    if len(body) > MAX_LENGTH:
        raise InputError(f"a comment is at most {MAX_LENGTH:,} characters (this one has {len(body):,})")
    return body


def add_comment(user: AbstractBaseUser, paper: Paper, body: str, parent: Comment | None = None) -> Comment:
    body = _clean_body(body)
    if parent is not None:
        if parent.paper_id != paper.pk:
            raise InputError("a reply must be on the same paper as the comment it answers")
        if not parent.visible:
            raise InputError("this comment was deleted or hidden; it cannot be answered")
    with transaction.atomic():
        comment = Comment.objects.create(
            paper=paper, author=user, parent=parent, body=body, body_html=markdown.render(body)
        )
        bump(paper, comments=1)
        transaction.on_commit(lambda: _announce(comment))
    return comment


def _announce(comment: Comment) -> None:
    """Tell the other apps (a reply e-mail); what fails there is logged, the comment stands."""
    for receiver, outcome in comment_posted.send_robust(sender=Comment, comment=comment):
        if isinstance(outcome, Exception):
            log.warning("after comment %s, %s failed: %s", comment.pk, receiver.__qualname__, outcome)


def check_editable(user: AbstractBaseUser, comment: Comment) -> None:
    """Raise unless the user may edit the comment: their own, neither deleted nor hidden."""
    if comment.author_id != user.pk:
        raise PermissionDenied("only its author can edit a comment")
    if not comment.visible:
        raise InputError("a deleted or hidden comment cannot be edited")


def edit_comment(user: AbstractBaseUser, comment: Comment, body: str) -> Comment:
    check_editable(user, comment)
    comment.body = _clean_body(body)
    comment.body_html = markdown.render(comment.body)
    comment.edited_at = timezone.now()
    with transaction.atomic():
        comment.save(update_fields=["body", "body_html", "edited_at"])
        bump(comment.paper)
    return comment


def delete_comment(user: AbstractBaseUser, comment: Comment) -> None:
    """The author takes their comment back: its text goes, its replies stay in place."""
    if comment.author_id != user.pk:
        raise PermissionDenied("only its author can delete a comment")
    if comment.deleted_at is not None:
        return
    with transaction.atomic():
        comment.body = comment.body_html = ""
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "deleted_at"])
        if comment.hidden_at is None:
            bump(comment.paper, comments=-1)


def set_hidden(moderator: AbstractBaseUser, comment: Comment, hidden: bool) -> Comment:
    if not can_moderate(moderator):
        raise PermissionDenied("only moderators can hide comments")
    if hidden == (comment.hidden_at is not None):
        return comment
    with transaction.atomic():
        comment.hidden_at = timezone.now() if hidden else None
        comment.hidden_by = moderator if hidden else None
        comment.save(update_fields=["hidden_at", "hidden_by"])
        if comment.deleted_at is None:
            bump(comment.paper, comments=-1 if hidden else 1)
    return comment


@dataclass
class ThreadNode:
    comment: Comment
    depth: int
    replies: list[ThreadNode] = field(default_factory=list)


def thread(paper: Paper, viewer: AbstractBaseUser | None = None) -> list[ThreadNode]:
    """The paper's comments as a tree, oldest first.

    A deleted comment, or a hidden one for readers who are not moderators, stays as a placeholder
    while replies hang under it and disappears when none do. Replies deeper than MAX_DEPTH are shown
    at MAX_DEPTH, so a long exchange stays readable on a phone.
    """
    show_hidden = viewer is not None and can_moderate(viewer)
    comments = Comment.objects.filter(paper=paper).select_related("author").order_by("created_at", "id")
    nodes: dict[int, ThreadNode] = {}
    roots: list[ThreadNode] = []
    for comment in comments:
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        node = ThreadNode(comment, depth=min(parent.depth + 1, MAX_DEPTH) if parent else 0)
        nodes[comment.pk] = node
        (parent.replies if parent else roots).append(node)
    return _pruned(roots, show_hidden)


def _pruned(nodes: list[ThreadNode], show_hidden: bool) -> list[ThreadNode]:
    kept = []
    for node in nodes:
        node.replies = _pruned(node.replies, show_hidden)
        comment = node.comment
        gone = comment.deleted_at is not None or (comment.hidden_at is not None and not show_hidden)
        if not gone or node.replies:
            kept.append(node)
    return kept
