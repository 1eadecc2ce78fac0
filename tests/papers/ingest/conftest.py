"""Shared fixtures for the network sources: a real HTTP server on 127.0.0.1 and its failures.

``site`` serves canned responses; ``make_client`` builds an HttpClient on the fake clock;
``failure`` is parametrised over every way a source can fail (HTTP errors, time-out, broken
bodies...), so a test that takes it runs once per failure.
"""

from __future__ import annotations

import gzip
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from paperhaul.errors import SourceError, SourceFormatError, SourceRejected, SourceUnavailable
from paperhaul.papers.ingest.http import HttpClient


class Site:
    """The test server with helpers to register the responses a source documents."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.release = threading.Event()
        self.blocked: list[Request] = []

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def serve(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str = "application/xml; charset=utf-8",
        headers: dict[str, str] | None = None,
        once: bool = False,
    ) -> None:
        """Answer GET ``path`` (any query) with this response, every time or ``once``."""
        response = Response(body, status=status, content_type=content_type, headers=headers)
        expect = self.server.expect_oneshot_request if once else self.server.expect_request
        expect(path, method="GET").respond_with_response(response)

    def handle(self, path: str, handler: Callable[[Request], Response], *, once: bool = False) -> None:
        expect = self.server.expect_oneshot_request if once else self.server.expect_request
        expect(path, method="GET").respond_with_handler(handler)

    def serve_gzip(self, path: str, body: bytes, *, keep: float = 1.0, cut_by_server: bool = False) -> None:
        """Answer ``path`` with ``body`` gzip-encoded and cut to ``keep`` of its bytes.

        With ``cut_by_server`` the headers declare the whole length and the server hangs up
        early; otherwise they declare what was sent, so only the gzip stream shows the cut.
        """
        declared = len(gzip.compress(body)) if cut_by_server else None
        self.handle(path, lambda request: gzip_response(body, keep=keep, declared=declared))

    def block(self, path: str) -> None:
        """Answer ``path`` only when the test ends: every request to it times out."""

        def handler(request: Request) -> Response:
            self.blocked.append(request)
            self.release.wait(10)
            return Response("too late", status=200)

        self.handle(path, handler)

    def finish(self) -> None:
        """Release blocked requests and let them reach the log before the next test clears it."""
        self.release.set()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            logged = {id(r) for r, _ in self.server.log}
            if all(id(r) in logged for r in self.blocked):
                break
            time.sleep(0.005)

    def requests(self, path: str | None = None) -> list[Request]:
        return [r for r, _ in self.server.log if path is None or r.path == path]

    def queries(self, path: str | None = None) -> list[dict[str, str]]:
        """The query arguments of each request received, in order."""
        return [dict(r.args) for r in self.requests(path)]


@pytest.fixture(scope="session")
def _local_server() -> Iterator[HTTPServer]:
    # Threaded, so that a request blocked for a time-out test does not hold up the others.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def site(_local_server: HTTPServer) -> Iterator[Site]:
    _local_server.clear()
    # A request nobody expected answers 418 (not retried), so it shows up as a clear error.
    _local_server.no_handler_status_code = 418
    site = Site(_local_server)
    yield site
    site.finish()
    _local_server.check_handler_errors()


@pytest.fixture
def fast_sources(settings, site):
    """Point every source at the local server, without arXiv's 3 s pause (nor OpenReview's) or retries."""
    settings.PAPERHAUL_ARXIV_DELAY = 0
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_HTTP_TIMEOUT = 2
    settings.PAPERHAUL_ARXIV_OAI_URL = site.url("/oai")
    settings.PAPERHAUL_ARXIV_API_URL = site.url("/api/query")
    settings.PAPERHAUL_ARXIV_RSS_URL = site.url("/rss-base")
    settings.PAPERHAUL_DOI_RESOLVER_URL = site.url("/doi")
    settings.PAPERHAUL_DAILY_PAPERS_URL = site.url("/api/daily_papers")
    settings.PAPERHAUL_OPENREVIEW_API_URL = site.url("/openreview")
    settings.PAPERHAUL_OPENREVIEW_API_V1_URL = site.url("/openreview-v1")
    settings.PAPERHAUL_OPENREVIEW_DELAY = 0
    return settings


@pytest.fixture
def make_client(fake_clock: Any) -> Iterator[Callable[..., HttpClient]]:
    """Build HttpClients on the fake clock (arXiv's spacing of 3 s by default), closed after."""
    clients: list[HttpClient] = []

    def make(**options: Any) -> HttpClient:
        settings = {"timeout": 2.0, "retries": 2, "backoff": 1.0, "min_interval": 3.0}
        settings.update(options)
        client = HttpClient(sleep=fake_clock.sleep, clock=fake_clock, **settings)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


# ------------------------------------------------------------------------------------ failures


def gzip_response(body: bytes, *, keep: float, declared: int | None = None) -> Response:
    """A gzip-encoded response cut to ``keep`` of its bytes, declaring ``declared`` bytes."""
    compressed = gzip.compress(body)
    cut = compressed[: int(len(compressed) * keep)]
    response = Response(cut, content_type="application/xml; charset=utf-8")
    response.headers["Content-Encoding"] = "gzip"
    if declared is not None:
        response.headers["Content-Length"] = str(declared)
        response.headers["Connection"] = "close"  # the server hangs up short of what it declared
    return response


MALFORMED_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>Unclosed</entry>'
)
HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head>"
    b"<body><h1>Service Temporarily Unavailable</h1></body></html>"
)


