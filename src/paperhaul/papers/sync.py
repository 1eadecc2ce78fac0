"""Keeping the library in step with its sources: arXiv's OAI-PMH harvests per category and listing
feeds, the daily-papers list, OpenReview's venues, and Semantic Scholar's citation counts.

A harvest saves its resumption token in the same transaction as the records of each page, so
`paperhaul sync arxiv` carries on after a crash or Ctrl-C from the last page written, without
fetching again what it has. A finished harvest remembers the day it covered; the next one
starts there (with a day of overlap, as arXiv's datestamps are per day).

An OpenReview venue is a dozen requests at most (a thousand papers each); each page is written in
its own transaction, and a sync that stopped half-way is simply run again: the pages it wrote come
back unchanged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from paperhaul.errors import InputError, SourceRejected
from paperhaul.papers.citation_counts import STALE_DAYS
from paperhaul.papers.citation_graph import record_references
from paperhaul.papers.fetching import arxiv_client, openreview_client
from paperhaul.papers.ingest import arxiv_listing, arxiv_oai, daily_papers, openreview, semantic_scholar
from paperhaul.papers.ingest.http import HttpClient, settings_client
from paperhaul.papers.models import Paper, SourceRecord, SyncState
from paperhaul.papers.upsert import ImportStats, Library

DEFAULT_DAYS = 7
log = logging.getLogger(__name__)
# An OpenReview venue id: ICLR.cc/2025/Conference, TMLR, NeurIPS.cc/2024/Workshop/SSL/Submission.
VENUE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9._-]+){0,8}")
MAX_VENUES = 20
# The checkpoint of the citation counts' pass (sync_citation_counts).
COUNTS_STATE = "semantic-scholar"


@dataclass
class SyncProgress:
    category: str
    harvested: int = 0
    expected: int | None = None
    notes: list[str] = field(default_factory=list)


def sync_oai(
    categories: Sequence[str],
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    on_page: Callable[[SyncProgress, ImportStats], None] | None = None,
) -> tuple[ImportStats, list[str]]:
    """Harvest each category's OAI-PMH set into the library; returns the stats and notes."""
    library = Library()
    notes: list[str] = []
    with arxiv_client() as client:
        for category in categories:
            progress = _harvest(client, library, category, since, until, on_page)
            notes.extend(progress.notes)
    return library.stats, notes


def _harvest(client, library, category, since, until, on_page) -> SyncProgress:
    set_spec = arxiv_oai.set_for_category(category)
    state, _ = SyncState.objects.get_or_create(name=f"arxiv-oai:{set_spec}")
    progress = SyncProgress(category, harvested=state.harvested if state.resumption_token else 0)
    if state.resumption_token and since is None and until is None:
        progress.notes.append(
            f"{category}: resuming the harvest from {state.from_date} at record {state.harvested}"
        )
    else:
        _start(state, since, until)
    while True:
        try:
            pages = arxiv_oai.list_pages(
                client,
                settings.PAPERHAUL_ARXIV_OAI_URL,
                set_spec=set_spec,
                from_date=state.from_date,
                until=state.until_date,
                resumption_token=state.resumption_token or None,
            )
            for page in pages:
                with transaction.atomic():
                    library.upsert(page.records)
                    progress.harvested += len(page.records)
                    progress.expected = page.complete_list_size
                    state.harvested = progress.harvested
                    state.resumption_token = page.resumption_token or ""
                    if page.resumption_token is None:
                        state.completed_through = state.until_date or timezone.now().date()
                    state.save()
                if on_page:
                    on_page(progress, library.stats)
            return progress
        except SourceRejected as exc:
            if not state.resumption_token or "badResumptionToken" not in str(exc):
                raise
            # Tokens expire; start the same harvest again: pages already written come back unchanged.
            progress.notes.append(
                f"{category}: the resumption token expired; harvesting again from {state.from_date}"
            )
            state.resumption_token = ""
            state.harvested = progress.harvested = 0
            state.save()


def _start(state: SyncState, since: dt.date | None, until: dt.date | None) -> None:
    today = timezone.now().date()
    if since is None:
        since = (
            state.completed_through - dt.timedelta(days=1)
            if state.completed_through
            else today - dt.timedelta(days=DEFAULT_DAYS)
        )
    state.from_date = since
    state.until_date = until
    state.resumption_token = ""
    state.harvested = 0
    state.save()


