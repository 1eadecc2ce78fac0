"""Shared lists of papers (community/collections.py): the index of public lists, a list's page with
its papers and comments, and what the owner and editors do there."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from paperhaul.community import collections, limits, list_fetching, list_import
from paperhaul.community.models import Collection, CollectionItem
from paperhaul.community.reactions import marks
from paperhaul.enrich.display import attach
from paperhaul.errors import InputError, PaperhaulError, SourceError
from paperhaul.hauls import authoring
from paperhaul.papers.fetching import find_or_fetch
from paperhaul.papers.ids import key_kind
from paperhaul.web.caching import for_signed_out_readers, forget_page
from paperhaul.web.list_forms import ListForm
from paperhaul.web.pages import page_number, wants_json, window
from paperhaul.web.views.errors import error_page


def list_path(collection: Collection) -> str:
    return reverse("list", args=[collection.owner.get_username(), collection.slug])


def _found(request: HttpRequest, username: str, slug: str) -> Collection:
    found = collections.find(username, slug, request.user)
    if found is None:
        raise Http404("no such list")
    return found


def _changed(collection: Collection) -> None:
    """Signed-out readers see the change at once (their copy of the page is cached)."""
    forget_page(list_path(collection))


@for_signed_out_readers
def index(request: HttpRequest) -> HttpResponse:
    """The public lists, the latest changed first; a signed-in reader's own lists above them."""
    page = window(collections.public_lists(), page_number(request.GET))
    yours = collections.lists_of(request.user, request.user) if request.user.is_authenticated else []
    return render(request, "lists/index.html", {"page": page, "yours": yours})


