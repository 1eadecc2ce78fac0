"""Pages kept for a minute for signed-out readers, who are most of a site's traffic.

A signed-out reader's page depends only on its address (no vote state, no form tokens), so the
rendered response is shared from the cache by every server process. Signed-in readers, and any
request carrying a session or pending messages, always get a fresh page; a change to a paper
(a vote, a comment) forgets that paper's cached page at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

PAGE_SECONDS = 60


def _key(path: str) -> str:
    return "paperhaul:page:" + hashlib.sha256(path.encode()).hexdigest()


def _cacheable(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not request.user.is_authenticated
    )


def for_signed_out_readers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's 200 answers to signed-out readers from the cache for PAGE_SECONDS."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request.get_full_path())
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not response.streaming:
                cache.set(key, response, PAGE_SECONDS)
        return response

    return wrapper


def forget_page(path: str) -> None:
    """Drop the cached page at ``path`` (after a change that readers must see at once)."""
    cache.delete(_key(path))
