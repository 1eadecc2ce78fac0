"""Which papers an enrichment run covers (shared by topics and takeaways)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """Which papers a run covers: those first published (or, undated, added) on or after ``since``;
    with ``force``, current ones too."""

    since: dt.date | None = None
    force: bool = False

    def sql(self) -> tuple[str, list]:
        if self.since is None:
            return "", []
        start = dt.datetime.combine(self.since, dt.time.min, tzinfo=dt.UTC)
        return (
            " AND (p.published >= %s OR (p.published IS NULL AND p.created_at >= %s))",
            [self.since, start],
        )
