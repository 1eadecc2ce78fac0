from __future__ import annotations

from paperhaul.errors import InputError
from paperhaul.papers.lookup import find_paper, paper_detail
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.refresh import is_incomplete


class Command(LibraryCommand):
    help = "Show a paper of the library, named by any key, id, URL or its title."

    def add_arguments(self, parser) -> None:
        parser.add_argument("target", metavar="KEY_OR_URL")
        parser.add_argument("--json", action="store_true", help="print one JSON document")

    def handle(self, *args, target: str, json: bool, **options) -> None:
        paper = find_paper(target)
        if paper is None:
            raise InputError(f"not in the library: {target}")
        detail = paper_detail(paper)
        if json:
            self.print_json(detail)
            return
        self.stdout.write(detail["title"])
        self.stdout.write("  ".join(filter(None, (detail["key"], detail["url"]))))
        if detail["authors"]:
            self.stdout.write(", ".join(detail["authors"]))
        dates = [f"published {detail['published']}"] if detail["published"] else []
        if detail["updated"] and detail["updated"] != detail["published"]:
            dates.append(f"updated {detail['updated']}")
        if detail["versions"]:
            dates.append(f"{len(detail['versions'])} version(s)")
        if dates:
            self.stdout.write(", ".join(dates))
        if detail["categories"]:
            self.stdout.write("categories: " + " ".join(detail["categories"]))
        for label in ("doi", "journal_ref", "comments", "pdf_url", "code_url", "note"):
            if detail[label]:
                self.stdout.write(f"{label}: {detail[label]}")
        if cited := detail["citations"]:
            self.stdout.write(f"cited by: {cited['count']:,} ({cited['source']}, {cited['as_of']})")
        if detail["abstract"]:
            self.stdout.write("\n" + detail["abstract"])
        if is_incomplete(paper):
            self.stdout.write(
                "\nknown only by a link, a citation or a title: "
                f"`paperhaul refresh {detail['key']}` fetches its authors, dates and abstract"
            )
        for duplicate in detail["possible_duplicates"]:
            self.stdout.write(f"\npossible duplicate: {duplicate['key']} ({duplicate['reason']})")
