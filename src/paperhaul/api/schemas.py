"""What the community endpoints answer: papers with their counters, and comments as a tree."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.contrib.auth.models import AbstractBaseUser
from ninja import Field, Schema
from pydantic import BeforeValidator

from paperhaul.community.comments import ThreadNode
from paperhaul.community.models import Comment
from paperhaul.community.reactions import has_saved, has_upvoted
from paperhaul.papers.lookup import paper_detail
from paperhaul.papers.models import Paper
from paperhaul.web.links import paper_path

# Library bookkeeping that `paperhaul show --json` prints but the public API leaves out.
PRIVATE_FIELDS = ("note", "sources", "edited_fields", "possible_duplicates")


def _written_as_iso(value: object) -> object:
    """Pydantic would also read a number as a Unix time (``date=0`` as 1 January 1970)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


# A date parameter of the API: YYYY-MM-DD and nothing else, or a 422 naming it.
IsoDate = Annotated[dt.date, BeforeValidator(_written_as_iso)]


class PaperOut(Schema):
    key: str
    url: str
    page: str
    title: str
    authors: list[str]
    published: dt.date | None
    primary_category: str
    upvotes: int
    comment_count: int
    voted: bool
    saved: bool


class ScoredPaperOut(PaperOut):
    score: float


class CitationsOut(Schema):
    """How often the paper is cited, as its source last said (`paperhaul sync semantic-scholar`)."""

    count: int
    influential: int | None
    source: str
    as_of: str
    url: str


class PaperDetailOut(PaperOut):
    abstract: str
    updated: dt.date | None
    versions: list[Any]
    categories: list[str]
    doi: str
    journal_ref: str
    comments: str
    license: str
    abs_url: str
    pdf_url: str
    code_url: str
    identifiers: list[str]
    bibtex: str
    citations: CitationsOut | None
    cites_in_library: list[str]
    cited_by_in_library: list[str]


class CommentOut(Schema):
    id: int
    parent: int | None
    state: str
    author: str | None
    body: str
    html: str
    created_at: dt.datetime
    edited_at: dt.datetime | None
    depth: int
    replies: list[CommentOut]


CommentOut.model_rebuild()


class DetailOut(Schema):
    detail: str


class InvalidOut(Schema):
    """ninja's answer to a parameter or field of the wrong type or out of range (422)."""

    detail: list[dict[str, Any]] = Field(description="the fields at fault: where (`loc`), what (`msg`)")


def paper_item(paper: Paper, voted: bool, saved: bool) -> dict[str, Any]:
    """A paper of a list with the caller's marks (upvoted, on their reading list); ``paper`` carries
    ``upvote_count``/``comment_count`` (daily.with_activity)."""
    return {
        "key": paper.key,
        "url": paper.url,
        "page": paper_path(paper),
        "title": paper.title,
        "authors": paper.authors,
        "published": paper.published,
        "primary_category": paper.primary_category,
        "upvotes": paper.upvote_count,
        "comment_count": paper.comment_count,
        "voted": voted,
        "saved": saved,
    }


def paper_full(paper: Paper, user: AbstractBaseUser) -> dict[str, Any]:
    """A paper with everything public the library knows, and the caller's own vote and save."""
    detail = {k: v for k, v in paper_detail(paper).items() if k not in PRIVATE_FIELDS}
    return {**paper_item(paper, has_upvoted(user, paper), has_saved(user, paper)), **detail}


def comment_state(comment: Comment) -> str:
    if comment.deleted_at is not None:
        return "deleted"
    return "hidden" if comment.hidden_at is not None else "visible"


def comment_out(
    comment: Comment, *, depth: int = 0, replies: list[dict] | None = None, shown: bool = True
) -> dict:
    """One comment; a placeholder (no author, no text) when it was deleted, or hidden and not ``shown``."""
    state = comment_state(comment)
    blank = state == "deleted" or (state == "hidden" and not shown)
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "state": state,
        "author": None if blank or comment.author is None else comment.author.get_username(),
        "body": "" if blank else comment.body,
        "html": "" if blank else comment.body_html,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "depth": depth,
        "replies": replies or [],
    }


def thread_out(nodes: list[ThreadNode], show_hidden: bool) -> list[dict]:
    return [
        comment_out(
            node.comment,
            depth=node.depth,
            replies=thread_out(node.replies, show_hidden),
            shown=show_hidden,
        )
        for node in nodes
    ]


def errors(*codes: int) -> dict[int, type[Schema]]:
    """The error answers an endpoint documents: ``{"detail": "one line"}``, except 422 (InvalidOut)."""
    return {code: InvalidOut if code == 422 else DetailOut for code in codes}
