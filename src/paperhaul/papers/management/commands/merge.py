from __future__ import annotations

from paperhaul.papers import combine
from paperhaul.papers.management.base import LibraryCommand


class Command(LibraryCommand):
    help = (
        "Merge two items that are one paper: OTHER folds into KEEP (fields KEEP lacks, identifiers, "
        "sources, votes, comments, haul items...), then OTHER is deleted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("keep", metavar="KEEP", help="the item to keep: any key, URL or its exact title")
        parser.add_argument("other", metavar="OTHER", help="the item merged into it")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what the merge would do, change nothing"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON document")

    def handle(self, *args, keep: str, other: str, dry_run: bool, json: bool, **options) -> None:
        kept, absorbed = combine.pair(keep, other)
        merged = combine.preview(kept, absorbed) if dry_run else combine.combine(kept, absorbed)
        if json:
            self.print_json({**merged.as_json(), "dry_run": dry_run})
        else:
            self.stdout.write(("would be: " if dry_run else "") + merged.summary())
