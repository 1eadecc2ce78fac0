"""HttpClient against a real local server: retries, Retry-After, spacing, bounds, failures."""

from __future__ import annotations

import email.utils
import itertools
import socket
import time

import httpx
import pytest
from werkzeug import Response

from paperhaul.errors import PrivateHost, SourceFormatError, SourceRejected, SourceUnavailable
from paperhaul.papers.ingest.http import MAX_RETRY_AFTER, refuse_private_hosts

pytestmark = pytest.mark.network_source

XML = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>ok</title></feed>'


def test_returns_the_body_and_sends_the_user_agent(site, make_client):
    site.serve("/feed", XML)
    client = make_client(user_agent="paperhaul-test/1.0")
    response = client.get(site.url("/feed"), {"q": "llm", "n": 3}, expect="xml")
    assert response.content == XML
    assert site.queries("/feed") == [{"q": "llm", "n": "3"}]
    assert site.requests("/feed")[0].headers["User-Agent"] == "paperhaul-test/1.0"


def test_503_with_retry_after_waits_as_told_then_succeeds(site, make_client, fake_clock):
    site.serve("/feed", status=503, headers={"Retry-After": "7"}, once=True)
    site.serve("/feed", XML)
    response = make_client(min_interval=0).get(site.url("/feed"))
    assert response.content == XML
    assert fake_clock.sleeps == [7.0]
    assert len(site.requests("/feed")) == 2


def test_retry_after_as_an_http_date(site, make_client, fake_clock):
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    site.serve("/feed", status=503, headers={"Retry-After": when}, once=True)
    site.serve("/feed", XML)
    make_client(min_interval=0).get(site.url("/feed"))
    assert len(fake_clock.sleeps) == 1
    assert 25 <= fake_clock.sleeps[0] <= 30


def test_retry_after_is_capped(site, make_client, fake_clock):
    site.serve("/feed", status=503, headers={"Retry-After": "86400"}, once=True)
    site.serve("/feed", XML)
    make_client(min_interval=0).get(site.url("/feed"))
    assert fake_clock.sleeps == [MAX_RETRY_AFTER]


def test_429_then_success(site, make_client, fake_clock):
    site.serve("/feed", status=429, headers={"Retry-After": "4"}, once=True)
    site.serve("/feed", XML)
    assert make_client(min_interval=0).get(site.url("/feed")).content == XML
    assert fake_clock.sleeps == [4.0]


def test_5xx_without_retry_after_backs_off_exponentially_then_gives_up(site, make_client, fake_clock):
    site.serve("/feed", b"oops", status=500, content_type="text/plain")
    url = site.url("/feed")
    with pytest.raises(SourceUnavailable, match=r"HTTP 500 Internal Server Error after 3 tries") as info:
        make_client(min_interval=0, backoff=1.0, retries=2).get(url)
    assert url in str(info.value)
    assert fake_clock.sleeps == [1.0, 2.0]
    assert len(site.requests("/feed")) == 3


def test_time_out_is_retried_then_reported(site, make_client, fake_clock):
    site.block("/slow")
    url = site.url("/slow")
    with pytest.raises(SourceUnavailable, match=r"timed out after 2 tries") as info:
        make_client(min_interval=0, timeout=0.25, retries=1, backoff=1.0).get(url)
    assert url in str(info.value)
    assert fake_clock.sleeps == [1.0]


def test_unreachable_host(make_client):
    with socket.socket() as sock:  # a port on 127.0.0.1 that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed"
    with pytest.raises(SourceUnavailable, match=r"unreachable after 2 tries: Connection refused") as info:
        make_client(min_interval=0, retries=1).get(url)
    assert url in str(info.value)


def test_a_host_name_that_does_not_exist_is_said_at_once(make_client, fake_clock):
    """A misspelt address fails without the retries meant for a server that is down."""
    url = "https://arxiv.example/abs/2311.11077"  # beyond loopback: the tests' guard says it does not exist
    with pytest.raises(SourceUnavailable, match=r"no such host: arxiv.example") as info:
        make_client(min_interval=0, retries=3).get(url)
    assert url in str(info.value)
    assert fake_clock.sleeps == []


@pytest.mark.parametrize("status", [400, 403, 404, 410])
def test_client_errors_are_rejections_and_not_retried(site, make_client, status):
    site.serve("/feed", b"no", status=status, content_type="text/plain")
    url = site.url("/feed")
    with pytest.raises(SourceRejected, match=rf"HTTP {status}") as info:
        make_client().get(url)
    assert url in str(info.value)
    assert len(site.requests("/feed")) == 1