@for_signed_out_readers
@require_http_methods(["GET", "HEAD", "POST"])
def show(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    """A list's papers in their order with their comments; POST: an editor adds a paper by its
    address (fetched when the library does not have it yet)."""
    collection = _found(request, username, slug)
    context = {"paper_text": "", "comment_text": "", "add_error": ""}
    if request.method == "POST":
        collections.check_editor(request.user, collection)
        limits.enforce(request, "vote")
        context["paper_text"] = request.POST.get("paper", "").strip()[:2000]
        context["comment_text"] = request.POST.get("comment", "")
        try:
            if not context["paper_text"]:
                raise InputError("give the paper's arXiv id, DOI or URL")
            paper = find_or_fetch(context["paper_text"])
            item = collections.add(request.user, collection, paper, context["comment_text"])
        except PaperhaulError as exc:  # unusable input, or a source that failed (502)
            context["add_error"] = str(exc)
            return _list_page(request, collection, context, 502 if isinstance(exc, SourceError) else 400)
        _changed(collection)
        return redirect(f"{list_path(collection)}#item-{item.pk}")
    return _list_page(request, collection, context)


def _list_page(
    request: HttpRequest, collection: Collection, context: dict, status: int = 200
) -> HttpResponse:
    entries = collections.counted_items(collection)
    can_edit = collections.may_edit(request.user, collection)
    query = request.GET.get("q", "").strip()[:200]
    shown = collections.matching(entries, query) if query else entries
    attach([entry.paper for entry in shown])
    context |= {
        "collection": collection,
        "entries": shown,
        "paper_count": len(entries),
        "query": query,
        "editors": collection.editors.order_by("username"),
        **marks(request.user, [entry.paper_id for entry in shown]),
        "can_edit": can_edit,
        "is_owner": request.user.is_authenticated and request.user.pk == collection.owner_id,
        "follow_value": collections.follow_value(collection),
        "fetch": list_fetching.latest(collection) if can_edit else None,
        "max_fetched": list_fetching.MAX_FETCHED,
        "max_text": collections.MAX_TEXT,
        "max_request_bytes": settings.PAPERHAUL_MAX_REQUEST_BYTES,
    }
    return render(request, "lists/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    form = ListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limits.enforce(request, "comment")
        data = form.cleaned_data
        try:
            made = collections.create(
                request.user, data["title"], data["description"], data["visibility"], form.editor_names()
            )
        except InputError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(list_path(made))
    return render(request, "lists/form.html", {"form": form, "collection": None}, status=_status(form))


def _status(form: ListForm) -> int:
    return 400 if form.is_bound and form.errors else 200


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    """The owner's form of the list's settings, and its delete button."""
    collection = _found(request, username, slug)
    if request.user.pk != collection.owner_id:
        raise PermissionDenied("only the list's owner may change its settings")
    form = ListForm(request.POST) if request.method == "POST" else ListForm.of(collection)
    if request.method == "POST" and form.is_valid():
        limits.enforce(request, "comment")
        data = form.cleaned_data
        try:
            collections.change(
                request.user,
                collection,
                title=data["title"],
                description=data["description"],
                visibility=data["visibility"],
                editors=form.editor_names(),
            )
        except InputError as exc:
            form.add_error(None, str(exc))
        else:
            _changed(collection)
            return redirect(list_path(collection))
    context = {"form": form, "collection": collection}
    return render(request, "lists/form.html", context, status=_status(form))


@login_required
@require_POST
def delete(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    collection = _found(request, username, slug)
    collections.delete(request.user, collection)
    _changed(collection)
    messages.success(request, f"The list “{collection.title}” is deleted.")
    return redirect("lists")


@login_required
@require_POST
def item(request: HttpRequest, username: str, slug: str, pk: int) -> HttpResponse:
    """An editor's change to one paper of the list: ``action`` remove, up, down or comment."""
    collection = _found(request, username, slug)
    entry = get_object_or_404(
        CollectionItem.objects.select_related("collection"), pk=pk, collection=collection
    )
    action = request.POST.get("action", "")
    try:
        if action == "remove":
            limits.enforce(request, "vote")
            collections.remove(request.user, entry)
        elif action in ("up", "down"):
            limits.enforce(request, "vote")
            collections.move(request.user, entry, -1 if action == "up" else 1)
        elif action == "comment":
            limits.enforce(request, "comment")
            collections.set_comment(request.user, entry, request.POST.get("comment", ""))
        else:
            raise InputError("Say what to do with the paper: remove, up, down or comment.")
    except InputError as exc:
        return error_page(request, 400, str(exc))
    _changed(collection)
    if wants_json(request):  # the page's script moves or takes away the entry itself
        return JsonResponse({"done": action})
    return redirect(list_path(collection) + ("" if action == "remove" else f"#item-{entry.pk}"))


@login_required
@require_POST
def copy(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    """A private copy of the list for the reader, to annotate as their own."""
    source = _found(request, username, slug)
    limits.enforce(request, "comment")
    try:
        made = collections.copy(request.user, source, list_path(source))
    except InputError as exc:
        messages.error(request, str(exc))
        return redirect(list_path(source))
    messages.success(request, "Your copy of the list, private until you change it in its settings.")
    return redirect(list_path(made))


@login_required
@require_POST
def import_file(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    """An editor fills the list from a .bib or .ris file (community/list_import.py)."""
    collection = _found(request, username, slug)
    collections.check_editor(request.user, collection)
    limits.enforce(request, "comment")
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise InputError("Choose a .bib or .ris file.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{upload.name}: not UTF-8 text (byte {exc.start})") from exc
        filled = list_import.fill(request.user, collection, text, list_import.file_format(upload.name, text))
    except PaperhaulError as exc:
        messages.error(request, str(exc))
    else:
        _changed(collection)
        messages.success(request, filled.summary())
    return redirect(list_path(collection))


@login_required
@require_POST
def add_from_paper(request: HttpRequest) -> HttpResponse:
    """The paper page's "Add to a list": the chosen list (``list``), the paper's key and a comment;
    back to the page with a message saying what happened."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("lists")
    chosen = request.POST.get("list", "")
    mine = collections.editable_by(request.user)
    collection = mine.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if collection is None:
        messages.error(request, "Choose one of your lists.")
        return redirect(target)
    limits.enforce(request, "vote")
    try:
        paper = find_or_fetch(request.POST.get("paper", "").strip()[:2000])
        collections.add(request.user, collection, paper, request.POST.get("comment", ""))
    except PaperhaulError as exc:
        messages.error(request, str(exc))
        return redirect(target)
    _changed(collection)
    messages.success(request, f"Added to “{collection.title}”.")
    return redirect(target)


@login_required
@require_POST
def draft_haul(request: HttpRequest, username: str, slug: str) -> HttpResponse:
    """A curator turns the list into a draft haul: its papers in order, their comments as the
    commentary (papers known only by their title are left out: a haul links every paper)."""
    if not request.user.is_staff:
        raise PermissionDenied("only curators write hauls")
    collection = _found(request, username, slug)
    entries = list(collections.items(collection))
    usable = [
        (_address(entry.paper), entry.comment) for entry in entries if key_kind(entry.paper.key) != "title"
    ]
    try:
        haul = authoring.draft_with(collection.title, usable)
    except PaperhaulError as exc:
        return error_page(request, 400, str(exc))
    left_out = len(entries) - len(usable)
    messages.success(
        request,
        f"Haul {haul.number} is drafted from the list's {len(usable)} paper{pluralize(len(usable))}"
        + (
            f"; {left_out} known only by their title {'was' if left_out == 1 else 'were'} left out"
            if left_out
            else ""
        )
        + ".",
    )
    return redirect("studio_haul", haul.number)


def _address(paper) -> str:
    """What the haul links: a web page's own address, else the paper's key (an arXiv id, a DOI)."""
    kind, _, rest = paper.key.partition(":")
    return rest if kind == "url" else paper.key
