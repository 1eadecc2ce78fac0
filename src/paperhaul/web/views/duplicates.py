"""Curators' answer to possible duplicates: two items are told apart, or merged into one paper.

The library only reports items that may be one paper (papers/duplicates.py); these pages list the
open reports and let a curator dismiss one or merge the two items (papers/combine.py), after a
page that shows what the merge will do. Looking for near-identical titles is a Library job. The
merges are listed, and one found wrong is undone (papers/unmerge.py), again after a page that
shows what undoing it will do.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from paperhaul.errors import InputError
from paperhaul.papers import combine, jobs, unmerge
from paperhaul.papers.duplicates import NEAR_RATIO, dismiss_report
from paperhaul.papers.models import Merge, Paper, PossibleDuplicate
from paperhaul.web.links import home_of, paper_path
from paperhaul.web.pages import page_number, window
from paperhaul.web.views.library import staff_only

PER_PAGE = 20


def _side(paper: Paper) -> dict:
    return {"paper": paper, "home": home_of(paper)}


@staff_only
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """The open reports, oldest first, each with both items side by side."""
    reports = PossibleDuplicate.objects.filter(status=PossibleDuplicate.Status.OPEN)
    page = window(reports.select_related("paper", "other").order_by("pk"), page_number(request.GET), PER_PAGE)
    rows = [(report, _side(report.paper), _side(report.other)) for report in page.items]
    context = {
        "page": page,
        "rows": rows,
        "open_count": reports.count(),
        "near_percent": round(NEAR_RATIO * 100),
    }
    return render(request, "library/duplicates.html", context)


@staff_only
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(PossibleDuplicate.objects.select_related("paper", "other"), pk=pk)
    dismiss_report(report.paper, report.other)
    messages.success(
        request, f"Marked as different papers: “{report.paper.title}” and “{report.other.title}”."
    )
    page = request.POST.get("page", "")
    return redirect(reverse("duplicates") + (f"?page={page}" if page.isdigit() and page != "1" else ""))


@staff_only
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    """Start the job that looks for near-identical titles; its page shows the progress."""
    return redirect("job", jobs.start_scan(request.user).pk)


@staff_only
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    """GET: what merging the item ``other`` into ``keep`` will do, and the button; POST: do it."""
    params = request.POST if request.method == "POST" else request.GET
    keep_ref, other_ref = params.get("keep", "").strip(), params.get("other", "").strip()
    context = {"keep_ref": keep_ref, "other_ref": other_ref}
    if not keep_ref or not other_ref:
        return render(request, "library/merge.html", context)
    try:
        keep, other = combine.pair(keep_ref, other_ref)
        if request.method == "POST":
            merged = combine.combine(keep, other, by=request.user)
            messages.success(request, merged.summary() + ". If they were two papers, undo it from Merges.")
            return redirect(paper_path(merged.kept))
        said = combine.preview(keep, other)
    except InputError as exc:
        return render(request, "library/merge.html", {**context, "error": str(exc)}, status=400)
    context.update(keep=_side(keep), other=_side(other), said=said)
    return render(request, "library/merge.html", context)


@staff_only
@require_GET
def merges(request: HttpRequest) -> HttpResponse:
    """The merges, newest first, each with its undo button while it is not undone."""
    page = window(Merge.objects.select_related("by", "undone_by"), page_number(request.GET), PER_PAGE)
    return render(request, "library/merges.html", {"page": page, "merges": page.items})


@staff_only
@require_http_methods(["GET", "POST"])
def undo_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what undoing the merge will do, and the button; POST: do it."""
    merge = get_object_or_404(Merge, pk=pk)
    try:
        if request.method == "POST":
            undone = unmerge.undo(merge, by=request.user)
            messages.success(request, undone.summary() + ".")
            return redirect(paper_path(undone.restored))
        said = unmerge.preview(merge)
    except InputError as exc:
        return render(request, "library/unmerge.html", {"merge": merge, "error": str(exc)}, status=400)
    return render(request, "library/unmerge.html", {"merge": merge, "said": said})
