"""What a reader sees of their own on their profile: their reading list and the replies to their
comments. The caller must be known (an API token, or a signed-in session with its CSRF token)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from paperhaul.api.auth import WRITE
from paperhaul.api.papers import ListOut, PageParams, listing
from paperhaul.api.schemas import PaperOut, errors
from paperhaul.community import people, reading
from paperhaul.community.daily import papers_in_order
from paperhaul.notify.replies import mark_replies_seen, new_replies, replies_seen_at
from paperhaul.web.links import paper_path
from paperhaul.web.pages import Page, window

router = Router(tags=["you"])


class SavedPaperOut(PaperOut):
    saved_at: dt.datetime
    read_at: dt.datetime | None
    note: str
    revised_since_saved: str


class SavedParams(PageParams):
    state: Literal["all", "to-read", "read"] = "all"


class SavedOut(ListOut):
    papers: list[SavedPaperOut]


class ReplyOut(Schema):
    id: int
    author: str | None
    body: str
    created_at: dt.datetime
    paper_key: str
    paper_title: str
    url: str
    new: bool


class RepliesOut(Schema):
    page: int
    limit: int
    has_next: bool
    unread: int
    replies: list[ReplyOut]


@router.get("/me/saved", auth=WRITE, response={200: SavedOut, **errors(400, 401, 403, 404, 422)})
def saved(request: HttpRequest, params: Query[SavedParams]):
    """The caller's reading list: all their saved papers or those to read, the latest saved first,
    or those read, the latest read first; each with when it was saved and read, the caller's
    private note, and ``revised_since_saved``: an arXiv version posted since they saved it ("v3")."""
    ids = window(reading.saved_paper_ids(request.auth, params.state), params.page, params.limit)
    papers = papers_in_order(list(ids.items))
    rows = reading.entries(request.auth, papers)
    papers = [paper for paper in papers if paper.pk in rows]  # not one taken off the list meanwhile
    revised = reading.revised_since_saved(papers, rows)
    extra = {
        paper.pk: {
            "saved_at": rows[paper.pk].created_at,
            "read_at": rows[paper.pk].read_at,
            "note": rows[paper.pk].note,
            "revised_since_saved": revised.get(paper.pk, ""),
        }
        for paper in papers
    }
    return listing(request, Page(papers, ids.number, ids.has_next, ids.per_page), extra)


@router.get("/me/replies", auth=WRITE, response={200: RepliesOut, **errors(400, 401, 403, 404, 422)})
def replies(request: HttpRequest, paging: Query[PageParams]):
    """Replies by others to the caller's comments, newest first; ``new``: posted since the caller
    last marked them seen (``unread`` counts them all)."""
    page = window(people.replies_to(request.auth), paging.page, paging.limit)
    seen_at = replies_seen_at(request.auth)
    return {
        "page": page.number,
        "limit": page.per_page,
        "has_next": page.has_next,
        "unread": new_replies(request.auth, seen_at).count(),
        "replies": [_reply(comment, seen_at) for comment in page.items],
    }


@router.post("/me/replies/seen", auth=WRITE, response={204: None, **errors(401, 403, 413, 422)})
def replies_seen(request: HttpRequest):
    """Mark every reply so far seen (the site's header stops announcing them)."""
    mark_replies_seen(request.auth)
    return Status(204, None)


def _reply(comment, seen_at: dt.datetime | None) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author.username if comment.author else None,
        "body": comment.body,
        "created_at": comment.created_at,
        "paper_key": comment.paper.key,
        "paper_title": comment.paper.title,
        "url": f"{paper_path(comment.paper)}#comment-{comment.pk}",
        "new": seen_at is None or comment.created_at > seen_at,
    }
