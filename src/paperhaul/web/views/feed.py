"""The reading lists: the daily list (home, narrowed to a topic with ``?topic=``), trending, new and
per-category pages, and submissions."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from paperhaul.community import daily, limits
from paperhaul.community.reactions import marks
from paperhaul.community.trending import trending_page
from paperhaul.enrich.browse import in_topic, topic_counts
from paperhaul.enrich.display import attach
from paperhaul.enrich.models import Topic
from paperhaul.errors import PaperhaulError
from paperhaul.hauls.models import Haul
from paperhaul.papers.models import Category, Job, Paper
from paperhaul.papers.refresh import incomplete_count
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.pages import PER_PAGE, Page, page_number, window
from paperhaul.web.views.clip import bookmarklet


def list_page(request: HttpRequest, template: str, page: Page, **context) -> HttpResponse:
    """A page of papers, each with its takeaway and topics (read for the whole page at once)."""
    ids = [p.pk for p in attach(page.items)]
    return render(request, template, {"page": page, **marks(request.user, ids), **context})


@for_signed_out_readers
def home(request: HttpRequest) -> HttpResponse:
    """Today's list, or the latest day that has papers; a welcome with first steps when empty."""
    picked = request.GET.get("date")
    if picked:
        try:
            target = reverse("day", kwargs={"day": dt.date.fromisoformat(picked)})
            topic = request.GET.get("topic", "").strip()
            return redirect(f"{target}?{urlencode({'topic': topic})}" if topic else target)
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
    """The day's list; ``?topic=SLUG`` keeps the papers of one topic, the chips say how many each has."""
    papers = daily.papers_of_day(date)
    chips = topic_counts(papers)
    topic = _topic(request)
    if topic is not None:
        papers = in_topic(papers, topic)
        if all(chip != topic for chip, _ in chips):
            chips.append((topic, 0))
    page = window(papers, page_number(request.GET))
    previous_day, next_day = daily.neighbour_days(date)
    return list_page(
        request,
        "feed/daily.html",
        page,
        topic=topic,
        topic_chips=chips,
        day=date,
        today=daily.today(),
        previous_day=previous_day,
        next_day=next_day,
        window_days=daily.submission_window(),
    )


def _topic(request: HttpRequest) -> Topic | None:
    """The topic named by ``?topic=SLUG``; an unknown one is a 404, like an unknown category."""
    slug = request.GET.get("topic", "").strip()
    return get_object_or_404(Topic, slug=slug) if slug else None


def _welcome(request: HttpRequest) -> HttpResponse:
    """First steps; for a library whose papers all lack a date (haul links, title-only records),
    what there is to read instead and how to fill the papers in, rather than "empty"."""
    paper_count = Paper.objects.count()
    return render(
        request,
        "feed/welcome.html",
        {
            "has_users": get_user_model().objects.exists(),
            "jobs": Job.objects.all()[:5],
            "paper_count": paper_count,
            "incomplete_count": incomplete_count() if paper_count else 0,
            "has_hauls": paper_count > 0 and Haul.objects.filter(status=Haul.Status.PUBLISHED).exists(),
        },
    )


@for_signed_out_readers
def trending(request: HttpRequest) -> HttpResponse:
    page = trending_page(page_number(request.GET), PER_PAGE)
    return list_page(request, "feed/trending.html", page)


@for_signed_out_readers
def new(request: HttpRequest) -> HttpResponse:
    page = window(daily.newest(Paper.objects.all()), page_number(request.GET))
    return list_page(request, "feed/new.html", page)


@for_signed_out_readers
def category(request: HttpRequest, category: str) -> HttpResponse:
    found = get_object_or_404(Category, name=category)
    page = window(daily.newest(Paper.objects.filter(categories=found)), page_number(request.GET))
    return list_page(request, "feed/category.html", page, category=found)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Put a paper on today's list by its arXiv id or any URL (fetched when not in the library)."""
    context = {"window_days": daily.submission_window(), "target": "", "bookmarklet": bookmarklet(request)}
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
