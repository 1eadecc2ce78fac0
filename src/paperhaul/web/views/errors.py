"""Friendly error pages: one template, a status and a sentence that says what to do next."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGES = {
    400: "The request could not be understood.",
    403: "You are not allowed to do that.",
    404: "There is no page here. The paper may have another address: try the search box above.",
    429: "Slow down a little: too many actions in a short time. Try again later.",
    500: "Something went wrong on our side. It has been logged; please try again in a moment.",
}


API_MESSAGES = {**MESSAGES, 404: "no such API endpoint"}


def error_page(request: HttpRequest, status: int, message: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or API_MESSAGES[status]}, status=status)
    return render(
        request,
        "errors/error.html",
        {"status": status, "message": message or MESSAGES[status]},
        status=status,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = str(exception) if exception and str(exception) else ""
    return error_page(request, 403, detail)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors or database here: the error may come from them.
    from django.template.loader import get_template

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGES[500]}, status=500)
    html = get_template("errors/500.html").render({"message": MESSAGES[500]})
    return HttpResponse(html, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        403,
        "This form was refused because its security token is missing or out of date. "
        "Go back, reload the page and send it again.",
    )
