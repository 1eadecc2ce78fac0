"""Signals other apps listen to, so the library never imports them (search, enrichment...)."""

from django.dispatch import Signal

# Sent after papers were added or their fields changed and the change is committed, with
# ``added``: how many papers the change added (an import's total; 1 or 0 for one paper).
library_changed = Signal()

# Sent twice inside the transaction of a set-wise insert of new papers (papers/bulk.py): with
# before=True just before the rows are written, and with before=False just after, with
# ``cursor`` and ``new_papers`` (a FROM clause whose rows ``p`` are the new papers). An index
# kept by triggers uses it to take the whole batch in one statement; an error rolls the batch back.
papers_bulk_inserted = Signal()
