from __future__ import annotations

from django.conf import settings

from paperhaul.errors import InputError
from paperhaul.papers.citation_counts import STALE_DAYS
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.management.commands.list import iso_date
from paperhaul.papers.sync import sync_citation_counts, sync_daily, sync_listings, sync_oai, sync_openreview
from paperhaul.progress import progress_bar


class Command(LibraryCommand):
    help = (
        "Bring the library up to date with arXiv (OAI-PMH harvest, resumable; or listing feeds), "
        "the daily-papers list or OpenReview venues."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "source",
            choices=["arxiv", "daily", "openreview", "semantic-scholar"],
            help="arxiv: papers by category; daily: the daily-papers list; openreview: a venue's papers; "
            "semantic-scholar: citation counts",
        )
        parser.add_argument(
            "--limit", type=int, help="semantic-scholar: at most this many papers (the next run goes on)"
        )
        parser.add_argument(
            "--stale-days",
            type=int,
            default=STALE_DAYS,
            help=f"semantic-scholar: ask again for counts older than this (default {STALE_DAYS})",
        )
        parser.add_argument(
            "--venue",
            action="append",
            default=[],
            help="openreview: a venue id, e.g. ICLR.cc/2025/Conference or TMLR "
            "(repeatable; default PAPERHAUL_OPENREVIEW_VENUES)",
        )
        parser.add_argument("--date", help="daily: the day's list to fetch, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--category",
            action="append",
            default=[],
            help="arXiv category or archive, e.g. cs.CL (repeatable; default PAPERHAUL_ARXIV_CATEGORIES)",
        )
        parser.add_argument("--since", help="harvest from YYYY-MM-DD (default: where the last sync ended)")
        parser.add_argument("--until", help="harvest up to YYYY-MM-DD")
        parser.add_argument(
            "--via",
            choices=["oai", "listing"],
            default="oai",
            help="oai: OAI-PMH harvest (default); listing: today's listing feeds",
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(
        self, *args, source, category, since, until, via, date, venue, limit, stale_days, json, **options
    ) -> None:
        if source == "daily":
            self._finish(sync_daily(iso_date(date) if date else None), [], json)
            return
        if source == "semantic-scholar":
            if (limit is not None and limit < 1) or stale_days < 0:
                raise InputError("--limit must be at least 1 and --stale-days at least 0")
            with progress_bar("sync semantic-scholar") as bar:
                stats, notes = sync_citation_counts(
                    limit=limit, stale_days=stale_days, on_progress=self._reporter(bar)
                )
            self._finish(stats, notes, json)
            return
        if source == "openreview":
            with progress_bar("sync openreview") as bar:
                stats, notes = sync_openreview(
                    venue or settings.PAPERHAUL_OPENREVIEW_VENUES, on_page=self._reporter(bar)
                )
            self._finish(stats, notes, json)
            return
        categories = category or settings.PAPERHAUL_ARXIV_CATEGORIES
        if not categories:
            raise InputError("no category: give --category or set PAPERHAUL_ARXIV_CATEGORIES")
        notes: list[str] = []
        if via == "listing":
            if since or until:
                raise InputError("--since and --until apply to --via oai only")
            stats = sync_listings(categories)
        else:
            with progress_bar("sync arxiv") as bar:
                stats, notes = sync_oai(
                    categories,
                    since=iso_date(since) if since else None,
                    until=iso_date(until) if until else None,
                    on_page=self._reporter(bar),
                )
        self._finish(stats, notes, json)

    @staticmethod
    def _reporter(bar):
        def report(progress, stats) -> None:
            bar.update(
                completed=progress.harvested,
                total=progress.expected,
                records=f"{stats.processed:,}",
                rate="-",
            )

        return report

    def _finish(self, stats, notes: list[str], json: bool) -> None:
        if json:
            self.print_json({**stats.as_json(), "notes": notes})
            return
        for note in notes:
            self.stderr.write(note)
        self.stdout.write(stats.summary())
