"""Shared lists of papers (community/collections.py): read them, make them, and add and remove
papers, with the same checks as the pages (who may read, who may edit) and the same rate limits."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from paperhaul.api.auth import WRITE, viewer
from paperhaul.api.papers import PageParams, resolve
from paperhaul.api.schemas import PaperOut, errors, paper_item
from paperhaul.community import collections, limits, list_fetching, list_import
from paperhaul.community.models import Collection, CollectionItem, ListFetch
from paperhaul.community.reactions import marks
from paperhaul.papers.fetching import find_or_fetch
from paperhaul.web.pages import window
from paperhaul.web.views.lists import list_path

router = Router(tags=["lists"])

Visibility = Literal["public", "unlisted", "private"]
WRITE_ERRORS = errors(400, 401, 403, 404, 413, 422, 429)


class ListSummaryOut(Schema):
    owner: str
    slug: str
    title: str
    visibility: Visibility
    paper_count: int
    updated_at: dt.datetime
    page: str


class ListsOut(Schema):
    page: int
    limit: int
    has_next: bool
    lists: list[ListSummaryOut]


class ListedPaperOut(PaperOut):
    comment: str
    comment_html: str
    added_by: str | None
    added_at: dt.datetime


class FetchOut(Schema):
    wanted: int
    done: int
    added: int
    failed: list[str]
    started_at: dt.datetime
    finished_at: dt.datetime | None


class ListOut(ListSummaryOut):
    description: str
    description_html: str
    editors: list[str]
    created_at: dt.datetime
    fetching: FetchOut | None = None
    papers: list[ListedPaperOut]


class ListIn(Schema):
    title: str
    description: str = ""
    visibility: Visibility = "public"
    editors: list[str] = []


class ListChangeIn(Schema):
    title: str | None = None
    description: str | None = None
    visibility: Visibility | None = None
    editors: list[str] | None = None


class ListedPaperIn(Schema):
    paper: str
    comment: str = ""


class ListImportIn(Schema):
    text: str
    format: Literal["bib", "ris"] | None = None


class ListImportOut(Schema):
    added: int
    already: int
    fetched: int
    queued: int
    missing: list[str]
    unreadable: list[str]


def _found(request: HttpRequest, username: str, slug: str) -> Collection:
    found = collections.find(username, slug, viewer(request))
    if found is None:
        raise HttpError(404, f"no list {username}/{slug[:100]}")
    return found


def _summary(collection: Collection, paper_count: int) -> dict[str, Any]:
    return {
        "owner": collection.owner.get_username(),
        "slug": collection.slug,
        "title": collection.title,
        "visibility": collection.visibility,
        "paper_count": paper_count,
        "updated_at": collection.updated_at,
        "page": list_path(collection),
    }


def _whole(request: HttpRequest, collection: Collection, query: str = "") -> dict[str, Any]:
    entries = collections.counted_items(collection)
    shown = collections.matching(entries, query) if query.strip() else entries
    reader = viewer(request)
    mine = marks(reader, [entry.paper_id for entry in shown])
    fetch = list_fetching.latest(collection) if collections.may_edit(reader, collection) else None
    return {
        **_summary(collection, len(entries)),
        "description": collection.description,
        "description_html": collection.description_html,
        "editors": list(collection.editors.order_by("username").values_list("username", flat=True)),
        "created_at": collection.created_at,
        "fetching": _fetching(fetch) if fetch else None,
        "papers": [_listed(entry, mine) for entry in shown],
    }


def _fetching(fetch: ListFetch) -> dict[str, Any]:
    """How far the fetching of an import's papers got (community/list_fetching.py)."""
    return {
        "wanted": len(fetch.wanted),
        "done": fetch.done,
        "added": fetch.added,
        "failed": fetch.failed,
        "started_at": fetch.created_at,
        "finished_at": fetch.finished_at,
    }


def _listed(entry: CollectionItem, mine: dict[str, set[int]]) -> dict[str, Any]:
    return {
        **paper_item(entry.paper, entry.paper_id in mine["voted"], entry.paper_id in mine["saved_ids"]),
        "comment": entry.comment,
        "comment_html": entry.comment_html,
        "added_by": entry.added_by.get_username() if entry.added_by else None,
        "added_at": entry.added_at,
    }


