from __future__ import annotations

from pathlib import Path

from paperhaul.papers.importing import FORMATS, OTHER_FORMATS, import_file
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.refresh import incomplete_count
from paperhaul.papers.upsert import ImportStats
from paperhaul.progress import progress_bar


class Command(LibraryCommand):
    help = "Import files into the library. FORMAT: " + " | ".join(FORMATS + OTHER_FORMATS)

    def add_arguments(self, parser) -> None:
        parser.add_argument("format", metavar="FORMAT", help=" | ".join(FORMATS + OTHER_FORMATS))
        parser.add_argument("paths", metavar="PATH", nargs="+", type=Path)
        parser.add_argument(
            "--skip-bad", action="store_true", help="go on past malformed records and report them"
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, format: str, paths: list[Path], skip_bad: bool, json: bool, **options):
        if format == "haul":
            return self.import_hauls(paths, json)
        total = ImportStats()
        duplicates: list[str] = []
        for path in paths:
            with progress_bar(f"import {format} {path.name}") as bar:
                result = import_file(format, path, skip_bad=skip_bad, bar=bar)
            for name in ("added", "updated", "unchanged", "failed", "possible_duplicates"):
                setattr(total, name, getattr(total, name) + getattr(result.stats, name))
            total.errors.extend(result.stats.errors)
            duplicates.extend(result.duplicates)
        if json:
            self.print_json({**total.as_json(), "duplicate_entries": duplicates})
            return
        for error in total.errors:
            self.stderr.write(f"skipped {error}")
        for duplicate in duplicates:
            self.stdout.write(f"duplicate entry: {duplicate}")
        self.stdout.write(total.summary())
        if format in ("links", "bibtex", "ris") and total.added:
            self.hint_incomplete()

    def import_hauls(self, paths: list[Path], json: bool) -> None:
        from paperhaul.hauls.importing import import_hauls

        with progress_bar("import haul") as bar:
            stats = import_hauls(paths, bar=bar)
        if json:
            self.print_json(stats.as_json())
            return
        for warning in stats.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(stats.summary())
        if stats.papers_added:
            self.hint_incomplete()

    def hint_incomplete(self) -> None:
        """Links and citations bring papers without abstracts or dates; say how to fetch them (never
        done here: an import reads files, and fetching hundreds of papers is minutes at arXiv's pace)."""
        count = incomplete_count()
        if count:
            papers = "1 paper is" if count == 1 else f"{count} papers are"
            self.stderr.write(
                f"{papers} known only by a link, a citation or a title: `paperhaul refresh --incomplete`"
                " fetches their authors, dates and abstracts"
            )
