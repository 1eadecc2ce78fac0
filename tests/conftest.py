from __future__ import annotations

import socket
import time
from pathlib import Path
from types import SimpleNamespace

import django_ratelimit.core
import pytest

from paperhaul.papers.ingest.http import HttpClient

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The shared data beside the project (../shared); tests that need it skip without it."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED


LOOPBACK = ("localhost", "127.0.0.1", "::1")


@pytest.fixture(autouse=True)
def _only_loopback(monkeypatch):
    """No test reaches beyond 127.0.0.1: a name to resolve that is not loopback fails at once, as
    an unreachable source does, instead of asking the network (a test that forgot to point a
    source at its local server fails clearly wherever it runs)."""
    resolve = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name and name not in LOOPBACK and not name.startswith("127."):
            raise socket.gaierror(socket.EAI_NONAME, f"tests stay on 127.0.0.1, not {name}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


@pytest.fixture(autouse=True)
def _rate_windows_stand_still(monkeypatch):
    """Rate limits count in fixed windows of the clock (django-ratelimit): a test whose requests
    straddle a window's end would see its count start again. The limiter's clock stands still for
    the length of a test, so a test of "3 per minute" never depends on when it runs."""
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: now))


class FakeClock:
    """A clock whose sleeps only advance time, so waits can be asserted without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def http_client(fake_clock: FakeClock) -> HttpClient:
    """A client for sources under test: fast time-outs, fake sleeps, two retries."""
    client = HttpClient(timeout=0.5, retries=2, backoff=1.0, sleep=fake_clock.sleep, clock=fake_clock)
    yield client
    client.close()


@pytest.fixture
def cli(tmp_path: Path):
    """The `paperhaul` command on a fresh PAPERHAUL_HOME (SQLite) of this test's own."""
    from tests.cli import Cli

    return Cli(tmp_path / "home")
