from __future__ import annotations

import datetime as dt

from paperhaul.errors import InputError
from paperhaul.papers.bibtex import bibliography
from paperhaul.papers.lookup import papers_by_keys
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.search.filters import Filters
from paperhaul.search.params import check_topics
from paperhaul.search.service import MODES, NOTHING_TO_SEARCH, SORTS, SearchRequest, search


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(LibraryCommand):
    help = "Search the library: words, phrases, author:, cat:, year:, before:, after:, -exclusions, ids."

    def add_arguments(self, parser) -> None:
        parser.add_argument("query", metavar="QUERY")
        parser.add_argument("--mode", choices=MODES, default="hybrid")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--offset", type=int, default=0)
        parser.add_argument("--sort", choices=SORTS, default="relevance")
        parser.add_argument("--category", action="append", default=[], help="any of these (repeatable)")
        parser.add_argument("--topic", action="append", default=[], help="any of these topics (slugs)")
        parser.add_argument("--since", type=_date, help="published on or after this date")
        parser.add_argument("--until", type=_date, help="published on or before this date")
        parser.add_argument("--source", help="only papers seen in this source (e.g. arxiv-api, daily)")
        parser.add_argument("--has-code", action="store_true", help="only papers with a code link")
        parser.add_argument("--covered", action="store_true", help="only papers covered in a published haul")
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="print one JSON document")
        output.add_argument("--bibtex", action="store_true", help="print the hits as BibTeX entries")

    def handle(self, *args, query: str, json: bool, bibtex: bool, **options) -> None:
        filters = Filters.published(
            options["since"],
            options["until"],
            categories=tuple(options["category"]),
            source=options["source"],
            has_code=options["has_code"],
            covered=options["covered"],
            topics=check_topics(tuple(dict.fromkeys(options["topic"]))),
        )
        request = SearchRequest(
            q=query,
            mode=options["mode"],
            limit=options["limit"],
            offset=options["offset"],
            filters=filters,
            sort=options["sort"],
        )
        results = search(request)
        if results.notice == NOTHING_TO_SEARCH:
            what = "words, an arXiv id or URL, or a filter such as --category"
            raise InputError(f"{NOTHING_TO_SEARCH}: {what}")
        if json:
            self.print_json(results.as_json())
            return
        if results.notice:
            self.stderr.write(results.notice)
        if bibtex:
            self.stdout.write(bibliography(papers_by_keys([hit.key for hit in results.hits])), ending="")
            return
        for rank, hit in enumerate(results.hits, start=request.offset + 1):
            year = f" ({hit.published.year})" if hit.published else ""
            self.stdout.write(
                f"{rank:>3}. {hit.title}{year}\n     {hit.key}  {hit.url}  score {hit.score:.4f}"
            )
        if not results.hits:
            self.stdout.write("no results")
