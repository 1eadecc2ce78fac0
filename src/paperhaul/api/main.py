"""The API object: routers, and errors turned into 400 answers with a one-line `detail`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from paperhaul import __version__
from paperhaul.api.search import router as search_router
from paperhaul.errors import InputError

api = NinjaAPI(title="paperhaul", version=__version__, urls_namespace="api")
api.add_router("/", search_router)


@api.exception_handler(InputError)
def input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)
