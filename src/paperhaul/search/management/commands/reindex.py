from __future__ import annotations

from django.core.management.base import CommandError

from paperhaul.papers.management.base import LibraryCommand
from paperhaul.search.backend import get_backend
from paperhaul.search.embeddings import get_embedder


class Command(LibraryCommand):
    help = "Rebuild the search indexes from the library (--check: only report disagreements)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="check thoroughly, change nothing")

    def handle(self, *args, check: bool, **options) -> None:
        backend = get_backend()
        if check:
            problems = backend.check(repair=False, thorough=True)
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} problem(s); `paperhaul reindex` repairs them")
            self.stdout.write("search indexes agree with the library")
            return
        backend.rebuild(get_embedder().model_id)
        self.stdout.write("search indexes rebuilt")
