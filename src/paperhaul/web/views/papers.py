"""The paper page, and what readers do there: upvote, save, mark read, note, comment, reply, edit,
delete and hide."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from paperhaul.community import collections, comments, limits, reactions, reading
from paperhaul.community.daily import counted, with_activity
from paperhaul.community.models import Comment
from paperhaul.enrich.display import NOTHING, for_papers
from paperhaul.errors import InputError
from paperhaul.hauls.coverage import coverage
from paperhaul.papers import bibtex, duplicates
from paperhaul.papers.citation_counts import counts_of
from paperhaul.papers.citation_graph import SHOWN, in_library
from paperhaul.papers.ids import try_canonical_key
from paperhaul.papers.lookup import category_names, find_paper
from paperhaul.papers.models import Merge, Paper
from paperhaul.papers.refresh import is_incomplete
from paperhaul.search import service, store
from paperhaul.web import links
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.pages import wants_json
from paperhaul.web.views.errors import error_page

RELATED = 8
ON_LISTS = 10  # the public lists a paper's page names
RELATED_CACHE_SECONDS = 3600
REDIRECT_SECONDS = 86400
MERGES_SHOWN = 5
log = logging.getLogger(__name__)


@for_signed_out_readers
def paper(request: HttpRequest, ref: str) -> HttpResponse:
    """A paper by any of its addresses; other forms than the canonical one redirect to it."""
    found = _by_key(ref) or find_paper(ref)
    if found is None:
        return error_page(
            request,
            404,
            f"No paper in the library has the address “{ref[:300]}”. "
            "Try the search box above, or submit the paper by its URL.",
        )
    if ref != links.paper_ref(found.key):
        moved = redirect(links.paper_path(found), permanent=True)
        # Browsers keep a 301 for as long as it says (else for good): an alias of a merged item
        # leads to its own page again once the merge is undone.
        patch_cache_control(moved, max_age=REDIRECT_SECONDS)
        return moved
    return _paper_page(request, found)


def _by_key(ref: str) -> Paper | None:
    """The paper whose own key the address gives, with its counters, in one query: the common case
    (any other form, an alias or a title, goes through find_paper)."""
    key = try_canonical_key(ref)
    return next(iter(with_activity(Paper.objects.filter(key=key))[:1]), None) if key else None


def _paper_page(request: HttpRequest, paper: Paper, status: int = 200, **extra) -> HttpResponse:
    """The page of a paper; ``extra`` carries a refused comment back to its form."""
    if not hasattr(paper, "upvote_count"):
        paper = counted(paper)
    cited = counts_of(paper)
    context = {
        "paper": paper,
        "voted": {paper.pk} if reactions.has_upvoted(request.user, paper) else set(),
        "reading": reading.entry(request.user, paper),
        "on_lists": collections.containing(paper)[:ON_LISTS],
        "my_lists": collections.editable_by(request.user),
        "categories": category_names(paper),
        "enrichment": for_papers([paper.pk], cited={paper.pk: cited["count"]} if cited else {}).get(
            paper.pk, NOTHING
        ),
        "outbound": links.outbound(paper),
        "license_url": paper.license if links.is_web_address(paper.license) else "",
        "thread": comments.thread(paper, request.user),
        "related": _related(paper),
        "cited": cited,
        "graph": in_library(paper, counted=cited is not None),
        "graph_search": {
            operator: links.citation_search(paper.key, operator) for operator in ("cites", "citedby")
        },
        "shown_links": SHOWN,
        "twins": [(twin, links.home_of(twin)) for twin, _ in duplicates.twins(paper)],
        "coverage": coverage(paper),
        "citation": bibtex.bibliography([paper]),
        "citation_meta": links.citation_meta(paper),
        "can_fetch": request.user.is_staff and is_incomplete(paper),
        "merges_into": _merges_into(paper) if request.user.is_staff else [],
        "comment_text": "",
        "comment_error": "",
        "reply_to": None,
        "max_length": comments.MAX_LENGTH,
        "max_depth": comments.MAX_DEPTH,
        "max_note": reading.MAX_NOTE,
        "note_text": None,
        "note_error": "",
        **extra,
    }
    context["saved"] = context["reading"] is not None
    return render(request, "papers/detail.html", context, status=status)


def _related(paper: Paper) -> list[service.Hit]:
    """Papers like this one, for papers that have a vector; never a reason for the page to fail.

    A paper without a vector gets none rather than being embedded on the spot: that would load
    the model inside a page view. Results are cached, as vectors change only when papers are embedded.
    """
    key = f"paperhaul:related:{paper.pk}"
    hits = cache.get(key)
    if hits is None:
        if not store.has_vector(paper.pk):
            return []
        try:
            hits = service.related(paper, RELATED)
        except Exception:
            log.exception("related papers of %s failed; the page shows none", paper.key)
            return []
        cache.set(key, hits, RELATED_CACHE_SECONDS)
    return hits


def _merges_into(paper: Paper) -> list[Merge]:
    """The merges into this paper not undone, for its curators to undo one found wrong."""
    return list(Merge.objects.filter(kept_id=paper.pk, undone_at=None).select_related("by")[:MERGES_SHOWN])


def _back(request: HttpRequest, paper: Paper) -> HttpResponse:
    """Back to the page the form was on (``next``, when it is on this site), else the paper page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = links.paper_path(paper)
    return redirect(target)


