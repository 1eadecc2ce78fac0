"""One polite HTTP client for every network source.

It spaces requests (arXiv asks for 3 s between requests), retries 5xx, 429 and time-outs with
exponential back-off while honouring Retry-After, bounds the size of what it reads, and turns
every failure into a SourceError whose message says what happened and where.
"""

from __future__ import annotations

import email.utils
import ipaddress
import re
import socket
import time
import zlib
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import orjson

from paperhaul.errors import (
    PrivateHost,
    SourceError,
    SourceFormatError,
    SourceRejected,
    SourceUnavailable,
)

MAX_RETRY_AFTER = 600.0


class HttpClient:
    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 2.0,
        min_interval: float = 0.0,
        max_bytes: int = 100 * 1024 * 1024,
        user_agent: str = "paperhaul",
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        public_only: bool = False,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self.min_interval = min_interval
        self.max_bytes = max_bytes
        self.sleep = sleep
        self.clock = clock
        self._last_request: float | None = None
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=10,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip"},
            event_hooks={"request": [refuse_private_hosts]} if public_only else None,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        expect: str | None = None,
    ) -> httpx.Response:
        """GET ``url``; ``expect`` ("xml" or "json") rejects an HTML page served in their place."""
        return self.request("GET", url, params=params, expect=expect)

    def post_json(
        self, url: str, body: Any, *, headers: Mapping[str, str] | None = None, expect: str | None = "json"
    ) -> httpx.Response:
        """POST ``body`` as JSON (an API call), with the retries, back-off and size bound of a GET."""
        return self.request("POST", url, json=body, headers=headers, expect=expect)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        expect: str | None = None,
    ) -> httpx.Response:
        shown = str(httpx.URL(url, params=params)) if params else url
        attempt = 0
        while True:
            self._wait_turn()
            try:
                response = self._fetch(method, url, params, json=json, headers=headers)
            except httpx.TooManyRedirects as exc:
                raise SourceUnavailable("too many redirects (a redirect loop?)", url=shown) from exc
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if _no_such_host(exc):
                    raise SourceUnavailable(f"no such host: {httpx.URL(url).host}", url=shown) from exc
                if attempt >= self.retries:
                    reason = "timed out" if isinstance(exc, httpx.TimeoutException) else "unreachable"
                    raise SourceUnavailable(
                        f"{reason} after {_tries(attempt + 1)}: {_transport_detail(exc)}", url=shown
                    ) from exc
                self.sleep(self.backoff * 2**attempt)
                attempt += 1
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                if attempt >= self.retries:
                    raise SourceUnavailable(
                        f"HTTP {status} {response.reason_phrase} after {_tries(attempt + 1)}", url=shown
                    )
                wait = _retry_after(response)
                self.sleep(wait if wait is not None else self.backoff * 2**attempt)
                attempt += 1
                continue
            if status >= 400:
                rejected = SourceRejected(f"HTTP {status} {response.reason_phrase}", url=shown)
                rejected.response = response  # a source may read its own error document in the body
                raise rejected
            if expect:
                _check_kind(response, expect, url)
            return response

    def _wait_turn(self) -> None:
        if self._last_request is not None and self.min_interval > 0:
            wait = self.min_interval - (self.clock() - self._last_request)
            if wait > 0:
                self.sleep(wait)
        self._last_request = self.clock()

    def _fetch(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Read the body within the size bound, inflating gzip ourselves so a cut-short stream is
        an error, not a shorter document."""
        with self._client.stream(method, url, params=params, json=json, headers=headers) as response:
            gzipped = response.headers.get("Content-Encoding", "").strip().lower() == "gzip"
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
            chunks, size = [], 0
            try:
                for raw in response.iter_raw():
                    chunk = inflater.decompress(raw, self.max_bytes - size + 1) if inflater else raw
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise SourceFormatError(
                            f"response larger than {self.max_bytes} bytes", url=str(response.url)
                        )
                    chunks.append(chunk)
            except zlib.error as exc:
                raise SourceFormatError(f"corrupt compressed response: {exc}", url=url) from exc
            except httpx.RemoteProtocolError as exc:
                raise SourceFormatError(f"response cut short: {exc}", url=url) from exc
            if inflater is not None and not inflater.eof:
                raise SourceFormatError("compressed response cut short", url=url)
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code, headers=headers, content=b"".join(chunks), request=response.request
        )


def _tries(count: int) -> str:
    return "1 try" if count == 1 else f"{count} tries"


def _no_such_host(exc: Exception) -> bool:
    """Whether the name server said the host does not exist: a misspelt address, which asking
    again will not mend (a name server that cannot be reached is a temporary failure, retried)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return cause.errno == socket.EAI_NONAME
        cause = cause.__cause__ or cause.__context__
    return False


def _transport_detail(exc: Exception) -> str:
    """The operating system's words for a failed connection ("Connection refused"), else the kind."""
    return re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc).strip()) or type(exc).__name__


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _check_kind(response: httpx.Response, expect: str, url: str) -> None:
    head = response.content[:512].lstrip().lower()
    content_type = response.headers.get("Content-Type", "").lower()
    looks_html = head.startswith((b"<!doctype html", b"<html")) or "text/html" in content_type
    if expect != "html" and looks_html:
        raise SourceFormatError(f"expected {expect.upper()}, got an HTML page", url=url)
    if not head:
        raise SourceFormatError(f"expected {expect.upper()}, got an empty response", url=url)


def error_document(exc: SourceError) -> dict[str, Any]:
    """The JSON object an API sent with its refusal (a SourceRejected's body), or {}: APIs explain
    a refusal there (``{"name", "message"}``, ``{"error"}``), which says more than the status."""
    response = getattr(exc, "response", None)
    if response is None:
        return {}
    try:
        document = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return {}
    return document if isinstance(document, dict) else {}


def refuse_private_hosts(request: httpx.Request) -> None:
    """Event hook of a client that fetches what a person named (a page's address): refuse a request,
    a redirect's too, to a host that is not on the public internet (loopback, a private network,
    link-local, a cloud's metadata address), so that an address a reader gives cannot make the
    server reach its own network. A host whose name does not resolve fails later, as such."""
    host = request.url.host
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:  # a name: what it resolves to
        try:
            found = socket.getaddrinfo(host, request.url.port or 443, type=socket.SOCK_STREAM)
        except OSError:
            return
        addresses = [ipaddress.ip_address(info[4][0].partition("%")[0]) for info in found]
    if not all(address.is_global for address in addresses):
        raise PrivateHost(
            f"{host} is not a public address: fetching from the server's own network is turned off"
            " (PAPERHAUL_FETCH_PRIVATE_HOSTS)"
        )


def settings_client(*, min_interval: float = 0.0, public_only: bool = False) -> HttpClient:
    """A client configured from Django settings (timeouts, retries, size bound, user agent); with
    ``public_only``, one that refuses private hosts unless PAPERHAUL_FETCH_PRIVATE_HOSTS allows them."""
    from django.conf import settings

    return HttpClient(
        public_only=public_only and not settings.PAPERHAUL_FETCH_PRIVATE_HOSTS,
        timeout=settings.PAPERHAUL_HTTP_TIMEOUT,
        retries=settings.PAPERHAUL_HTTP_RETRIES,
        backoff=settings.PAPERHAUL_HTTP_BACKOFF,
        min_interval=min_interval,
        max_bytes=settings.PAPERHAUL_HTTP_MAX_BYTES,
        user_agent=settings.PAPERHAUL_USER_AGENT,
    )


__all__ = ["HttpClient", "SourceError", "settings_client"]
