from __future__ import annotations

from pathlib import Path

from paperhaul.papers.backup import backup
from paperhaul.papers.management.base import LibraryCommand


class Command(LibraryCommand):
    help = "Copy the whole SQLite library to PATH, consistently, while the app goes on using it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", metavar="PATH", type=Path, help="a new file (never overwritten)")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, path: Path, json: bool, **options) -> None:
        done = backup(path)
        if json:
            self.print_json(done.as_json())
            return
        self.stdout.write(f"backed up {done.papers:,} papers ({done.size / 2**20:,.1f} MiB) to {done.path}")
        if done.secret_key_file is not None:
            self.stdout.write(
                f"keep {done.secret_key_file} with it: sign-ins and e-mailed links depend on that key"
            )
