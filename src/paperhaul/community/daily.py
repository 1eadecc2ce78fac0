"""The daily list: the papers first published on a day plus those readers submitted to it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Min, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from paperhaul.community.models import Submission
from paperhaul.errors import InputError
from paperhaul.papers.fetching import find_or_fetch
from paperhaul.papers.ids import arxiv_month
from paperhaul.papers.models import Paper


def today() -> dt.date:
    return timezone.localdate()


def with_activity(papers: QuerySet[Paper]) -> QuerySet[Paper]:
    """Annotate ``upvote_count`` and ``comment_count`` from the kept counters (0 when none)."""
    return papers.annotate(
        upvote_count=Coalesce("activity__upvotes", 0), comment_count=Coalesce("activity__comments", 0)
    )


def papers_in_order(ids: list[int]) -> list[Paper]:
    """These papers with their upvote and comment counts, in the order of ``ids``."""
    papers = with_activity(Paper.objects.filter(id__in=ids)).in_bulk()
    return [papers[pk] for pk in ids if pk in papers]


def counted(paper: Paper) -> Paper:
    """The paper again, with ``upvote_count`` and ``comment_count`` as the lists have them."""
    return with_activity(Paper.objects.filter(pk=paper.pk)).get()


def newest(papers: QuerySet[Paper]) -> QuerySet[Paper]:
    """Newest first by first-version date, undated papers last, with their counters."""
    return with_activity(papers).order_by(F("published").desc(nulls_last=True), "-id")


def papers_of_day(day: dt.date) -> QuerySet[Paper]:
    """The day's papers, most upvoted first, then newest."""
    submitted = list(Submission.objects.filter(day=day).values_list("paper_id", flat=True))
    published = list(Paper.objects.filter(published=day).values_list("id", flat=True))
    papers = Paper.objects.filter(id__in=set(submitted) | set(published))
    return with_activity(papers).order_by("-upvote_count", "-id")


def latest_day(until: dt.date | None = None) -> dt.date | None:
    """The latest day, not after ``until`` (today), that has papers; None for an empty library."""
    until = until or today()
    days = [
        Paper.objects.filter(published__lte=until).aggregate(d=Max("published"))["d"],
        Submission.objects.filter(day__lte=until).aggregate(d=Max("day"))["d"],
    ]
    return max((d for d in days if d), default=None)


def neighbour_days(day: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The nearest days before and after ``day`` that have papers (never after today)."""
    before = [
        Paper.objects.filter(published__lt=day).aggregate(d=Max("published"))["d"],
        Submission.objects.filter(day__lt=day).aggregate(d=Max("day"))["d"],
    ]
    after = [
        Paper.objects.filter(published__gt=day, published__lte=today()).aggregate(d=Min("published"))["d"],
        Submission.objects.filter(day__gt=day, day__lte=today()).aggregate(d=Min("day"))["d"],
    ]
    return max((d for d in before if d), default=None), min((d for d in after if d), default=None)


def _month_end(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def submission_window() -> int:
    return settings.PAPERHAUL_SUBMISSION_WINDOW_DAYS


def submit(user: AbstractBaseUser, target: str, day: dt.date | None = None) -> Submission:
    """Put the paper named by ``target`` (an arXiv id or any URL) on the list of ``day`` (today).

    A paper not yet in the library is fetched from its source first. Papers first published more
    than PAPERHAUL_SUBMISSION_WINDOW_DAYS before the day are refused, as are papers already on it.
    Source errors (unreachable, rejected) reach the caller as they are, to be shown to the user.
    """
    day = day or today()
    target = (target or "").replace("\x00", "").strip()
    if not target:
        raise InputError("paste an arXiv id or the URL of a paper")
    paper = find_or_fetch(target)
    window = submission_window()
    oldest = day - dt.timedelta(days=window)
    if paper.published and paper.published < oldest:
        raise InputError(
            f"“{paper.title}” was first published on {paper.published:%Y-%m-%d}, more than {window} days "
            "ago: only recent papers can be submitted to the daily list"
        )
    month = None if paper.published else arxiv_month(paper.key)
    if month and _month_end(month) < oldest:
        # Known only by a link (a haul post): the arXiv id still says when it was first submitted.
        raise InputError(
            f"“{paper.title}” was first submitted to arXiv in {month:%B %Y}, more than {window} days "
            "ago: only recent papers can be submitted to the daily list"
        )
    if paper.published == day:
        raise InputError(f"“{paper.title}” is already on the list of {day:%Y-%m-%d}")
    try:
        with transaction.atomic():
            return Submission.objects.create(day=day, paper=paper, submitted_by=user)
    except IntegrityError:
        raise InputError(f"“{paper.title}” is already on the list of {day:%Y-%m-%d}") from None
