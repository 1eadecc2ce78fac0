"""Signals other apps listen to, so the library never imports them (search, enrichment...)."""

from django.dispatch import Signal

# Sent after papers were added or their fields changed and the change is committed, with
# ``added``: how many papers the change added (an import's total; 1 or 0 for one paper).
library_changed = Signal()

# Sent twice inside the transaction of a set-wise insert of new papers (papers/bulk.py): with
# before=True just before the rows are written, and with before=False just after, with
# ``cursor``, ``new_papers`` (a FROM clause whose rows ``p`` are the new papers) and ``earlier``
# (how many papers the same import run inserted before this batch). An index kept by triggers
# uses it to take the whole batch in one statement; an error rolls the batch back.
papers_bulk_inserted = Signal()

# Sent when an import run (Library.upsert) ends, whether all its batches committed or it failed
# or was interrupted, with ``added``: what an import put aside for its duration (PostgreSQL's
# word indexes, see search/postgres_bulk.py) is put back.
import_finished = Signal()
