"""The reading lists: the daily list (home), trending, new and per-category pages, and submissions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from paperhaul.community import daily, limits
from paperhaul.community.reactions import upvoted_among
from paperhaul.community.trending import trending_page
from paperhaul.errors import PaperhaulError
from paperhaul.papers.models import Category, Job, Paper
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.pages import PER_PAGE, Page, page_number, window


def _list_page(request: HttpRequest, template: str, page: Page, **context) -> HttpResponse:
    ids = [p.pk for p in page.items]
    return render(request, template, {"page": page, "voted": upvoted_among(request.user, ids), **context})


@for_signed_out_readers
def home(request: HttpRequest) -> HttpResponse:
    """Today's list, or the latest day that has papers; a welcome with first steps when empty."""
    picked = request.GET.get("date")
    if picked:
        try:
            return redirect("day", day=dt.date.fromisoformat(picked))
        except ValueError:
            messages.error(request, f"“{picked[:40]}” is not a date (YYYY-MM-DD)")
    latest = daily.latest_day()
    if latest is None:
        return _welcome(request)
    return _day_page(request, latest)


@for_signed_out_readers
def day(request: HttpRequest, day: str) -> HttpResponse:
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404("no such day") from None
    return _day_page(request, date)


def _day_page(request: HttpRequest, date: dt.date) -> HttpResponse:
    page = window(daily.papers_of_day(date), page_number(request.GET))
    previous_day, next_day = daily.neighbour_days(date)
    return _list_page(
        request,
        "feed/daily.html",
        page,
        day=date,
        today=daily.today(),
        previous_day=previous_day,
        next_day=next_day,
        window_days=daily.submission_window(),
    )


def _welcome(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "feed/welcome.html",
        {
            "has_users": get_user_model().objects.exists(),
            "jobs": Job.objects.all()[:5],
        },
    )


@for_signed_out_readers
def trending(request: HttpRequest) -> HttpResponse:
    page = trending_page(page_number(request.GET), PER_PAGE)
    return _list_page(request, "feed/trending.html", page)


@for_signed_out_readers
def new(request: HttpRequest) -> HttpResponse:
    page = window(daily.newest(Paper.objects.all()), page_number(request.GET))
    return _list_page(request, "feed/new.html", page)


@for_signed_out_readers
def category(request: HttpRequest, category: str) -> HttpResponse:
    found = get_object_or_404(Category, name=category)
    page = window(daily.newest(Paper.objects.filter(categories=found)), page_number(request.GET))
    return _list_page(request, "feed/category.html", page, category=found)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Put a paper on today's list by its arXiv id or any URL (fetched when not in the library)."""
    context = {"window_days": daily.submission_window(), "target": ""}
    if request.method == "POST":
        limits.enforce(request, "submit")
        context["target"] = request.POST.get("target", "")[:2000]
        try:
            submission = daily.submit(request.user, context["target"])
        except PaperhaulError as exc:
            context["error"] = str(exc)
            return render(request, "feed/submit.html", context, status=400)
        messages.success(request, f"“{submission.paper.title}” is on today's list.")
        return redirect("day", day=submission.day)
    return render(request, "feed/submit.html", context)