def sync_listings(categories: Sequence[str]) -> ImportStats:
    """Fetch today's listing feed of each category (new, cross-listed and replaced papers)."""
    library = Library()
    with arxiv_client() as client:
        for category in categories:
            sync_listing(client, category, library)
    return library.stats


def sync_listing(client: HttpClient, category: str, library: Library) -> ImportStats:
    """Fetch one category's listing feed into ``library``; returns the library's stats so far."""
    return library.upsert(arxiv_listing.fetch_listing(client, settings.PAPERHAUL_ARXIV_RSS_URL, category))


def sync_daily(day: dt.date | None = None) -> ImportStats:
    """Fetch the daily-papers list of ``day`` (today's when None) with its upvotes."""
    with settings_client() as client:
        records = daily_papers.fetch_daily_papers(client, settings.PAPERHAUL_DAILY_PAPERS_URL, day)
    return Library().upsert(records)


def sync_openreview(
    venues: Sequence[str],
    *,
    on_page: Callable[[SyncProgress, ImportStats], None] | None = None,
) -> tuple[ImportStats, list[str]]:
    """Fetch the papers of each OpenReview venue (a venue id such as ``ICLR.cc/2025/Conference``)
    into the library; returns the stats and a note for each venue that lists no paper. When none
    lists any (a misspelt id), that is the error."""
    venues = check_venues(venues)
    library = Library()
    notes: list[str] = []
    with openreview_client() as client:
        for venue in venues:
            if not sync_venue(client, venue, library, on_page).harvested:
                notes.append(no_paper_in(venue))
    if len(notes) == len(venues):
        raise InputError("; ".join(notes))
    return library.stats, notes


def sync_venue(
    client: HttpClient,
    venue: str,
    library: Library,
    on_page: Callable[[SyncProgress, ImportStats], None] | None = None,
) -> SyncProgress:
    """Fetch one venue's papers into ``library``, a page a transaction."""
    progress = SyncProgress(venue)
    for page in openreview.venue_pages(client, settings.PAPERHAUL_OPENREVIEW_API_URL, venue):
        with transaction.atomic():
            library.upsert(page.records)
        progress.harvested += page.notes
        progress.expected = page.count
        if on_page:
            on_page(progress, library.stats)
    return progress


def no_paper_in(venue: str) -> str:
    return (
        f"{venue}: OpenReview lists no paper in this venue (venue ids look like "
        "ICLR.cc/2025/Conference; papers under review are in .../Submission)"
    )


def distinct_names(names: Iterable[str], *, most: int, plural: str, none: str) -> list[str]:
    """Each name once, stripped, in the given order; InputError ``none`` when there is none, and
    when there are more than ``most`` (categories or venues to fetch at a time)."""
    unique = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    if not unique:
        raise InputError(none)
    if len(unique) > most:
        raise InputError(f"at most {most} {plural} at a time, not {len(unique)}")
    return unique


def check_venues(venues: Sequence[str]) -> list[str]:
    """The venue ids, each once in the given order, when each looks like one; a venue's page
    (``https://openreview.net/group?id=ICLR.cc/2025/Conference``) names its id."""
    unique = distinct_names(
        (_venue_id(v) for v in venues if v.strip()),
        most=MAX_VENUES,
        plural="venues",
        none="no venue: give --venue or set PAPERHAUL_OPENREVIEW_VENUES",
    )
    for venue in unique:
        if not VENUE_RE.fullmatch(venue):
            raise InputError(f"“{venue[:60]}” is not an OpenReview venue id (like ICLR.cc/2025/Conference)")
    return unique


def _venue_id(text: str) -> str:
    text = text.strip()
    parts = urlsplit(text) if "://" in text else None
    if parts and (parts.hostname or "").endswith("openreview.net"):
        return dict(parse_qsl(parts.query)).get("id", text)
    return text


