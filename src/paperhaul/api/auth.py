"""Who is calling the API: a script with an API token, or a signed-in browser with its CSRF token.

Reads are public; writes need one of the two. A token is sent as ``Authorization: Bearer ph_…``
and looked up by its SHA-256 (the token itself is never stored). A browser session counts only
with a valid CSRF token, so that another site cannot make a signed-in reader's browser write.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from paperhaul.accounts.models import ApiToken, digest

# Writing last_used_at on every request would turn each read into a write; once a minute says enough.
TOUCH_INTERVAL = dt.timedelta(minutes=1)
SIGN_IN = (
    "authentication required: send 'Authorization: Bearer <API token>' or sign in (session and CSRF token)"
)


class InvalidToken(AuthenticationError):
    """A bearer token was sent but names no usable token: answered 401 whatever else was sent."""

    def __init__(self, message: str) -> None:
        super().__init__(message=message)


class BearerToken(HttpBearer):
    """``Authorization: Bearer ph_…`` with a token made on the tokens page (or ApiToken.issue)."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser:
        row = ApiToken.objects.select_related("user").filter(digest=digest(token.strip())).first()
        if row is None:
            raise InvalidToken("unknown or revoked API token")
        if not row.user.is_active:
            raise InvalidToken("the account of this API token is deactivated")
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        # Rate limits and services see the token's owner as the request's user.
        request.user = row.user
        return row.user


class SessionCookie(APIKeyCookie):
    """The browser's session, accepted for a write only with its CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> AbstractBaseUser | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(
                403, "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header"
            )
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> AbstractBaseUser | None:
        return request.user if key else None


bearer = BearerToken()
WRITE = [bearer, SessionCookie()]


def viewer(request: HttpRequest) -> AbstractBaseUser:
    """The caller of a public read: the token's user, the session's, or the anonymous user.

    A bad token is refused (401) even on reads, so that a script learns of it at once. On an
    endpoint that authenticated the caller already (``request.auth``), that caller, without
    looking the token up again.
    """
    return getattr(request, "auth", None) or bearer(request) or request.user
