from __future__ import annotations

from paperhaul.papers.duplicates import scan_near_titles
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.models import PossibleDuplicate


class Command(LibraryCommand):
    help = "List items with different keys that may be one paper (never merged automatically)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="include dismissed reports")
        parser.add_argument(
            "--scan",
            action="store_true",
            help="first look for near-identical titles across the library (one pass)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON document")

    def handle(self, *args, all: bool, scan: bool, json: bool, **options) -> None:
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
