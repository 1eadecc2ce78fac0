"""TL;DRs that come with a paper's sources, kept as its takeaways: the authors' own (OpenReview asks
authors for one) and Semantic Scholar's (its model's one-sentence summary, fetched with the
citation counts).

They arrive with source records, often long after the paper (Semantic Scholar's when its counts
are first fetched), and change or disappear with them while the paper's text stays as it is. So
they are not taken from the papers pending extraction but by a pass over the records of each
source fetched since the last pass began (its start is saved in a SyncState named
``takeaways:SOURCE`` when the pass ends), less a margin: a fetch can commit records stamped a
little before the pass began after the pass read them, so the records of the last MARGIN before it
are read again (found current, they cost a comparison). A record fetched again, its TL;DR changed
or gone, is looked at again; a pass cut short is done again from the same point, and what it took
is found current the second time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from paperhaul.enrich import sentences
from paperhaul.enrich.models import Takeaway
from paperhaul.enrich.takeaway_store import input_hash, known_hashes, save_texts
from paperhaul.enrich.tldr import Summary, capitalise
from paperhaul.papers.models import SourceRecord, SyncState

BATCH = 500
MARGIN = dt.timedelta(minutes=15)
# Which source's records carry each method's TL;DR (in ``data["tldr"]``); the source's name is
# also the ``model`` its takeaways are stored under.
SOURCES = {
    Takeaway.Method.AUTHORS: "openreview",  # papers/ingest/openreview.py
    Takeaway.Method.SEMANTIC_SCHOLAR: "semantic-scholar",  # papers/ingest/semantic_scholar.py
}


def take_source_tldrs(*, force: bool = False) -> dict[str, int]:
    """Take the TL;DRs of the records fetched since the last pass (with ``force``, of every
    record); returns how many takeaways each method gained or changed."""
    return {method: _take(method, source, force=force) for method, source in SOURCES.items()}


def _take(method: str, source: str, *, force: bool) -> int:
    state, _ = SyncState.objects.get_or_create(name=f"takeaways:{source}")
    last = None if force or not state.resumption_token else dt.datetime.fromisoformat(state.resumption_token)
    started, after, taken = timezone.now(), 0, 0
    while True:
        records = SourceRecord.objects.filter(source=source, pk__gt=after, fetched_at__lte=started)
        if last is not None:
            records = records.filter(fetched_at__gt=last - MARGIN)
        batch = list(records.order_by("pk").values_list("pk", "paper_id", "data")[:BATCH])
        if not batch:
            break
        after = batch[-1][0]
        given = {paper_id: _tldr(data) for _, paper_id, data in batch}
        known = known_hashes(list(given), method, source)
        made, unchanged = {}, []
        for paper_id, text in given.items():
            if not text:
                continue
            digest = input_hash(source, text)
            if not force and known.get(paper_id) == digest:
                unchanged.append(paper_id)
            else:
                made[paper_id] = (Summary(text, ()), digest, "")
        with transaction.atomic():
            save_texts(method, source, made, unchanged)
            withdrawn = [paper_id for paper_id, text in given.items() if not text]
            Takeaway.objects.filter(paper_id__in=withdrawn, method=method).delete()
        taken += len(made)
    state.resumption_token = started.isoformat()
    state.save()
    return taken


def _tldr(data: Any) -> str:
    tldr = data.get("tldr") if isinstance(data, dict) else None
    return capitalise(sentences.clean(tldr)) if isinstance(tldr, str) else ""
