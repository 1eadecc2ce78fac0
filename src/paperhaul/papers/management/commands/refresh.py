from __future__ import annotations

from paperhaul.errors import InputError, PaperhaulError
from paperhaul.papers import refresh as refreshing
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.progress import progress_bar


class Command(LibraryCommand):
    help = (
        "Fetch papers of the library again from their source (arXiv's API, the DOI's landing page, "
        "the page; arXiv's search for a title): the named ones, or with --incomplete every paper "
        "known only by a link, a citation or a title."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("targets", metavar="KEY_OR_URL", nargs="*", help="papers of the library")
        parser.add_argument(
            "--incomplete",
            action="store_true",
            help="every paper that only a haul post or a links dataset describes (newest first)",
        )
        parser.add_argument("--limit", type=int, help="with --incomplete: at most this many papers")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, targets: list[str], incomplete: bool, limit: int | None, json: bool, **options):
        if bool(targets) == incomplete:
            raise InputError("name the papers to refresh, or give --incomplete (not both)")
        if limit is not None and targets:
            raise InputError("--limit applies to --incomplete only")
        if limit is not None and limit < 1:
            raise InputError("--limit must be at least 1")
        keys = self._keys(targets) if targets else refreshing.incomplete(limit)
        with progress_bar("refresh", total=len(keys)) as bar:
            stats = refreshing.refresh(
                keys,
                on_progress=lambda done, total, _: bar.update(completed=done, records=f"{done:,}", rate="-"),
            )
        if json:
            self.print_json(stats.as_json())
        else:
            for line in refreshing.failure_lines(stats.errors):
                self.stderr.write(line)
            self.stdout.write(stats.summary())
        if stats.failed:
            raise PaperhaulError(f"{stats.failed} of {len(keys)} could not be fetched")

    def _keys(self, targets: list[str]) -> list[str]:
        keys = []
        for target in targets:
            paper = find_paper(target)
            if paper is None:
                raise InputError(f"not in the library: {target} (`paperhaul add` fetches a new paper)")
            keys.append(paper.key)
        return keys