@dataclass
class Failure:
    """One way a source can fail: how the server misbehaves and what the caller must see."""

    name: str
    install: Callable[[Site, str, bytes], None]
    error: type[SourceError]
    pattern: str
    client_options: dict[str, Any]

    def check(self, exc: BaseException, url: str) -> None:
        assert type(exc) is self.error, f"{type(exc).__name__}: {exc}"
        assert re.search(self.pattern, str(exc)), str(exc)
        assert url in str(exc), f"the URL is missing from {str(exc)!r}"


def _loop(site: Site, path: str, body: bytes) -> None:
    site.serve(path, status=302, headers={"Location": path})


FAILURES = [
    Failure(
        "http-503",
        lambda site, path, body: site.serve(path, status=503, headers={"Retry-After": "5"}),
        SourceUnavailable,
        r"HTTP 503 .*after 3 tries",
        {},
    ),
    Failure(
        "http-429",
        lambda site, path, body: site.serve(path, status=429, content_type="text/plain"),
        SourceUnavailable,
        r"HTTP 429 .*after 3 tries",
        {},
    ),
    Failure(
        "time-out",
        lambda site, path, body: site.block(path),
        SourceUnavailable,
        r"timed out after 2 tries",
        {"timeout": 0.25, "retries": 1},
    ),
    Failure(
        "malformed-xml",
        lambda site, path, body: site.serve(path, MALFORMED_XML),
        SourceFormatError,
        r"malformed XML",
        {},
    ),
    Failure(
        "gzip-cut-short",
        lambda site, path, body: site.serve_gzip(path, body, keep=0.5, cut_by_server=True),
        SourceFormatError,
        r"cut short",
        {},
    ),
    Failure(
        "html-error-page",
        lambda site, path, body: site.serve(path, HTML_PAGE, content_type="text/html"),
        SourceFormatError,
        r"expected XML, got an HTML page",
        {},
    ),
    Failure("redirect-loop", _loop, SourceUnavailable, r"redirect", {}),
    Failure(
        "http-404",
        lambda site, path, body: site.serve(path, b"Not Found", status=404, content_type="text/plain"),
        SourceRejected,
        r"HTTP 404",
        {},
    ),
]
# Truncated gzip whose Content-Length matches what was sent: nothing but the body tells it.
TRUNCATED_GZIP = Failure(
    "truncated-gzip",
    lambda site, path, body: site.serve_gzip(path, body, keep=0.6),
    SourceFormatError,
    r"malformed XML|compressed|cut short",
    {},
)


@pytest.fixture(
    params=[
        *FAILURES,
        pytest.param(TRUNCATED_GZIP, id="truncated-gzip"),
    ],
    ids=lambda f: getattr(f, "name", None),
)
def failure(request: pytest.FixtureRequest) -> Failure:
    return request.param
