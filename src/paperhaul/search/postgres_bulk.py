"""Keeping a large import fast on PostgreSQL: fresh statistics, and word indexes built once.

Statistics: the import looks up each batch's titles among the library's (`title_norm IN (...)`,
900 at a time). With no statistics (a table never analysed, where autovacuum is off or has not
run yet) the planner guesses that each title matches half a percent of the table and reads all
of it instead of the index: 0.34 s a lookup at 500,000 papers, and the import slows down as it
goes. So before a batch, a library that has more than doubled since its last ANALYZE (from
STATISTICS_FROM papers on) is analysed: a few times in a whole import, a second or less each.

Word indexes: keeping the three GIN indexes up to date costs each inserted paper about as much
as computing its tsvector columns, and more as the indexes outgrow memory; building an index
from the finished table costs a fraction of that. So once an import run has inserted DEFER_AFTER
papers and they are most of the library (a snapshot's first import), the indexes are dropped for
the rest of the run and built again when it ends, whether it succeeded, failed or was
interrupted. Searches in between read the table itself: right, but slow. An import killed
outright leaves the repair to the next `paperhaul serve` start, `paperhaul reindex` or large
import.
"""

from __future__ import annotations

import logging

from django.db import connection

from paperhaul.search import postgres_lexical, postgres_plan

logger = logging.getLogger(__name__)

STATISTICS_FROM = 10_000
DEFER_AFTER = 20_000


def before_bulk_insert(sender, *, cursor, earlier: int = 0, before: bool, **kwargs) -> None:
    """Receiver of papers_bulk_inserted: analyse a library that outgrew its statistics, and drop
    the word indexes once this run has inserted most of the library."""
    if not before or cursor.db.vendor != "postgresql":
        return
    analysed, library = postgres_plan.sizes(cursor)
    if library >= STATISTICS_FROM and library > 2 * analysed:
        postgres_plan.analyze()
    if earlier >= DEFER_AFTER and library - earlier <= earlier:
        postgres_lexical.drop_indexes(cursor)


def restore_indexes(sender, *, added: int = 0, **kwargs) -> None:
    """Receiver of import_finished: build the word indexes missing after a run that may have
    dropped them (a smaller run beside a large one leaves them to it)."""
    if added < DEFER_AFTER or connection.vendor != "postgresql":
        return
    if postgres_lexical.check(repair=True):
        logger.info("built the word indexes of the library again")
