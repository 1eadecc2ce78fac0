from __future__ import annotations

from paperhaul.papers import unmerge
from paperhaul.papers.management.base import LibraryCommand


class Command(LibraryCommand):
    help = (
        "Undo a merge: the item merged away comes back with what moved from it; what changed since the "
        "merge stays."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "merge",
            metavar="MERGE",
            help="the merge's number (`paperhaul merges`), or any key or URL of the item merged away",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="say what undoing would do, change nothing"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON document")

    def handle(self, *args, merge: str, dry_run: bool, json: bool, **options) -> None:
        found = unmerge.find(merge)
        undone = unmerge.preview(found) if dry_run else unmerge.undo(found)
        if json:
            self.print_json({**undone.as_json(), "dry_run": dry_run})
        else:
            self.stdout.write(("would be: " if dry_run else "") + undone.summary())
