"""The curation studio: staff compose, check, preview and publish hauls (hauls/authoring.py).

Every change is a POST with Django's CSRF token that calls one authoring service and redirects
back to the editor (post/redirect/get), where the duplicate check runs again and the warnings of
an added paper are shown as messages. A refused change shows the editor again with the reason and
what was typed: status 400, or 502 when the paper's source could not be fetched.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from paperhaul.errors import PaperhaulError, SourceError
from paperhaul.hauls import authoring, publishing
from paperhaul.hauls.duplicates import check_haul
from paperhaul.hauls.html import article_html
from paperhaul.hauls.models import Haul, HaulItem, HaulSection
from paperhaul.hauls.render import document_of
from paperhaul.notify import tasks as notify_tasks
from paperhaul.web.caching import forget_page
from paperhaul.web.links import is_web_address, paper_path
from paperhaul.web.studio_forms import (
    AddItemForm,
    HeaderForm,
    ItemForm,
    NewHaulForm,
    PublishForm,
    SectionForm,
)
from paperhaul.web.views.clip import bookmarklet
from paperhaul.web.views.library import staff_only

KINDS = {"item": HaulItem, "section": HaulSection}


@staff_only
@require_GET
def hauls(request: HttpRequest) -> HttpResponse:
    return _list(request)


@staff_only
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    form = NewHaulForm(request.POST, prefix="header")
    if not form.is_valid():
        return _list(request, 400, form=form)
    data = form.cleaned_data
    try:
        haul = authoring.new_haul(
            data["title"], number=data["number"], snippet=data["snippet"], tags=data["tags"]
        )
    except PaperhaulError as exc:
        return _list(request, 400, form=form, error=str(exc))
    messages.success(request, f"Draft haul {haul.number} created: add papers below.")
    return redirect("studio_haul", number=haul.number)


@staff_only
@require_GET
def editor(request: HttpRequest, number: int) -> HttpResponse:
    return _editor(request, _haul(number))


@staff_only
@require_GET
def preview(request: HttpRequest, number: int) -> HttpResponse:
    haul = _haul(number)
    # article_html escapes the header and cleans every section and item with nh3 (hauls/html.py).
    article = mark_safe(article_html(document_of(haul)))
    return render(request, "studio/preview.html", {"haul": haul, "article": article})


@staff_only
@require_POST
def header(request: HttpRequest, number: int) -> HttpResponse:
    haul = _haul(number)
    form = HeaderForm(request.POST, prefix="header")

    def change(data: dict) -> str:
        authoring.edit_haul(haul, title=data["title"], snippet=data["snippet"], tags=data["tags"])
        return "Saved the title, snippet and tags."

    return _apply(request, haul, form, change, failed={"header_form": form})


@staff_only
@require_POST
def add(request: HttpRequest, number: int) -> HttpResponse:
    haul = _haul(number)
    form = AddItemForm(request.POST, haul=haul)

    def change(data: dict) -> str:
        section = haul.sections.filter(pk=data["section"]).first() if data["section"] else None
        added = authoring.add_item(haul, data["url"], data["note"], section=section)
        for finding in added.findings:
            messages.warning(request, finding.message)
        return f"Added block {added.item.position + 1}: {added.item.paper.title}"

    return _apply(request, haul, form, change, failed={"add_form": form})


@staff_only
@require_POST
def add_section(request: HttpRequest, number: int) -> HttpResponse:
    haul = _haul(number)
    form = SectionForm(request.POST, prefix="section")

    def change(data: dict) -> str:
        section = authoring.add_section(haul, data["heading"], level=data["level"], body=data["body"])
        return f"Added block {section.position + 1}: section “{section.heading or 'without heading'}”"

    return _apply(request, haul, form, change, failed={"section_form": form})


@staff_only
@require_POST
def edit(request: HttpRequest, number: int, kind: str, pk: int) -> HttpResponse:
    haul = _haul(number)
    block, place = _block(haul, kind, pk)
    form = _block_form(block, request.POST)

    def change(data: dict) -> str:
        if isinstance(block, HaulItem):
            authoring.edit_item(
                block, title=data["title"], abstract=data["abstract"], commentary=data["commentary"]
            )
        else:
            authoring.edit_section(block, heading=data["heading"], level=data["level"], body=data["body"])
        return f"Saved block {place}."

    return _apply(request, haul, form, change, failed={"bound": (kind, pk, form)}, place=place)


@staff_only
@require_POST
def move(request: HttpRequest, number: int, kind: str, pk: int) -> HttpResponse:
    haul = _haul(number)
    _, place = _block(haul, kind, pk)
    to = place - 1 if request.POST.get("direction") == "up" else place + 1

    def change(_: dict) -> str:
        authoring.move_block(haul, place, to)
        return f"Moved block {place} to {to}."

    return _apply(request, haul, None, change, place=to)


@staff_only
@require_POST
def remove(request: HttpRequest, number: int, kind: str, pk: int) -> HttpResponse:
    haul = _haul(number)
    _, place = _block(haul, kind, pk)

    def change(_: dict) -> str:
        authoring.remove_block(haul, place)
        return f"Removed block {place}."

    return _apply(request, haul, None, change)


@staff_only
@require_POST
def publish(request: HttpRequest, number: int) -> HttpResponse:
    haul = _haul(number)
    form = PublishForm(request.POST, prefix="publish")

    def change(data: dict) -> str:
        authoring.publish(haul, data["at"])
        return f"Published on {haul.published_at:%d %B %Y, %H:%M} UTC."

    return _apply(request, haul, form, change, failed={"publish_form": form})


@staff_only
@require_http_methods(["GET", "POST"])
def newsletter(request: HttpRequest, number: int) -> HttpResponse:
    """GET asks to confirm, saying whom it reaches, and then follows the sending; POST queues the
    send of the published haul to the newsletter's subscribers for the worker (notify/tasks.py)."""
    haul = _haul(number)
    if request.method == "POST":
        try:
            queued = notify_tasks.queue_newsletter(haul)
        except PaperhaulError as exc:
            return _editor(request, haul, 400, error=str(exc))
        if queued:
            messages.success(request, "Queued: the worker sends it now, to those who have not received it.")
        else:
            messages.info(request, "It is being sent already.")
        return redirect("studio_newsletter", number=haul.number)
    status = notify_tasks.newsletter_status(haul)
    return render(request, "studio/newsletter.html", {"haul": haul, "newsletter": status})


