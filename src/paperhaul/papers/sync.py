"""Keeping the library in step with its sources: arXiv's OAI-PMH harvests per category and listing
feeds, the daily-papers list, and OpenReview's venues.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from paperhaul.errors import InputError, SourceRejected
from paperhaul.papers.fetching import arxiv_client, openreview_client
from paperhaul.papers.ingest import arxiv_listing, arxiv_oai, daily_papers, openreview
from paperhaul.papers.ingest.http import HttpClient, settings_client
from paperhaul.papers.models import SyncState
from paperhaul.papers.upsert import ImportStats, Library

DEFAULT_DAYS = 7


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
    into the library; returns the stats and a note for each venue that lists no paper."""
    venues = list(dict.fromkeys(v.strip() for v in venues if v.strip()))
    if not venues:
        raise InputError("no venue: give --venue or set PAPERHAUL_OPENREVIEW_VENUES")
    library = Library()
    notes: list[str] = []
    with openreview_client() as client:
        for venue in venues:
            progress = SyncProgress(venue)
            for page in openreview.venue_pages(client, settings.PAPERHAUL_OPENREVIEW_API_URL, venue):
                with transaction.atomic():
                    library.upsert(page.records)
                progress.harvested += page.notes
                progress.expected = page.count
                if on_page:
                    on_page(progress, library.stats)
            if not progress.harvested:
                notes.append(
                    f"{venue}: OpenReview lists no paper in this venue (venue ids look like "
                    "ICLR.cc/2025/Conference; papers under review are in .../Submission)"
                )
    if len(notes) == len(venues):
        raise InputError(notes[0] if len(notes) == 1 else "; ".join(notes))
    return library.stats, notes
