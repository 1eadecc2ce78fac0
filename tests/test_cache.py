"""The default cache: files shared by the server's processes, culled without listing the folder
on every write (Django's file cache did, 25 ms a write at 19,000 entries)."""

from __future__ import annotations

import pytest

from paperhaul import cache as folder_cache
from paperhaul.cache import FolderCache


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(folder_cache, "monotonic", lambda: now[0])
    return now


def entries(folder) -> int:
    return len(list(folder.glob("*.djcache")))


def test_writes_between_two_counts_do_not_list_the_folder(tmp_path, clock, monkeypatch):
    cache = FolderCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    listings = []
    listing = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or listing())
    for n in range(40):
        cache.set(f"page-{n}", "<html>", 60)
    assert len(listings) == 1
    assert entries(tmp_path) == 40  # past the limit until the next count
    clock[0] += folder_cache.CULL_SECONDS
    cache.set("one-more", "<html>", 60)
    assert len(listings) == 2
    assert entries(tmp_path) == 21  # half of the 40 culled, then the new entry written
    assert cache.get("one-more") == "<html>"
