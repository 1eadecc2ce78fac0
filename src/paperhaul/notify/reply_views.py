"""The pages of reply e-mails: the one-click "stop" of their link, and the profile's switch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from paperhaul.notify import replies


@csrf_exempt  # RFC 8058: the mail client POSTs the link of the List-Unsubscribe header, without a form
@never_cache
@require_http_methods(["GET", "POST"])
def stop(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for a confirmation; any POST turns reply e-mails off (the button, or one-click)."""
    try:
        user = replies.user_of(token)
    except replies.BadLink as exc:
        return render(request, "notify/bad_link.html", {"reason": str(exc)}, status=404)
    if request.method == "POST":
        replies.set_wants_replies(user, False)
    context = {"member": user, "stopped": not replies.wants_replies(user)}
    return render(request, "notify/stop_replies.html", context)


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """The profile's switch: ``email`` "on" or "off"."""
    wanted = request.POST.get("email") == "on"
    replies.set_wants_replies(request.user, wanted)
    messages.success(
        request,
        f"Replies to your comments are e-mailed to {request.user.email}."
        if wanted
        else "Replies to your comments are no longer e-mailed to you.",
    )
    return redirect(reverse("profile", args=[request.user.username]) + "?show=replies")


@login_required
@require_POST
def seen(request: HttpRequest) -> HttpResponse:
    """The Replies tab's "Mark all as seen": the header stops announcing them."""
    replies.mark_replies_seen(request.user)
    return redirect(reverse("profile", args=[request.user.username]) + "?show=replies")
