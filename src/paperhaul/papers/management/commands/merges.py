from __future__ import annotations

from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.merge_log import describe
from paperhaul.papers.models import Merge


class Command(LibraryCommand):
    help = (
        "List the merges of two items into one, newest first, with their numbers (for `paperhaul unmerge`)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, default=20, help="how many (default 20)")
        parser.add_argument("--json", action="store_true", help="print one JSON document")

    def handle(self, *args, limit: int, json: bool, **options) -> None:
        merges = Merge.objects.select_related("by", "undone_by")[: max(limit, 0)]
        rows = [describe(merge) for merge in merges]
        if json:
            self.print_json(rows)
            return
        for row in rows:
            undone = f"  (undone {row['undone_at']:%Y-%m-%d})" if row["undone_at"] else ""
            by = f" by {row['by']}" if row["by"] else ""
            what = f"{row['absorbed']} into {row['key']}"
            self.stdout.write(
                f"{row['id']:>5}  {row['created_at']:%Y-%m-%d}{by}  {what}{undone}\n       {row['summary']}"
            )
