"""What a reader sees of their own on their profile: their saved papers and the replies to their
comments. The caller must be known (an API token, or a signed-in session with its CSRF token)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from paperhaul.api.auth import WRITE
from paperhaul.api.papers import ListOut, PageParams, listing
from paperhaul.api.schemas import PaperOut, errors
from paperhaul.community import people
from paperhaul.community.daily import papers_in_order
from paperhaul.web.links import paper_path
from paperhaul.web.pages import Page, window

router = Router(tags=["you"])


class SavedPaperOut(PaperOut):
    revised_since_saved: str


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


class RepliesOut(Schema):
    page: int
    limit: int
    has_next: bool
    replies: list[ReplyOut]


@router.get("/me/saved", auth=WRITE, response={200: SavedOut, **errors(400, 401, 403, 404, 422)})
def saved(request: HttpRequest, paging: Query[PageParams]):
    """The caller's saved papers, the latest saved first; ``revised_since_saved`` names an arXiv
    version posted after they saved the paper ("v3"), else is empty."""
    ids = window(people.saved_paper_ids(request.auth), paging.page, paging.limit)
    papers = papers_in_order(list(ids.items))
    revised = people.revised_since_saved(request.auth, papers)
    extra = {paper.pk: {"revised_since_saved": revised.get(paper.pk, "")} for paper in papers}
    return listing(request, Page(papers, ids.number, ids.has_next, ids.per_page), extra)


@router.get("/me/replies", auth=WRITE, response={200: RepliesOut, **errors(400, 401, 403, 404, 422)})
def replies(request: HttpRequest, paging: Query[PageParams]):
    """Replies by others to the caller's comments, newest first."""
    page = window(people.replies_to(request.auth), paging.page, paging.limit)
    return {
        "page": page.number,
        "limit": page.per_page,
        "has_next": page.has_next,
        "replies": [_reply(comment) for comment in page.items],
    }


def _reply(comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author.username if comment.author else None,
        "body": comment.body,
        "created_at": comment.created_at,
        "paper_key": comment.paper.key,
        "paper_title": comment.paper.title,
        "url": f"{paper_path(comment.paper)}#comment-{comment.pk}",
    }