def sync_citation_counts(
    *,
    limit: int | None = None,
    stale_days: int = STALE_DAYS,
    on_progress: Callable[[SyncProgress, ImportStats], None] | None = None,
) -> tuple[ImportStats, list[str]]:
    """Fetch the citation counts of the papers that are due; returns the stats and notes for the
    reader (where the pass went on from, how many papers Semantic Scholar does not know).

    A pass asks for the arXiv and DOI papers whose counts are missing or older than ``stale_days``,
    in the order they entered the library, 500 a request at the API's pace; the papers each one
    cites are kept too (citation_graph.py). The id of the last
    paper of each batch is saved with the batch's counts, so a pass stopped by Ctrl-C (or cut short
    by ``limit``) goes on from there the next time; a finished pass starts again from the first
    paper. Papers Semantic Scholar does not know (yet: it lags arXiv by a few days) are asked for
    again at the next pass.
    """
    state, _ = SyncState.objects.get_or_create(name=COUNTS_STATE)
    after = int(state.resumption_token or 0)
    if after and not _due_for_counts(after, stale_days).exists():
        after = 0  # the last pass was cut short just before its end
    due = _due_for_counts(after, stale_days).count()
    progress, unknown = SyncProgress(COUNTS_STATE, expected=min(due, limit) if limit else due), 0
    if after:
        progress.notes.append(f"going on from the paper after #{after}, where the last pass stopped")
    library, cursor = Library(), after
    with settings_client(min_interval=settings.PAPERHAUL_SEMANTIC_SCHOLAR_DELAY) as client:
        while progress.harvested < progress.expected:
            size = min(semantic_scholar.BATCH, progress.expected - progress.harvested)
            batch = list(_due_for_counts(cursor, stale_days).values_list("pk", "key")[:size])
            if not batch:
                break
            counted = _counts_of([key for _, key in batch], client)
            records = [paper.record for paper in counted]
            cursor = batch[-1][0]
            with transaction.atomic():
                library.upsert(records)
                paper_ids = {key: pk for pk, key in batch}
                record_references({paper_ids[paper.record.key]: paper.cites for paper in counted})
                # Unchanged counts are records the upsert skips; they were asked for now all the same.
                fetched = SourceRecord.objects.filter(
                    source=semantic_scholar.SOURCE, source_id__in=[r.source_id for r in records]
                )
                fetched.update(fetched_at=timezone.now())
                state.resumption_token = str(cursor)
                state.save()
            progress.harvested += len(batch)
            unknown += len(batch) - len(records)
            if on_progress:
                on_progress(progress, library.stats)
    if not _due_for_counts(cursor, stale_days).exists():  # the pass reached the last paper
        state.resumption_token = ""
        state.completed_through = timezone.now().date()
        state.save()
    if unknown:
        progress.notes.append(f"{unknown} papers are not known to Semantic Scholar (yet)")
    return library.stats, progress.notes


def _counts_of(keys: list[str], client: HttpClient) -> list[semantic_scholar.Counted]:
    """A batch's counts with the papers each cites; when Semantic Scholar refuses that (its answers
    are capped at 10 MB: a batch of surveys with thousands of references goes over), the counts
    alone, so a pass never sticks at one batch (those papers' references wait for the next pass)."""
    ask = partial(
        semantic_scholar.fetch_batch,
        client,
        settings.PAPERHAUL_SEMANTIC_SCHOLAR_API_URL,
        keys,
        api_key=settings.PAPERHAUL_SEMANTIC_SCHOLAR_API_KEY,
    )
    try:
        return ask()
    except SourceRejected as exc:
        log.warning("Semantic Scholar refused a batch with references (%s); asking for the counts alone", exc)
        return ask(references=False)


def _due_for_counts(after: int, stale_days: int) -> QuerySet[Paper]:
    """The arXiv and DOI papers after ``after`` whose counts are missing or older than ``stale_days``."""
    fetched = SourceRecord.objects.filter(paper=OuterRef("pk"), source=semantic_scholar.SOURCE).values(
        "fetched_at"
    )[:1]
    fresh_since = timezone.now() - dt.timedelta(days=stale_days)
    papers = Paper.objects.filter(Q(key__startswith="arxiv:") | Q(key__startswith="doi:"), pk__gt=after)
    papers = papers.annotate(counted_at=Subquery(fetched))
    return papers.filter(Q(counted_at__isnull=True) | Q(counted_at__lt=fresh_since)).order_by("pk")
