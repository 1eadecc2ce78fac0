from __future__ import annotations

from paperhaul.errors import PaperhaulError
from paperhaul.papers.fetching import fetch_record
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.upsert import Library


class Command(LibraryCommand):
    help = "Resolve arXiv ids, DOIs or URLs, fetch them and store them in the library."

    def add_arguments(self, parser) -> None:
        parser.add_argument("targets", metavar="URL", nargs="+", help="arXiv id, DOI or URL")
        parser.add_argument("--note", default="", help="a note kept with the paper(s)")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")

    def handle(self, *args, targets: list[str], note: str, json: bool, **options) -> None:
        library = Library()
        results, failures = [], 0
        for target in targets:
            try:
                paper, outcome = library.upsert_one(fetch_record(target))
            except PaperhaulError as exc:
                failures += 1
                results.append({"target": target, "error": str(exc)})
                self.stderr.write(f"{target}: {exc}")
                continue
            if note and paper.note != note:
                paper.note = note
                paper.save(update_fields=["note", "modified_at"])
            results.append({"target": target, "outcome": outcome, "key": paper.key, "title": paper.title})
            if not json:
                self.stdout.write(f"{outcome} {paper.key} {paper.title}")
        if json:
            self.print_json(results)
        if failures:
            raise PaperhaulError(f"{failures} of {len(targets)} could not be added")
