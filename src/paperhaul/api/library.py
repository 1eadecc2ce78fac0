"""The curators' API (staff accounts): add a paper to the library by its address, answer the
possible duplicates (tell the two items apart, or merge them, first as a dry run) and undo a merge,
as the Library pages and `paperhaul add`, `duplicates --dismiss`, `merge` and `unmerge` do, through
the same services."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from paperhaul.api.auth import WRITE
from paperhaul.api.papers import PageParams
from paperhaul.api.schemas import PaperDetailOut, errors, paper_full
from paperhaul.community.daily import counted
from paperhaul.papers import combine, unmerge
from paperhaul.papers.duplicates import dismiss_report
from paperhaul.papers.fetching import fetch_record
from paperhaul.papers.merge_log import describe
from paperhaul.papers.models import Merge, Paper, PossibleDuplicate
from paperhaul.papers.upsert import Library
from paperhaul.web.links import paper_path
from paperhaul.web.pages import window

router = Router(tags=["library (curators)"])
CURATOR_ERRORS = errors(400, 401, 403, 404, 413, 422)


class AddIn(Schema):
    target: str


class AddedOut(Schema):
    outcome: Literal["added", "updated", "unchanged"]
    paper: PaperDetailOut


class ItemOut(Schema):
    key: str
    title: str
    page: str


class ReportOut(Schema):
    id: int
    reason: str
    created_at: dt.datetime
    paper: ItemOut
    other: ItemOut


class ReportsOut(Schema):
    page: int
    limit: int
    has_next: bool
    reports: list[ReportOut]


class MergeIn(Schema):
    keep: str
    other: str
    dry_run: bool = False


class MergedOut(Schema):
    merge: int | None
    key: str
    absorbed: str
    filled: list[str]
    moved: dict[str, int]
    dry_run: bool


class MergeOut(Schema):
    id: int
    created_at: dt.datetime
    by: str | None
    key: str
    absorbed: str
    absorbed_title: str
    summary: str
    undone_at: dt.datetime | None
    undone_by: str | None


class MergesOut(Schema):
    page: int
    limit: int
    has_next: bool
    merges: list[MergeOut]


class UndoIn(Schema):
    dry_run: bool = False


class UndoneOut(Schema):
    merge: int
    key: str
    restored: str
    attached: dict[str, int]
    kept_changes: list[str]
    not_restored: int
    dry_run: bool


def _curator(request: HttpRequest) -> AbstractBaseUser:
    if not request.auth.is_staff:
        raise PermissionDenied("for the site's curators (staff accounts) only")
    return request.auth


def _item(paper: Paper) -> dict[str, str]:
    return {"key": paper.key, "title": paper.title, "page": paper_path(paper)}


@router.post("/library/papers", auth=WRITE, response={200: AddedOut, **CURATOR_ERRORS, **errors(502)})
def add_paper(request: HttpRequest, data: AddIn):
    """Fetch a paper by its arXiv id, DOI or URL from its source and store it (or update it)."""
    curator = _curator(request)
    paper, outcome = Library().upsert_one(fetch_record(data.target.strip()[:2000]))
    return {"outcome": outcome, "paper": paper_full(counted(paper), curator)}


@router.get("/library/duplicates", auth=WRITE, response={200: ReportsOut, **CURATOR_ERRORS})
def open_reports(request: HttpRequest, paging: Query[PageParams]):
    """The open reports of possible duplicates, oldest first."""
    _curator(request)
    reports = PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN)
    page = window(reports.select_related("paper", "other").order_by("pk"), paging.page, paging.limit)
    return {
        "page": page.number,
        "limit": page.per_page,
        "has_next": page.has_next,
        "reports": [
            {
                "id": report.pk,
                "reason": report.reason,
                "created_at": report.created_at,
                "paper": _item(report.paper),
                "other": _item(report.other),
            }
            for report in page.items
        ],
    }


@router.post(
    "/library/duplicates/{int:report_id}/dismiss", auth=WRITE, response={204: None, **CURATOR_ERRORS}
)
def dismiss(request: HttpRequest, report_id: int):
    """The two items are different papers: the report is closed and not made again."""
    _curator(request)
    report = PossibleDuplicate.objects.select_related("paper", "other").filter(pk=report_id).first()
    if report is None:
        raise HttpError(404, f"no report {report_id}")
    dismiss_report(report.paper, report.other)
    return Status(204, None)


@router.post("/library/merge", auth=WRITE, response={200: MergedOut, **CURATOR_ERRORS})
def merge(request: HttpRequest, data: MergeIn):
    """Fold the item ``other`` into ``keep`` (any key, URL or exact title of each); with
    ``dry_run``, only say what the merge would do."""
    curator = _curator(request)
    keep, other = combine.pair(data.keep, data.other)
    merged = combine.preview(keep, other) if data.dry_run else combine.combine(keep, other, by=curator)
    return {**merged.as_json(), "dry_run": data.dry_run}


@router.get("/library/merges", auth=WRITE, response={200: MergesOut, **CURATOR_ERRORS})
def merges(request: HttpRequest, paging: Query[PageParams]):
    """The merges, newest first, undone or not."""
    _curator(request)
    page = window(Merge.objects.select_related("by", "undone_by"), paging.page, paging.limit)
    return {
        "page": page.number,
        "limit": page.per_page,
        "has_next": page.has_next,
        "merges": [describe(merge) for merge in page.items],
    }


@router.post("/library/merges/{int:merge_id}/undo", auth=WRITE, response={200: UndoneOut, **CURATOR_ERRORS})
def undo_merge(request: HttpRequest, merge_id: int, data: UndoIn):
    """Undo a merge: the item merged away comes back with what moved from it; with ``dry_run``,
    only say what undoing it would do."""
    curator = _curator(request)
    merge = Merge.objects.filter(pk=merge_id).first()
    if merge is None:
        raise HttpError(404, f"no merge {merge_id}")
    undone = unmerge.preview(merge) if data.dry_run else unmerge.undo(merge, by=curator)
    return {**undone.as_json(), "dry_run": data.dry_run}
