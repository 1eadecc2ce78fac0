from __future__ import annotations

from paperhaul.errors import InputError
from paperhaul.papers.bibtex import bibliography
from paperhaul.papers.fetching import fetch_record
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.upsert import Library


class Command(LibraryCommand):
    help = "Print BibTeX entries of papers of the library, named by any key, id, URL or title."

    def add_arguments(self, parser) -> None:
        parser.add_argument("targets", metavar="KEY_OR_URL", nargs="+")
        parser.add_argument(
            "--fetch",
            action="store_true",
            help="fetch what the library does not have from its source and store it (as `paperhaul add`)",
        )

    def handle(self, *args, targets: list[str], fetch: bool, **options) -> None:
        papers = []
        for target in targets:
            paper = find_paper(target)
            if paper is None and fetch:
                paper, _ = Library().upsert_one(fetch_record(target))
            if paper is None:
                raise InputError(
                    f"not in the library: {target} (`paperhaul cite --fetch` or `paperhaul add` fetches it)"
                )
            if paper not in papers:
                papers.append(paper)
        self.stdout.write(bibliography(papers), ending="")
