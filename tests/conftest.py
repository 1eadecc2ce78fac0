from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import cache

from paperhaul.papers.ingest.http import HttpClient
from tests.loopback import sitecustomize  # noqa: F401  (the guard, in this process)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
LOOPBACK_ONLY = Path(__file__).resolve().parent / "loopback"

# Host names other than loopback fail to resolve, here and in every process a test starts.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(LOOPBACK_ONLY), os.environ.get("PYTHONPATH")]))


@pytest.fixture
def shared() -> Path:
    """The shared data beside the project (../shared); tests that need it skip without it."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters, cached pages, lists and feeds live in the cache (one per test process):
    each test starts without them, whatever the tests before it showed."""
    cache.clear()
    yield
    cache.clear()


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
