from __future__ import annotations

import datetime as dt

from paperhaul.errors import InputError
from paperhaul.papers.bibtex import bibliography
from paperhaul.papers.lookup import list_papers, paper_summary
from paperhaul.papers.management.base import LibraryCommand


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(LibraryCommand):
    help = "List papers of the library, newest first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--category", action="append", default=[], help="e.g. cs.CL (repeatable)")
        parser.add_argument("--since", help="first version on or after YYYY-MM-DD")
        parser.add_argument("--until", help="first version on or before YYYY-MM-DD")
        parser.add_argument(
            "--source", help="e.g. arxiv-api, arxiv-oai, arxiv-snapshot, daily-papers, openreview, web"
        )
        parser.add_argument("--limit", type=int, default=50)
        parser.add_argument("--offset", type=int, default=0)
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="print one JSON document")
        output.add_argument("--bibtex", action="store_true", help="print the papers as BibTeX entries")

    def handle(self, *args, category, since, until, source, limit, offset, json, bibtex, **options) -> None:
        if limit < 1 or offset < 0:
            raise InputError("--limit must be positive and --offset not negative")
        papers = list_papers(
            categories=category,
            since=iso_date(since) if since else None,
            until=iso_date(until) if until else None,
            source=source,
        )
        chosen = list(papers[offset : offset + limit])
        if bibtex:
            self.stdout.write(bibliography(chosen), ending="")
            return
        page = [paper_summary(p) for p in chosen]
        if json:
            self.print_json(page)
            return
        if not page:
            # On stderr: a script reading the list still gets an empty one.
            filtered = category or since or until or source or offset
            self.stderr.write("no papers match" if filtered else "the library is empty")
        for paper in page:
            self.stdout.write(f"{paper['published'] or '          '}  {paper['key']}  {paper['title']}")
