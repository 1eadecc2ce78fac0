"""Clipping a paper from any page: where the "Clip to paperhaul" bookmarklet lands.

The bookmarklet opens ``/clip/?url=ADDRESS`` (with the text selected on the page as ``note``);
this page says whether the library has the paper and offers what the reader may do with it, each
as a form posting to the page that already does it: put it on today's list, save it, and for
curators add it to the library or to a draft haul with the note as commentary. Nothing is fetched
or written until one of those buttons is pressed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from paperhaul.community.reactions import has_saved
from paperhaul.hauls.models import Haul
from paperhaul.papers.ids import try_canonical_key
from paperhaul.papers.lookup import find_paper
from paperhaul.web.links import is_web_address

MAX_ADDRESS = 2000
MAX_NOTE = 5000
DRAFTS = 3


def bookmarklet(request: HttpRequest) -> str:
    """The bookmarklet's code: open this site's clip page with the page's address and selection."""
    clip = request.build_absolute_uri("/clip/")
    return (
        "javascript:(()=>{location.href="
        f"'{clip}?url='+encodeURIComponent(location.href)"
        "+'&note='+encodeURIComponent(String(getSelection()).slice(0,2000))})()"
    )


@login_required
@require_GET
def clip(request: HttpRequest) -> HttpResponse:
    address = request.GET.get("url", "").replace("\x00", "").strip()[:MAX_ADDRESS]
    note = request.GET.get("note", "").replace("\x00", "").strip()[:MAX_NOTE]
    key = try_canonical_key(address) if address else None
    paper = find_paper(address) if key else None
    context = {
        "address": address,
        "note": note,
        "key": key,
        "is_web_address": is_web_address(address),
        "paper": paper,
        "saved": paper is not None and has_saved(request.user, paper),
        "drafts": Haul.objects.filter(status=Haul.Status.DRAFT).order_by("-number")[:DRAFTS]
        if request.user.is_staff
        else [],
        "bookmarklet": bookmarklet(request),
    }
    return render(request, "feed/clip.html", context, status=200 if key or not address else 400)
