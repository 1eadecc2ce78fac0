"""What every page's template knows: the site's name and whether the reader may moderate or curate."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from paperhaul import config
from paperhaul.community.comments import can_moderate


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "site_name": config.get("PAPERHAUL_SITE_NAME"),
        # Lazy: the permission lookup costs queries, and only pages with comments ask.
        "is_moderator": SimpleLazyObject(lambda: bool(user and can_moderate(user))),
        "is_curator": bool(user and user.is_authenticated and user.is_staff),
    }
