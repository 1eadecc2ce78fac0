"""Rate limits on what readers write (votes, comments, submissions, sign-ups, log-ins, subscriptions).

One check for pages and API alike, counted in Django's cache (shared by every server process) by
django-ratelimit: per user when signed in, per client address otherwise. Rates are settings such
as ``60/h`` (see docs/configuration.md).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from paperhaul.errors import PaperhaulError

ACTIONS = {
    "vote": ("PAPERHAUL_RATE_VOTES", "upvotes, saves, read marks and list changes"),
    "comment": ("PAPERHAUL_RATE_COMMENTS", "comments, notes and list texts"),
    "submit": ("PAPERHAUL_RATE_SUBMISSIONS", "submissions"),
    "signup": ("PAPERHAUL_RATE_SIGNUPS", "sign-ups"),
    "login": ("PAPERHAUL_RATE_LOGINS", "log-in attempts"),
    "subscribe": ("PAPERHAUL_RATE_SUBSCRIPTIONS", "subscription requests"),
}


class RateLimited(PaperhaulError):
    """Too many actions of one kind in the period; answered with HTTP 429."""


def _key(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def enforce(request: HttpRequest, action: str) -> None:
    """Count one ``action`` for this client; raise RateLimited when it goes over the rate."""
    setting, what = ACTIONS[action]
    rate = getattr(settings, setting)
    if is_ratelimited(request, group=f"paperhaul.{action}", key=_key, rate=rate, increment=True):
        raise RateLimited(f"too many {what}: at most {rate.replace('/', ' per ')}; try again later")
