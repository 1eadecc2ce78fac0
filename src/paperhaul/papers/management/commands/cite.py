from __future__ import annotations

from paperhaul.errors import InputError
from paperhaul.papers.bibtex import bibliography
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.management.base import LibraryCommand


class Command(LibraryCommand):
    help = "Print BibTeX entries of papers of the library, named by any key, id, URL or title."

    def add_arguments(self, parser) -> None:
        parser.add_argument("targets", metavar="KEY_OR_URL", nargs="+")

    def handle(self, *args, targets: list[str], **options) -> None:
        papers = []
        for target in targets:
            paper = find_paper(target)
            if paper is None:
                raise InputError(f"not in the library: {target} (`paperhaul add {target}` adds it)")
            if paper not in papers:
                papers.append(paper)
        self.stdout.write(bibliography(papers), ending="")
