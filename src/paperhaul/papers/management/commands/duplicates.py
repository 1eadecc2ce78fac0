from __future__ import annotations

from paperhaul.errors import InputError
from paperhaul.papers.combine import pair
from paperhaul.papers.duplicates import dismiss_report, scan_near_titles
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.models import PossibleDuplicate


class Command(LibraryCommand):
    help = (
        "List items with different keys that may be one paper (never merged automatically); dismiss a report."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="include dismissed reports")
        parser.add_argument(
            "--scan",
            action="store_true",
            help="first look for near-identical titles across the library (one pass)",
        )
        parser.add_argument(
            "--dismiss",
            nargs=2,
            metavar="KEY_OR_URL",
            help="answer a report: these two items are different papers (merge them with `paperhaul merge`)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON document")

    def handle(self, *args, all: bool, scan: bool, dismiss: list[str] | None, json: bool, **options) -> None:
        if dismiss:
            one, other = pair(*dismiss)
            if not dismiss_report(one, other):
                raise InputError(f"no report says that {one.key} and {other.key} may be one paper")
            if not json:
                self.stderr.write(f"dismissed: {one.key} and {other.key} are different papers")
        if scan:
            found = scan_near_titles()
            if not json:
                self.stderr.write(f"scan: {found} new possible duplicate(s)")
        reports = PossibleDuplicate.objects.select_related("paper", "other").order_by("id")
        if not all:
            reports = reports.filter(status=PossibleDuplicate.Status.OPEN)
        rows = [
            {
                "paper": r.paper.key,
                "other": r.other.key,
                "title": r.paper.title,
                "other_title": r.other.title,
                "reason": r.reason,
                "status": r.status,
            }
            for r in reports
        ]
        if json:
            self.print_json(rows)
            return
        for row in rows:
            self.stdout.write(f"{row['paper']}  ~  {row['other']}  ({row['reason']})\n  {row['title']}")
        self.stdout.write(f"{len(rows)} possible duplicate(s)")