@staff_only
@require_POST
def unpublish(request: HttpRequest, number: int) -> HttpResponse:
    haul = _haul(number)

    def change(_: dict) -> str:
        authoring.unpublish(haul)
        return "Back to a draft: readers no longer see it."

    return _apply(request, haul, None, change)


# -- helpers ------------------------------------------------------------------------------------


def _haul(number: int) -> Haul:
    return get_object_or_404(Haul, number=number)


def _block(haul: Haul, kind: str, pk: int) -> tuple[HaulItem | HaulSection, int]:
    """The block and its place (from 1) in the haul as it is now."""
    if kind not in KINDS:
        raise Http404("no such block")
    block = get_object_or_404(KINDS[kind], haul=haul, pk=pk)
    return block, authoring.blocks(haul).index(block) + 1


def _block_form(block: HaulItem | HaulSection, data: dict | None = None) -> forms.Form:
    prefix = f"{'item' if isinstance(block, HaulItem) else 'section'}-{block.pk}"
    if isinstance(block, HaulItem):
        initial = {"title": block.title, "abstract": block.abstract, "commentary": block.commentary}
        return ItemForm(data, initial=initial, prefix=prefix)
    initial = {"heading": block.heading, "level": block.level, "body": block.body}
    return SectionForm(data, initial=initial, prefix=prefix)


def _item_links(item: HaulItem) -> dict:
    """The displayed title as text, and the item's link (http(s) only) and paper page."""
    url = html.unescape(item.url)
    return {
        "label": html.unescape(strip_tags(item.title)),
        "href": url if is_web_address(url) else "",
        "paper_path": paper_path(item.paper),
    }


def _apply(
    request: HttpRequest,
    haul: Haul,
    form: forms.Form | None,
    change: Callable[[dict], str],
    *,
    failed: dict | None = None,
    place: int | None = None,
) -> HttpResponse:
    """Run one change from a valid form; back to the editor, with the reason when it is refused."""
    failed = failed or {}
    if form is not None and not form.is_valid():
        return _editor(request, haul, 400, **failed)
    try:
        done = change(form.cleaned_data if form is not None else {})
    except SourceError as exc:
        return _editor(request, Haul.objects.get(pk=haul.pk), 502, error=str(exc), **failed)
    except PaperhaulError as exc:
        return _editor(request, Haul.objects.get(pk=haul.pk), 400, error=str(exc), **failed)
    # Readers' copies of the haul's page and of the list are cached for a minute (web/caching.py):
    # a change made here shows at once. Changes made with the CLI show when the copies expire.
    for path in (publishing.haul_path(haul), reverse("hauls")):
        forget_page(path)
    messages.success(request, done)
    anchor = f"#block-{place}" if place else ""
    return redirect(reverse("studio_haul", args=[haul.number]) + anchor)


def _list(
    request: HttpRequest, status: int = 200, *, form: NewHaulForm | None = None, error: str = ""
) -> HttpResponse:
    context = {
        "hauls": Haul.objects.annotate(item_count=Count("items")).order_by("-number"),
        "form": form or NewHaulForm(prefix="header", initial={"number": authoring.next_number()}),
        "error": error,
        "bookmarklet": bookmarklet(request),
    }
    return render(request, "studio/list.html", context, status=status)


def _editor(
    request: HttpRequest, haul: Haul, status: int = 200, *, error: str = "", bound=None, **forms_
) -> HttpResponse:
    findings = check_haul(haul)
    by_block = defaultdict(list)
    for finding in findings:
        by_block[finding.block].append(finding)
    rows = []
    blocks = authoring.blocks(haul)
    for place, block in enumerate(blocks, start=1):
        kind = "item" if isinstance(block, HaulItem) else "section"
        is_bound = bound is not None and bound[:2] == (kind, block.pk)
        rows.append(
            {
                "place": place,
                "kind": kind,
                "block": block,
                **(_item_links(block) if isinstance(block, HaulItem) else {}),
                "form": bound[2] if is_bound else _block_form(block),
                "open": is_bound,
                "findings": by_block.get(place, []),
                "last": place == len(blocks),
            }
        )
    context = {
        "haul": haul,
        "rows": rows,
        "findings": findings,
        "error": error,
        "public_path": publishing.haul_path(haul),
        "newsletter": notify_tasks.newsletter_status(haul) if haul.status == Haul.Status.PUBLISHED else None,
        "header_form": forms_.get("header_form") or HeaderForm.of(haul),
        "add_form": forms_.get("add_form") or AddItemForm(haul=haul),
        "section_form": forms_.get("section_form") or SectionForm(prefix="section"),
        "publish_form": forms_.get("publish_form") or PublishForm(prefix="publish"),
    }
    return render(request, "studio/editor.html", context, status=status)
