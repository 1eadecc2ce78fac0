"""What every page's template knows: the site's name, whether the reader may moderate or curate, and
how many replies to their comments they have not seen."""

from __future__ import annotations

import functools

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from paperhaul import config
from paperhaul.community.comments import can_moderate
from paperhaul.notify.replies import unread_replies


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "site_name": config.get("PAPERHAUL_SITE_NAME"),
        # Lazy: the permission lookup costs queries, and only pages with comments ask.
        "is_moderator": SimpleLazyObject(lambda: bool(user and can_moderate(user))),
        "is_curator": bool(user and user.is_authenticated and user.is_staff),
        # A callable the template calls when it first asks, once (a lazy object would not pluralize).
        "unread_replies": functools.cache(lambda: unread_replies(user) if user else 0),
    }