def test_redirect_is_followed(site, make_client):
    site.serve("/old", status=301, headers={"Location": "/new"})
    site.serve("/new", XML)
    response = make_client(min_interval=0).get(site.url("/old"), expect="xml")
    assert response.content == XML
    assert str(response.url) == site.url("/new")


def test_redirect_loop(site, make_client):
    site.serve("/loop", status=302, headers={"Location": "/loop"})
    url = site.url("/loop")
    with pytest.raises(SourceUnavailable, match=r"too many redirects") as info:
        make_client(min_interval=0).get(url)
    assert url in str(info.value)
    assert len(site.requests("/loop")) == 11  # the request and httpx's 10 redirects, no retries


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "text/html"),
        (b"<!doctype html><html><body>Log in</body></html>", "application/xml"),
        (b"<html><body>maintenance</body></html>", "text/xml"),
    ],
)
def test_html_page_where_xml_was_expected(site, make_client, body, content_type):
    site.serve("/feed", body, content_type=content_type)
    url = site.url("/feed")
    with pytest.raises(SourceFormatError, match=r"expected XML, got an HTML page") as info:
        make_client().get(url, expect="xml")
    assert url in str(info.value)


def test_html_is_fine_when_nothing_else_was_expected(site, make_client):
    site.serve("/page", b"<!DOCTYPE html><html></html>", content_type="text/html")
    assert make_client().get(site.url("/page")).content.startswith(b"<!DOCTYPE html>")


def test_empty_body_where_xml_was_expected(site, make_client):
    site.serve("/feed", b"   ")
    with pytest.raises(SourceFormatError, match=r"expected XML, got an empty response"):
        make_client().get(site.url("/feed"), expect="xml")


def test_response_larger_than_the_bound(site, make_client):
    site.serve("/big", b"x" * 5000, content_type="text/plain")
    url = site.url("/big")
    with pytest.raises(SourceFormatError, match=r"larger than 1000 bytes") as info:
        make_client(max_bytes=1000).get(url)
    assert url in str(info.value)


def test_gzip_body_is_decoded(site, make_client):
    site.serve_gzip("/feed", XML)
    response = make_client().get(site.url("/feed"), expect="xml")
    assert response.content == XML
    assert site.requests("/feed")[0].headers["Accept-Encoding"].startswith("gzip")


def test_gzip_body_cut_short_by_the_connection(site, make_client):
    site.serve_gzip("/feed", XML * 50, keep=0.5, cut_by_server=True)
    url = site.url("/feed")
    with pytest.raises(SourceFormatError, match=r"response cut short") as info:
        make_client().get(url, expect="xml")
    assert url in str(info.value)


def test_truncated_gzip_body_is_an_error_not_a_short_document(site, make_client):
    """A gzip stream that stops before its end: the server sent all it declared, but the
    document is incomplete; returning the decoded prefix would hand the caller half a page."""
    site.serve_gzip("/feed", XML * 50, keep=0.6)
    url = site.url("/feed")
    with pytest.raises(SourceFormatError) as info:
        make_client().get(url, expect="xml")
    assert url in str(info.value)


def test_requests_are_spaced_by_min_interval(site, make_client, fake_clock):
    seen_at: list[float] = []

    def handler(request):
        seen_at.append(fake_clock.now)
        return Response(XML, content_type="application/xml")

    site.handle("/feed", handler)
    client = make_client(min_interval=3.0)
    for _ in range(4):
        client.get(site.url("/feed"))
    gaps = [b - a for a, b in itertools.pairwise(seen_at)]
    assert len(gaps) == 3
    assert all(gap >= 3.0 for gap in gaps), gaps


def test_no_waiting_when_the_interval_has_already_passed(site, make_client, fake_clock):
    site.serve("/feed", XML)
    client = make_client(min_interval=3.0)
    client.get(site.url("/feed"))
    fake_clock.now += 10  # the caller spent 10 s writing records
    client.get(site.url("/feed"))
    assert fake_clock.sleeps == []


def test_a_client_for_named_addresses_refuses_the_server_s_own_network(site, make_client):
    site.serve("/feed", XML)
    with pytest.raises(PrivateHost, match=r"127\.0\.0\.1 is not a public address"):
        make_client(public_only=True).get(site.url("/feed"))
    assert site.requests("/feed") == [], "refused before anything was sent"
    private_hosts = ("http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8000/")
    for private in (*private_hosts, "http://localhost:9/"):
        with pytest.raises(PrivateHost):
            refuse_private_hosts(httpx.Request("GET", private))
    refuse_private_hosts(httpx.Request("GET", "https://93.184.216.34/paper"))  # a public address passes
    assert make_client(min_interval=0).get(site.url("/feed")).content == XML, (
        "configured sources are not held"
    )
