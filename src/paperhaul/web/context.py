"""What every page's template knows: the site's name and whether the reader may moderate or curate."""

from __future__ import annotations

from django.http import HttpRequest

from paperhaul.community.comments import can_moderate


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "site_name": "paperhaul",
        "is_moderator": bool(user and can_moderate(user)),
        "is_curator": bool(user and user.is_authenticated and user.is_staff),
    }
