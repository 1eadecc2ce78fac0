"""A large first import on PostgreSQL builds the word indexes once, at its end.

Keeping the three GIN indexes up to date costs each inserted paper about as much as computing its
tsvector columns, and more as the indexes outgrow memory; building an index from the finished
table costs a fraction of that. So once an import run has inserted DEFER_AFTER papers and they
are most of the library (a snapshot's first import), the indexes are dropped for the rest of the
run and built again when it ends, whether it succeeded, failed or was interrupted. Searches in
between read the table itself: right, but slow. An import killed outright leaves the repair to
the next `paperhaul serve` start, `paperhaul reindex` or large import.
"""

from __future__ import annotations

import logging

from django.db import connection

from paperhaul.search import postgres_lexical

logger = logging.getLogger(__name__)

DEFER_AFTER = 20_000


def defer_indexes(sender, *, cursor, earlier: int = 0, before: bool, **kwargs) -> None:
    """Receiver of papers_bulk_inserted: drop the word indexes when this run outgrew the library."""
    if not before or earlier < DEFER_AFTER or cursor.db.vendor != "postgresql":
        return
    cursor.execute(f"SELECT max(id) - min(id) + 1 FROM {postgres_lexical.PAPER}")
    library = cursor.fetchone()[0] or 0
    if library - earlier <= earlier:
        postgres_lexical.drop_indexes(cursor)


def restore_indexes(sender, *, added: int = 0, **kwargs) -> None:
    """Receiver of import_finished: build the word indexes missing after a run that may have
    dropped them (a smaller run beside a large one leaves them to it)."""
    if added < DEFER_AFTER or connection.vendor != "postgresql":
        return
    if postgres_lexical.check(repair=False):
        logger.info("building the word indexes of the library")
        postgres_lexical.check(repair=True)
