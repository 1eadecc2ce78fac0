"""The API object: routers, and every error turned into a JSON answer with a one-line `detail`."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

from paperhaul import __version__
from paperhaul.api.auth import SIGN_IN, InvalidToken
from paperhaul.api.community import router as community_router
from paperhaul.api.library import router as library_router
from paperhaul.api.lists import router as lists_router
from paperhaul.api.me import router as me_router
from paperhaul.api.papers import router as papers_router
from paperhaul.api.search import router as search_router
from paperhaul.community.limits import RateLimited
from paperhaul.errors import PaperhaulError, SourceError

DESCRIPTION = """The papers, lists, search and discussions of this paperhaul site.
Reads are public. Writes need `Authorization: Bearer <API token>` (made on /accounts/tokens/) or,
from the site's own pages, the session cookie with the CSRF token in `X-CSRFToken`.
Errors are `{"detail": "one line"}`; see docs/api.md."""


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a wrong method in plain text; scripts get the same JSON as for other errors."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = detail(request, 405, f"{request.method} is not allowed here (allowed: {allowed})")
            response["Allow"] = allowed
        return response

    return wrapper


class PaperhaulAPI(NinjaAPI):
    """ninja's API whose every view answers a wrong method with JSON (see _json_not_allowed)."""

    @property
    def urls(self) -> tuple[list, str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = _json_not_allowed(pattern.callback)
        return patterns, app_name, namespace


api = PaperhaulAPI(
    title="paperhaul",
    version=__version__,
    description=DESCRIPTION,
    urls_namespace="api",
    # Swagger UI would otherwise send the schema to validator.swagger.io: the docs stay on this site.
    docs=Swagger(settings={"validatorUrl": None}),
)
# Order matters: /papers/{ref}/vote, /save and /comments (community) must be tried before
# /papers/{ref} (papers), whose parameter takes slashes because keys and URLs contain them.
api.add_router("/", search_router)
api.add_router("/", community_router)
api.add_router("/", papers_router)
api.add_router("/", me_router)
api.add_router("/", lists_router)
api.add_router("/", library_router)


def detail(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(PaperhaulError)
def bad_input(request: HttpRequest, exc: PaperhaulError) -> HttpResponse:
    """InputError and the like (an unrecognised identifier): what the caller sent is unusable."""
    return detail(request, 400, str(exc))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = detail(request, 401, exc.message if isinstance(exc, InvalidToken) else SIGN_IN)
    response["WWW-Authenticate"] = 'Bearer realm="paperhaul"'
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return detail(request, 403, str(exc) or "you are not allowed to do that")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return detail(request, 404, str(exc) or "not found")


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return detail(request, 429, str(exc))


@api.exception_handler(SourceError)
def source_error(request: HttpRequest, exc: SourceError) -> HttpResponse:
    """A paper's source (arXiv, a publisher) failed: the gateway's error, with what it said."""
    return detail(request, 502, str(exc))
