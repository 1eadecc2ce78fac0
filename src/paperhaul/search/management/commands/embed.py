from __future__ import annotations

from paperhaul.papers.management.base import LibraryCommand
from paperhaul.progress import progress_bar
from paperhaul.search.embeddings import get_embedder
from paperhaul.search.indexing import embed_pending, pending_count


class Command(LibraryCommand):
    help = "Compute the vectors of new and changed papers (newest first); resumable at any point."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--limit", type=int, help="embed at most this many papers")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, limit: int | None, json: bool, **options) -> None:
        embedder = get_embedder("documents")
        total = pending_count(embedder.model_id)
        if limit is not None:
            total = min(total, limit)
        with progress_bar(f"embed ({embedder.model_id} on {embedder.runtime})", total=total) as bar:
            stats = embed_pending(
                embedder=embedder,
                limit=limit,
                progress=lambda done: bar.update(completed=done, records=done),
            )
        if json:
            self.print_json(
                {
                    "model": embedder.model_id,
                    "runtime": embedder.runtime,
                    "embedded": stats.embedded,
                    "unchanged": stats.unchanged,
                }
            )
            return
        self.stdout.write(f"{stats.summary()} ({embedder.model_id} on {embedder.runtime})")
