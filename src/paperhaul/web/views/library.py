"""The staff Library page: fill the library from arXiv's listings, an OpenReview venue, a file or a URL,
and follow the jobs.

Fetching listings or venues and importing files run as jobs in `paperhaul worker` (papers/jobs.py); adding
one paper is a single request to its source, so it is done at once and lands on the paper's page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from paperhaul.errors import InputError, PaperhaulError, SourceError
from paperhaul.papers import exporting, jobs, schedule
from paperhaul.papers.fetching import fetch_record
from paperhaul.papers.models import Job, Paper, PossibleDuplicate
from paperhaul.papers.refresh import ARXIV_SLICE, failures_by_reason, incomplete_count, refresh
from paperhaul.papers.upsert import Library
from paperhaul.web.links import paper_path

RECENT_JOBS = 20
FORMAT_CHOICES = [
    ("jsonl", "JSON Lines: one paper a line (url or id, title, abstract…), as paperhaul export writes"),
    ("links", "Links dataset: a JSON array of {blog, src, title, posted}"),
    ("daily", "Daily-papers JSON (the api/daily_papers shape)"),
    ("bibtex", "BibTeX: a .bib file of references (Google Scholar, arXiv, DBLP, Zotero…)"),
    ("ris", "RIS: references from Zotero, Mendeley, EndNote or a publisher's “Download citation”"),
]


class SyncForm(forms.Form):
    categories = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    other = forms.CharField(
        required=False,
        max_length=500,
        label="Other categories",
        help_text="Separated by spaces or commas, e.g. math.ST q-bio.NC.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        followed = settings.PAPERHAUL_ARXIV_CATEGORIES
        self.fields["categories"].choices = [(c, c) for c in followed]
        self.fields["categories"].initial = followed

    def clean(self) -> dict:
        data = super().clean()
        chosen = [*data.get("categories", []), *re.split(r"[\s,]+", data.get("other", ""))]
        try:
            data["chosen"] = jobs.check_categories(chosen)
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class OpenReviewForm(forms.Form):
    venues = forms.CharField(
        max_length=2000,
        label="Venue ids",
        error_messages={"required": "give at least one venue id, e.g. ICLR.cc/2025/Conference"},
        help_text="Separated by spaces or commas, e.g. ICLR.cc/2025/Conference TMLR.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if "venues" not in data:
            return data
        try:
            data["chosen"] = jobs.check_venues(re.split(r"[\s,]+", data.get("venues", "")))
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="File")
    format = forms.ChoiceField(choices=FORMAT_CHOICES, label="Format")
    skip_bad = forms.BooleanField(
        required=False, label="Skip malformed records (they are listed) instead of stopping at the first"
    )


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Curators only: anonymous visitors are sent to log in, signed-in readers get a 403 page."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied("This page is for the site's curators (staff accounts).")
        return view(request, *args, **kwargs)

    return guarded


def _overview(request: HttpRequest, status: int = 200, **context) -> HttpResponse:
    context.setdefault("sync_form", SyncForm())
    context.setdefault("import_form", ImportForm())
    context.setdefault(
        "openreview_form", OpenReviewForm(initial={"venues": " ".join(settings.PAPERHAUL_OPENREVIEW_VENUES)})
    )
    context.setdefault("target", "")
    context.update(
        jobs=Job.objects.select_related("created_by")[:RECENT_JOBS],
        paper_count=Paper.objects.count(),
        duplicate_count=PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN).count(),
        incomplete_count=incomplete_count(),
        arxiv_slice=ARXIV_SLICE,
        arxiv_delay=settings.PAPERHAUL_ARXIV_DELAY,
        max_upload=settings.PAPERHAUL_MAX_UPLOAD_BYTES,
        scheduled=schedule.described(),
        fetch_hour=settings.PAPERHAUL_FETCH_HOUR,
    )
    return render(request, "library/overview.html", context, status=status)


@staff_only
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return _overview(request)


@staff_only
@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    form = SyncForm(request.POST)
    if not form.is_valid():
        return _overview(request, 400, sync_form=form)
    job = jobs.start_sync(form.cleaned_data["chosen"], request.user)
    return redirect("job", pk=job.pk)


@staff_only
@require_POST
def sync_openreview(request: HttpRequest) -> HttpResponse:
    form = OpenReviewForm(request.POST)
    if not form.is_valid():
        return _overview(request, 400, openreview_form=form)
    job = jobs.start_openreview(form.cleaned_data["chosen"], request.user)
    return redirect("job", pk=job.pk)


@staff_only
@require_POST
def import_file(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _overview(request, 400, import_form=form)
    data = form.cleaned_data
    job = jobs.start_import(data["format"], data["file"], request.user, skip_bad=data["skip_bad"])
    return redirect("job", pk=job.pk)


@staff_only
@require_GET
def export_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """The library as paper records (.jsonl.gz), the links dataset, BibTeX or RIS, as
    `paperhaul export` writes them."""
    try:
        name, kind, chunks = exporting.download(fmt)
    except InputError as exc:
        raise Http404(str(exc)) from exc
    response = StreamingHttpResponse(chunks, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_only
@require_POST
def add(request: HttpRequest) -> HttpResponse:
    """Fetch one paper by its arXiv id, DOI or URL, store it and open its page."""
    target = request.POST.get("target", "").strip()[:2000]
    if not target:
        return _overview(request, 400, add_error="give an arXiv id, a DOI or a URL", target=target)
    try:
        paper, _ = Library().upsert_one(fetch_record(target))
    except SourceError as exc:
        return _overview(request, 502, add_error=str(exc), target=target)
    except PaperhaulError as exc:
        return _overview(request, 400, add_error=str(exc), target=target)
    return redirect(paper_path(paper))


@staff_only
@require_POST
def sync_daily(request: HttpRequest) -> HttpResponse:
    """Fetch today's daily-papers list as a job (what the worker does every morning)."""
    return redirect("job", pk=jobs.start_daily(request.user).pk)


@staff_only
@require_POST
def sync_counts(request: HttpRequest) -> HttpResponse:
    """Fetch the citation counts that are due as a job (`paperhaul sync semantic-scholar`)."""
    return redirect("job", pk=jobs.start_counts(None, request.user).pk)


@staff_only
@require_POST
def fill_in(request: HttpRequest) -> HttpResponse:
    """Fill in the papers known only by a link, a citation or a title, as a job (papers/refresh.py)."""
    try:
        job = jobs.start_refresh(request.user)
    except InputError as exc:
        messages.info(request, str(exc))
        return redirect("library")
    return redirect("job", pk=job.pk)


@staff_only
@require_POST
def refresh_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Fetch one paper again from its source (a single request, done at once) and show its page."""
    paper = get_object_or_404(Paper, pk=pk)
    stats = refresh([paper.key])
    paper.refresh_from_db()  # a paper known only by its title has its arXiv key now
    if stats.failed:
        (reason,) = failures_by_reason(stats.errors)
        messages.error(request, f"Could not fetch it: {reason}")
    elif stats.updated:
        messages.success(request, "Fetched from its source: the page shows what it says now.")
    else:
        messages.info(request, "Fetched from its source: nothing had changed.")
    return redirect(paper_path(paper))


@staff_only
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    return render(request, "library/job.html", {"job": job, "can_run_again": jobs.can_run_again(job)})


@staff_only
@require_POST
def restart_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job, pk=pk)
    try:
        again = jobs.restart(job, request.user)
    except InputError as exc:
        messages.error(request, str(exc))
        return redirect("job", pk=job.pk)
    return redirect("job", pk=again.pk)
