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

# Sent inside the transaction of a merge of two items (papers/combine.py) before the absorbed
# paper's rows move to the kept one, with ``kept`` and ``absorbed``: an app folds into the kept
# paper's row what the merge would drop as a double (a reader's note on the absorbed item).
papers_merging = Signal()

# Sent inside the transaction of a merge of two items a curator says are one paper
# (papers/combine.py), after the absorbed paper's rows moved to the kept one and before the absorbed
# paper is deleted, with ``kept`` and ``absorbed``: an app whose rows of a paper cannot simply move
# (a row per paper, such as counters) brings them over itself.
papers_merged = Signal()

# Sent inside the transaction that undoes a merge (papers/unmerge.py), once the absorbed paper and
# its rows are back, with ``kept`` and ``absorbed`` (the paper restored): an app whose rows follow
# others (a reply added since to a comment that went back) or are counted (counters) sees to them.
papers_unmerged = Signal()
