"""Request-level safety: refuse oversized bodies early, and a strict Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from paperhaul.community.limits import RateLimited
from paperhaul.web.views.errors import error_page

# Pages load scripts, styles and fonts from this site only; no inline script can run, so a comment
# or an imported abstract that slipped a <script> past the sanitiser would still be inert.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
UPLOAD_PATHS = ("/library/import/",)


class RequestLimitsMiddleware:
    """Answer 413 before reading a body larger than PAPERHAUL_MAX_REQUEST_BYTES (uploads: _UPLOAD_),
    and 400 to an address with a NUL character (PostgreSQL cannot even compare text holding one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = (
            settings.PAPERHAUL_MAX_UPLOAD_BYTES
            if request.path.startswith(UPLOAD_PATHS)
            else settings.PAPERHAUL_MAX_REQUEST_BYTES
        )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            response = error_page(request, 413, f"request body too large: at most {limit:,} bytes")
            response["Connection"] = "close"
            return response
        if "%00" in request.META.get("QUERY_STRING", ""):
            return error_page(
                request, 400, "The address contains a NUL character (%00), which no text may hold."
            )
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(("/admin/", "/api/docs")):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class RateLimitMiddleware:
    """Turn a RateLimited error from any view into a 429 page (or JSON under /api/)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return error_page(request, 429, str(exception))
        return None
