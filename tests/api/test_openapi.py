"""The API describes itself: every endpoint in /api/openapi.json, and docs that work offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    ("get", "/api/papers/{ref}"),
    ("get", "/api/daily"),
    ("get", "/api/trending"),
    ("get", "/api/new"),
    ("get", "/api/papers/{ref}/comments"),
    ("post", "/api/papers/{ref}/comments"),
    ("put", "/api/papers/{ref}/vote"),
    ("delete", "/api/papers/{ref}/vote"),
    ("put", "/api/papers/{ref}/save"),
    ("delete", "/api/papers/{ref}/save"),
    ("patch", "/api/papers/{ref}/save"),
    ("patch", "/api/comments/{comment_id}"),
    ("delete", "/api/comments/{comment_id}"),
    ("post", "/api/comments/{comment_id}/hide"),
    ("post", "/api/comments/{comment_id}/show"),
    ("post", "/api/daily/submissions"),
    ("get", "/api/search"),
    ("get", "/api/typeahead"),
    ("get", "/api/related"),
    ("get", "/api/me/saved"),
    ("get", "/api/me/replies"),
    ("post", "/api/me/replies/seen"),
    ("get", "/api/lists"),
    ("post", "/api/lists"),
    ("get", "/api/lists/{username}/{slug}"),
    ("patch", "/api/lists/{username}/{slug}"),
    ("delete", "/api/lists/{username}/{slug}"),
    ("post", "/api/lists/{username}/{slug}/papers"),
    ("post", "/api/lists/{username}/{slug}/import"),
    ("post", "/api/lists/{username}/{slug}/copy"),
    ("delete", "/api/lists/{username}/{slug}/papers/{ref}"),
    ("post", "/api/library/papers"),
    ("get", "/api/library/duplicates"),
    ("post", "/api/library/duplicates/{report_id}/dismiss"),
    ("post", "/api/library/merge"),
    ("get", "/api/library/merges"),
    ("post", "/api/library/merges/{merge_id}/undo"),
}
# Reads that need to know who asks: the caller's own lists, and the curators' reports and merges.
OWN = {
    ("get", "/api/me/saved"),
    ("get", "/api/me/replies"),
    ("get", "/api/library/duplicates"),
    ("get", "/api/library/merges"),
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict) -> dict[tuple[str, str], dict]:
    return {(method, path): op for path, ops in schema["paths"].items() for method, op in ops.items()}


def test_every_endpoint_is_described(schema):
    assert set(operations(schema)) == ENDPOINTS


DOCS = Path(__file__).resolve().parents[2] / "docs"


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def documented_endpoints() -> set[tuple[str, str]]:
    """The endpoints docs/api.md has a heading for (``### `PUT` / `DELETE /api/...```, ``… and
    `/show```), and those docs/search.md names, with their parameters' names left out."""
    found = set()
    for line in (DOCS / "api.md").read_text().splitlines():
        if not line.startswith("### "):
            continue
        paths = re.findall(r"(/api/[^`\s]*)", line)
        paths += [paths[0].rsplit("/", 1)[0] + tail for tail in re.findall(r"and `(/\w+)`", line)]
        for method in re.findall(r"\b(GET|PUT|POST|PATCH|DELETE)\b", line):
            found |= {(method.lower(), _shape(path)) for path in paths}
    search = (DOCS / "search.md").read_text()
    found |= {(method.lower(), path) for method, path in re.findall(r"`(GET) (/api/\w+)`", search)}
    return found


def test_every_endpoint_is_documented():
    assert {(method, _shape(path)) for method, path in ENDPOINTS} == documented_endpoints()


def test_writes_and_own_lists_need_a_bearer_token_or_the_session_and_reads_do_not(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionCookie"]["in"] == "cookie"
    for (method, path), op in operations(schema).items():
        if method == "get" and (method, path) not in OWN:
            assert "security" not in op, path
        else:
            assert {"BearerToken": []} in op["security"] and {"SessionCookie": []} in op["security"], path


def test_errors_are_documented_with_their_shape(schema):
    vote = schema["paths"]["/api/papers/{ref}/vote"]["put"]["responses"]
    assert {"200", "401", "404", "413", "422", "429"} <= set(vote)
    assert "502" in schema["paths"]["/api/daily/submissions"]["post"]["responses"]
    assert {"200", "400", "422"} <= set(schema["paths"]["/api/search"]["get"]["responses"])
    assert {"200", "404", "422"} <= set(schema["paths"]["/api/daily"]["get"]["responses"])
    assert {"200", "400", "404", "422"} <= set(schema["paths"]["/api/related"]["get"]["responses"])
    shapes = schema["components"]["schemas"]
    assert shapes["DetailOut"]["properties"]["detail"]["type"] == "string"
    assert shapes["InvalidOut"]["properties"]["detail"]["type"] == "array"
    invalid = schema["paths"]["/api/search"]["get"]["responses"]["422"]
    assert invalid["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/InvalidOut"}


def test_docs_work_without_reaching_other_sites(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") for a in assets), assets
    assert "swagger-ui-bundle.js" in html
    for asset in assets:  # shipped with django-ninja, collected with the site's own static files
        assert finders.find(asset.removeprefix(static(""))), asset
    assert '"validatorUrl": null' in html