@router.get("/lists", response={200: ListsOut, **errors(400, 404, 422)})
def public_lists(request: HttpRequest, paging: Query[PageParams]):
    """The public lists, the latest changed first."""
    page = window(collections.public_lists(), paging.page, paging.limit)
    return {
        "page": page.number,
        "limit": page.per_page,
        "has_next": page.has_next,
        "lists": [_summary(found, found.paper_count) for found in page.items],
    }


@router.post("/lists", auth=WRITE, response={201: ListOut, **WRITE_ERRORS})
def make_list(request: HttpRequest, data: ListIn):
    """A new list of the caller's; its address comes from its title."""
    limits.enforce(request, "comment")
    made = collections.create(request.auth, data.title, data.description, data.visibility, data.editors)
    return Status(201, _whole(request, made))


@router.get("/lists/{username}/{slug}", response={200: ListOut, **errors(400, 401, 404, 422)})
def one_list(request: HttpRequest, username: str, slug: str, q: str = Query("", max_length=200)):
    """A list with its papers in order, each with its comment (a private list: its owner and
    editors); ``q`` keeps the papers whose title, authors, key or comment hold every word."""
    return _whole(request, _found(request, username, slug), q)


@router.patch("/lists/{username}/{slug}", auth=WRITE, response={200: ListOut, **WRITE_ERRORS})
def change_list(request: HttpRequest, username: str, slug: str, data: ListChangeIn):
    """The owner changes what is given: title, description, visibility, editors (all of them)."""
    found = _found(request, username, slug)
    limits.enforce(request, "comment")
    current = list(found.editors.values_list("username", flat=True))
    collections.change(
        request.auth,
        found,
        title=found.title if data.title is None else data.title,
        description=found.description if data.description is None else data.description,
        visibility=data.visibility or found.visibility,
        editors=current if data.editors is None else data.editors,
    )
    return _whole(request, found)


@router.delete("/lists/{username}/{slug}", auth=WRITE, response={204: None, **WRITE_ERRORS})
def delete_list(request: HttpRequest, username: str, slug: str):
    """The owner deletes the list (the papers stay in the library)."""
    collections.delete(request.auth, _found(request, username, slug))
    return Status(204, None)


@router.post(
    "/lists/{username}/{slug}/papers", auth=WRITE, response={200: ListOut, **WRITE_ERRORS, **errors(502)}
)
def add_paper(request: HttpRequest, username: str, slug: str, data: ListedPaperIn):
    """Put a paper at the end of the list (by arXiv id, DOI or any URL; fetched when the library
    does not have it), with a comment; a paper already on it keeps its place and takes the comment."""
    found = _found(request, username, slug)
    limits.enforce(request, "vote")
    collections.check_editor(request.auth, found)
    collections.add(request.auth, found, find_or_fetch(data.paper), data.comment)
    return _whole(request, found)


@router.post("/lists/{username}/{slug}/copy", auth=WRITE, response={201: ListOut, **WRITE_ERRORS})
def copy_list(request: HttpRequest, username: str, slug: str):
    """A private copy of the list for the caller, with its papers and comments."""
    found = _found(request, username, slug)
    limits.enforce(request, "comment")
    return Status(201, _whole(request, collections.copy(request.auth, found, list_path(found))))


@router.post(
    "/lists/{username}/{slug}/import",
    auth=WRITE,
    response={200: ListImportOut, **WRITE_ERRORS, **errors(502)},
)
def import_references(request: HttpRequest, username: str, slug: str, data: ListImportIn):
    """Put the papers of a BibTeX or RIS text on the list (``format``: bib or ris, else told by the
    text): those the library has and arXiv papers (fetched); those named by a DOI or an address are
    fetched after it (``queued``); the others are named in ``missing``."""
    found = _found(request, username, slug)
    collections.check_editor(request.auth, found)
    limits.enforce(request, "comment")
    filled = list_import.fill(
        request.auth, found, data.text, data.format or list_import.file_format("", data.text)
    )
    return vars(filled)


@router.delete(
    "/lists/{username}/{slug}/papers/{path:ref}", auth=WRITE, response={200: ListOut, **WRITE_ERRORS}
)
def remove_paper(request: HttpRequest, username: str, slug: str, ref: str):
    """Take a paper off the list."""
    found = _found(request, username, slug)
    limits.enforce(request, "vote")
    paper = resolve(ref)
    entry = found.items.filter(paper=paper).first()
    if entry is None:
        raise HttpError(404, f"{paper.key} is not on this list")
    collections.remove(request.auth, entry)
    return _whole(request, found)
