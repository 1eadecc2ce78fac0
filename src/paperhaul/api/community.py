"""Community writes (and the comment thread): votes, saves and the reading list, comments and
submissions.

Each write needs an API token or a signed-in session with its CSRF token (api.auth), counts
against the same rate limits as the pages and calls the same services as they do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from paperhaul.api.auth import WRITE, viewer
from paperhaul.api.papers import resolve
from paperhaul.api.schemas import CommentOut, PaperOut, comment_out, errors, paper_item, thread_out
from paperhaul.community import comments, daily, limits, reading
from paperhaul.community.models import Comment
from paperhaul.community.reactions import has_saved, has_upvoted, set_saved, set_upvote
from paperhaul.errors import InputError

router = Router(tags=["community"])

WRITE_ERRORS = errors(400, 401, 403, 404, 413, 422, 429)
SUBMIT_ERRORS = errors(400, 401, 403, 413, 422, 429, 502)


class VoteOut(Schema):
    voted: bool
    upvotes: int


class SaveOut(Schema):
    saved: bool


class ReadingIn(Schema):
    read: bool | None = None
    note: str | None = None


class ReadingOut(Schema):
    saved: bool
    saved_at: dt.datetime
    read: bool
    read_at: dt.datetime | None
    note: str


class CommentIn(Schema):
    body: str
    parent: int | None = None


class CommentEditIn(Schema):
    body: str


class SubmissionIn(Schema):
    target: str


class SubmissionOut(Schema):
    day: dt.date
    paper: PaperOut


def _comment(comment_id: int) -> Comment:
    comment = Comment.objects.select_related("author", "paper").filter(pk=comment_id).first()
    if comment is None:
        raise HttpError(404, f"no comment {comment_id}")
    return comment


def _vote(request: HttpRequest, ref: str, voted: bool) -> dict[str, Any]:
    limits.enforce(request, "vote")
    state = set_upvote(request.auth, resolve(ref), voted)
    return {"voted": state.voted, "upvotes": state.upvotes}


def _save(request: HttpRequest, ref: str, saved: bool) -> dict[str, Any]:
    limits.enforce(request, "vote")
    return {"saved": set_saved(request.auth, resolve(ref), saved)}


@router.get("/papers/{path:ref}/comments", response={200: list[CommentOut], **errors(400, 404)})
def thread(request: HttpRequest, ref: str):
    """The paper's comments as a tree, oldest first; deleted or hidden ones are placeholders."""
    user = viewer(request)
    return thread_out(comments.thread(resolve(ref), user), comments.can_moderate(user))


@router.post("/papers/{path:ref}/comments", auth=WRITE, response={201: CommentOut, **WRITE_ERRORS})
def add_comment(request: HttpRequest, ref: str, data: CommentIn):
    """Comment on the paper in Markdown, or answer the comment ``parent`` of the same paper."""
    limits.enforce(request, "comment")
    paper = resolve(ref)
    parent = None
    if data.parent is not None:
        parent = Comment.objects.filter(pk=data.parent).first()
        if parent is None:
            raise InputError(f"there is no comment {data.parent} to answer")
    return Status(201, comment_out(comments.add_comment(request.auth, paper, data.body, parent)))


@router.put("/papers/{path:ref}/vote", auth=WRITE, response={200: VoteOut, **WRITE_ERRORS})
def upvote(request: HttpRequest, ref: str):
    """Upvote the paper (doing it again changes nothing)."""
    return _vote(request, ref, True)


@router.delete("/papers/{path:ref}/vote", auth=WRITE, response={200: VoteOut, **WRITE_ERRORS})
def remove_upvote(request: HttpRequest, ref: str):
    """Take the upvote back (doing it again changes nothing)."""
    return _vote(request, ref, False)


@router.put("/papers/{path:ref}/save", auth=WRITE, response={200: SaveOut, **WRITE_ERRORS})
def save(request: HttpRequest, ref: str):
    """Keep the paper in the caller's saved papers."""
    return _save(request, ref, True)


@router.delete("/papers/{path:ref}/save", auth=WRITE, response={200: SaveOut, **WRITE_ERRORS})
def unsave(request: HttpRequest, ref: str):
    """Take the paper out of the caller's saved papers."""
    return _save(request, ref, False)


@router.patch("/papers/{path:ref}/save", auth=WRITE, response={200: ReadingOut, **WRITE_ERRORS})
def update_reading(request: HttpRequest, ref: str, data: ReadingIn):
    """Mark the paper read (``read``: true) or back to read (false), and replace the caller's
    private note on it (``note``; "" removes it); either saves the paper if it was not saved."""
    paper = resolve(ref)
    limits.enforce(request, "vote" if data.note is None else "comment")
    row = reading.update(request.auth, paper, read=data.read, note=data.note)
    return {
        "saved": True,
        "saved_at": row.created_at,
        "read": row.read_at is not None,
        "read_at": row.read_at,
        "note": row.note,
    }


@router.patch("/comments/{int:comment_id}", auth=WRITE, response={200: CommentOut, **WRITE_ERRORS})
def edit_comment(request: HttpRequest, comment_id: int, data: CommentEditIn):
    """Replace the text of one's own comment."""
    limits.enforce(request, "comment")
    return comment_out(comments.edit_comment(request.auth, _comment(comment_id), data.body))


@router.delete("/comments/{int:comment_id}", auth=WRITE, response={204: None, **WRITE_ERRORS})
def delete_comment(request: HttpRequest, comment_id: int):
    """Take one's own comment back; its replies stay, under a placeholder."""
    comments.delete_comment(request.auth, _comment(comment_id))
    return Status(204, None)


@router.post("/comments/{int:comment_id}/hide", auth=WRITE, response={200: CommentOut, **WRITE_ERRORS})
def hide_comment(request: HttpRequest, comment_id: int):
    """Moderators: take a comment out of readers' view (moderators still see it)."""
    return comment_out(comments.set_hidden(request.auth, _comment(comment_id), True))


@router.post("/comments/{int:comment_id}/show", auth=WRITE, response={200: CommentOut, **WRITE_ERRORS})
def show_comment(request: HttpRequest, comment_id: int):
    """Moderators: put a hidden comment back in view."""
    return comment_out(comments.set_hidden(request.auth, _comment(comment_id), False))


@router.post("/daily/submissions", auth=WRITE, response={201: SubmissionOut, **SUBMIT_ERRORS})
def submit(request: HttpRequest, data: SubmissionIn):
    """Put a recent paper on today's list by its arXiv id or any URL (fetched when not in the library)."""
    limits.enforce(request, "submit")
    submission = daily.submit(request.auth, data.target)
    paper = daily.counted(submission.paper)
    item = paper_item(paper, has_upvoted(request.auth, paper), has_saved(request.auth, paper))
    return Status(201, {"day": submission.day, "paper": item})
