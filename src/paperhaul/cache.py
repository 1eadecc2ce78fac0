"""The default cache: files under PAPERHAUL_HOME/cache, shared by the server's processes.

Django's FileBasedCache lists its whole folder on every write, to see whether it must cull: a
write took 1.4 ms with 1,000 entries and 25 ms with 19,000 (docs/benchmarks.md, web load). The
page cache holds one entry per page a signed-out reader opened in the last minute, so a crawler
walking the paper pages fills it to its limit, and from then on every page written paid that
listing. This cache counts its entries at most once every CULL_SECONDS in each process; between
two counts the folder can grow past MAX_ENTRIES by the entries written meanwhile, and is then
culled as Django's is.
"""

from __future__ import annotations

from time import monotonic

from django.core.cache.backends.filebased import FileBasedCache

CULL_SECONDS = 10.0


class FolderCache(FileBasedCache):
    def __init__(self, dir: str, params: dict) -> None:
        super().__init__(dir, params)
        self._next_cull = 0.0

    def _cull(self) -> None:
        now = monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + CULL_SECONDS
        super()._cull()