def _comment_url(comment: Comment) -> str:
    return f"{links.paper_path(comment.paper)}#comment-{comment.pk}"


@require_POST
@login_required
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(Paper, pk=pk)
    limits.enforce(request, "vote")
    state = reactions.toggle_upvote(request.user, paper)
    if wants_json(request):
        return JsonResponse({"voted": state.voted, "upvotes": state.upvotes})
    return _back(request, paper)


@require_POST
@login_required
def save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the paper, or take it off the reading list: one with the reader's note is taken off only
    once they confirm (``confirm=1``), since its note goes with it; the page's script, told 409,
    sends the form again without itself and lands on the question."""
    paper = get_object_or_404(Paper, pk=pk)
    limits.enforce(request, "vote")
    row = reading.entry(request.user, paper)
    if row is not None and row.note and request.POST.get("confirm") != "1":
        if wants_json(request):
            return JsonResponse({"detail": "the paper carries your note: confirm on the page"}, status=409)
        return render(request, "papers/unsave.html", {"paper": paper, "row": row})
    saved = reactions.set_saved(request.user, paper, row is None)
    if wants_json(request):
        return JsonResponse({"saved": saved})
    return _back(request, paper)


@require_POST
@login_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the paper read (``read=1``, saving it if need be) or back to read (``read=0``)."""
    paper = get_object_or_404(Paper, pk=pk)
    flag = request.POST.get("read", "")
    if flag not in ("0", "1"):
        return error_page(request, 400, "Say whether the paper is read (read=1) or still to read (read=0).")
    limits.enforce(request, "vote")
    reading.set_read(request.user, paper, flag == "1")
    return _back(request, paper)


@require_POST
@login_required
def note(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the reader's private note on the paper; a refused one comes back with its text kept."""
    paper = get_object_or_404(Paper, pk=pk)
    limits.enforce(request, "comment")
    text = request.POST.get("note", "")
    try:
        reading.set_note(request.user, paper, text)
    except InputError as exc:
        return _paper_page(request, paper, 400, note_error=str(exc), note_text=text)
    return redirect(f"{links.paper_path(paper)}#reading")


def _parent(raw: str) -> Comment | None:
    """The comment a reply answers (the form's ``parent``), None for a comment on the paper."""
    if not raw:
        return None
    parent = Comment.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if parent is None:
        raise InputError("the comment you replied to no longer exists")
    return parent


@require_POST
@login_required
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A new comment or reply; a refused one comes back on the paper page with its text kept."""
    paper = get_object_or_404(Paper, pk=pk)
    limits.enforce(request, "comment")
    body = request.POST.get("body", "")
    parent = None
    try:
        parent = _parent(request.POST.get("parent", ""))
        made = comments.add_comment(request.user, paper, body, parent)
    except InputError as exc:
        reply_to = parent.pk if parent is not None else None
        return _paper_page(request, paper, 400, comment_error=str(exc), comment_text=body, reply_to=reply_to)
    return redirect(_comment_url(made))


@require_http_methods(["GET", "POST"])
@login_required
def edit_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """The author's form to change their comment (403 for anyone else)."""
    found = get_object_or_404(Comment.objects.select_related("paper"), pk=pk)
    context = {
        "comment": found,
        "paper": found.paper,
        "text": found.body,
        "error": "",
        "max_length": comments.MAX_LENGTH,
    }
    try:
        if request.method == "POST":
            limits.enforce(request, "comment")
            context["text"] = request.POST.get("body", "")
            comments.edit_comment(request.user, found, context["text"])
            return redirect(_comment_url(found))
        comments.check_editable(request.user, found)
    except InputError as exc:
        context["error"] = str(exc)
        return render(request, "papers/edit_comment.html", context, status=400)
    return render(request, "papers/edit_comment.html", context)


@require_POST
@login_required
def delete_comment(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Comment.objects.select_related("paper"), pk=pk)
    comments.delete_comment(request.user, found)
    return redirect(_comment_url(found))


@require_POST
@login_required
def hide_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator hides (``hidden=1``) or shows again (``hidden=0``) any comment."""
    found = get_object_or_404(Comment.objects.select_related("paper"), pk=pk)
    hidden = request.POST.get("hidden", "")
    if hidden not in ("0", "1"):
        return error_page(request, 400, "Say whether to hide the comment (hidden=1) or show it (hidden=0).")
    comments.set_hidden(request.user, found, hidden == "1")
    return redirect(_comment_url(found))
