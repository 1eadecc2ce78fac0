"""Public reads: a paper, the daily list, trending and the newest papers (what the pages list)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from paperhaul.api.auth import viewer
from paperhaul.api.schemas import (
    IsoDate,
    PaperDetailOut,
    PaperOut,
    ScoredPaperOut,
    errors,
    paper_full,
    paper_item,
)
from paperhaul.community import daily
from paperhaul.community.reactions import marks
from paperhaul.community.trending import trending_page
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.models import Paper
from paperhaul.web.pages import MAX_PAGE, Page, window

router = Router(tags=["papers"])

MAX_LIMIT = 100


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    limit: int = Field(30, ge=1, le=MAX_LIMIT)


class ListOut(Schema):
    page: int
    limit: int
    has_next: bool
    papers: list[PaperOut]


class DailyOut(ListOut):
    day: dt.date
    previous_day: dt.date | None
    next_day: dt.date | None


class TrendingOut(ListOut):
    papers: list[ScoredPaperOut]


def resolve(ref: str) -> Paper:
    """The paper named by ``ref`` (key, arXiv id or any URL form of it), else a 404."""
    paper = find_paper(ref)
    if paper is None:
        raise HttpError(404, f"not in the library: {ref[:200]}")
    return paper


def listing(request: HttpRequest, page: Page, extra: dict[int, dict] | None = None) -> dict[str, Any]:
    """A page of papers with the caller's upvotes; ``extra`` adds fields to some papers by id."""
    extra = extra or {}
    mine = marks(viewer(request), [p.pk for p in page.items])
    return {
        "page": page.number,
        "limit": page.per_page,
        "has_next": page.has_next,
        "papers": [
            {**paper_item(p, p.pk in mine["voted"], p.pk in mine["saved_ids"]), **extra.get(p.pk, {})}
            for p in page.items
        ],
    }


@router.get("/daily", response={200: DailyOut, **errors(400, 404, 422)})
def day_list(request: HttpRequest, paging: Query[PageParams], date: IsoDate | None = None):
    """The papers of a day (default: the latest day that has papers), most upvoted first."""
    day = date or daily.latest_day() or daily.today()
    previous_day, next_day = daily.neighbour_days(day)
    page = window(daily.papers_of_day(day), paging.page, paging.limit)
    return {**listing(request, page), "day": day, "previous_day": previous_day, "next_day": next_day}


@router.get("/trending", response={200: TrendingOut, **errors(400, 404, 422)})
def trending(request: HttpRequest, paging: Query[PageParams]):
    """Papers ranked by recent upvotes and comments, each counted less as it ages (docs/web.md)."""
    page = trending_page(paging.page, paging.limit)
    scores = {p.pk: {"score": round(p.trending_score, 4)} for p in page.items}
    return listing(request, page, scores)


@router.get("/new", response={200: ListOut, **errors(400, 404, 422)})
def newest(request: HttpRequest, paging: Query[PageParams], category: str | None = None):
    """The newest papers of the library by first-version date, optionally of one category."""
    papers = Paper.objects.filter(categories__name=category) if category else Paper.objects.all()
    return listing(request, window(daily.newest(papers), paging.page, paging.limit))


@router.get("/papers/{path:ref}", response={200: PaperDetailOut, **errors(400, 404)})
def paper(request: HttpRequest, ref: str):
    """One paper by key, arXiv id or any URL form of it, with its counters and the caller's vote."""
    return paper_full(daily.counted(resolve(ref)), viewer(request))
