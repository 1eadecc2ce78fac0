from __future__ import annotations

from paperhaul.enrich import assign, takeaways
from paperhaul.enrich.evidence import gather
from paperhaul.enrich.llm import LLMClient
from paperhaul.enrich.scope import Scope
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.management.commands.list import iso_date
from paperhaul.progress import progress_bar


class Command(LibraryCommand):
    help = (
        "Give papers topics and one-sentence takeaways (both unless one is named); skips what is "
        "current, so it is resumable at any point."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--topics", action="store_true", help="decide topics")
        parser.add_argument("--takeaways", action="store_true", help="write takeaways")
        parser.add_argument("--since", help="only papers first published (or added) on or after YYYY-MM-DD")
        parser.add_argument("--force", action="store_true", help="redo current ones too (never a person's)")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, topics: bool, takeaways: bool, since, force: bool, json: bool, **options):
        both = not (topics or takeaways)
        scope = Scope(since=iso_date(since) if since else None, force=force)
        llm = LLMClient.from_settings() if (takeaways or both) else None
        summary: dict = {}
        try:
            if topics or both:
                summary["topics"] = self._topics(scope)
            if takeaways or both:
                summary["takeaways"] = self._takeaways(scope, llm)
        finally:
            if llm is not None:
                llm.close()
        if json:
            self.print_json(
                {name: stats.as_json() for name, stats in summary.items()}
                | {"llm_model": llm.model if llm else None}
            )
            return
        for stats in summary.values():
            self.stdout.write(stats.summary())

    def _topics(self, scope: Scope) -> assign.TopicStats:
        evidence = gather(assign.taxonomy())
        total = assign.pending_count(scope, evidence)
        with progress_bar("topics", total=total) as bar:
            return assign.assign_topics(
                scope, evidence=evidence, progress=lambda done: bar.update(completed=done, records=done)
            )

    def _takeaways(self, scope: Scope, llm: LLMClient | None) -> takeaways.TakeawayStats:
        total = takeaways.pending_count(scope, llm)
        label = f"takeaways ({llm.model})" if llm else "takeaways"
        with progress_bar(label, total=total) as bar:
            return takeaways.write_takeaways(
                scope, llm=llm, progress=lambda done: bar.update(completed=done, records=done)
            )
