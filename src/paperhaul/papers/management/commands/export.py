from __future__ import annotations

from paperhaul.papers.exporting import FORMATS, export
from paperhaul.papers.management.base import LibraryCommand


class Command(LibraryCommand):
    help = "Export the library. FORMAT: " + " | ".join(FORMATS)

    def add_arguments(self, parser) -> None:
        parser.add_argument("format", metavar="FORMAT", help=" | ".join(FORMATS))
        parser.add_argument("path", metavar="PATH", help='file to write, "-" for standard output')

    def handle(self, *args, format: str, path: str, **options) -> None:
        count = export(format, path)
        if path != "-":
            self.stdout.write(f"exported {count} entries to {path}")
