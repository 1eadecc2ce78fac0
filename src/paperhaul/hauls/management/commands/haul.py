"""`paperhaul haul SUBCOMMAND`: working with hauls. Each subcommand is one method below.

The commands are thin over hauls/authoring.py (composing), hauls/duplicates.py (the check) and
hauls/render.py (writing out). Blocks are addressed by POSITION, counted from 1 as `haul show`
lists them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.db.models import F

from paperhaul.errors import InputError
from paperhaul.hauls import authoring, stats
from paperhaul.hauls.duplicates import Finding, check_haul
from paperhaul.hauls.layouts import LAYOUTS, POST
from paperhaul.hauls.models import Haul, HaulItem, HaulSection
from paperhaul.hauls.publishing import haul_path
from paperhaul.hauls.render import FORMATS, get_haul, render
from paperhaul.papers.exporting import write_output
from paperhaul.papers.management.base import LibraryCommand

ITEM_OPTIONS = ("abstract", "note")
SECTION_OPTIONS = ("heading", "level", "body")
HEADER_OPTIONS = ("snippet", "tags")


class Command(LibraryCommand):
    help = (
        "Work with hauls (numbered digests): list, show, new, add, edit, section, move, remove, check, "
        "publish, unpublish, render, stats"
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)

        render_parser = sub.add_parser("render", help="write a haul out")
        render_parser.add_argument("number", metavar="N", type=int)
        render_parser.add_argument("--format", choices=list(FORMATS), default="md")
        render_parser.add_argument(
            "--layout",
            choices=LAYOUTS,
            default=POST,
            help="topics: the papers grouped under their topics (md and html)",
        )
        render_parser.add_argument(
            "--output", metavar="PATH", type=Path, help="write here instead of standard output"
        )

        listing = sub.add_parser("list", help="every haul, drafts and published, newest number first")
        listing.add_argument("--json", action="store_true")

        show = sub.add_parser("show", help="a haul's blocks (sections and items) with their positions")
        show.add_argument("number", metavar="N", type=int)
        show.add_argument("--json", action="store_true")

        new = sub.add_parser("new", help="start a draft haul")
        new.add_argument("title", metavar="TITLE")
        new.add_argument("--number", type=int, help="default: one more than the last haul's")
        new.add_argument("--snippet", default="")
        new.add_argument("--tag", dest="tags", action="append", default=[], metavar="TAG")

        add = sub.add_parser("add", help="add a paper by URL, arXiv id or DOI (fetched when new)")
        add.add_argument("number", metavar="N", type=int)
        add.add_argument("target", metavar="URL")
        add.add_argument("--note", default="", help="the commentary (Markdown)")
        add.add_argument("--section", metavar="HEADING", help="at the end of this section, not of the haul")
        add.add_argument("--json", action="store_true")

        edit = sub.add_parser("edit", help="change the front matter, or the block at POSITION")
        edit.add_argument("number", metavar="N", type=int)
        edit.add_argument("position", metavar="POSITION", type=int, nargs="?")
        edit.add_argument("--title", help="the haul's title, or an item's displayed title (HTML text)")
        edit.add_argument("--snippet", help="the haul's snippet")
        edit.add_argument("--tag", dest="tags", action="append", metavar="TAG", help="replaces the tags")
        edit.add_argument("--abstract", help="an item's abstract start (HTML text)")
        edit.add_argument("--note", help="an item's commentary (Markdown)")
        edit.add_argument("--heading", help="a section's heading")
        edit.add_argument("--level", type=int, choices=(0, 1, 2), help="a section's heading level")
        edit.add_argument("--body", help="a section's Markdown")

        section = sub.add_parser("section", help="add a section")
        section.add_argument("number", metavar="N", type=int)
        section.add_argument("heading", metavar="HEADING")
        section.add_argument("--body", default="", help="Markdown")
        section.add_argument("--level", type=int, choices=(1, 2), default=2)
        section.add_argument("--at", dest="place", type=int, metavar="POSITION", help="default: the end")

        move = sub.add_parser("move", help="move a block")
        move.add_argument("number", metavar="N", type=int)
        move.add_argument("position", metavar="POSITION", type=int)
        move.add_argument("--to", type=int, required=True, metavar="POSITION")

        remove = sub.add_parser("remove", help="remove a block")
        remove.add_argument("number", metavar="N", type=int)
        remove.add_argument("position", metavar="POSITION", type=int)

        check = sub.add_parser("check", help="the duplicate check; exit status 1 when something is found")
        check.add_argument("number", metavar="N", type=int, nargs="?", help="default: every haul")
        check.add_argument("--json", action="store_true")

        publish = sub.add_parser("publish", help="publish now or --at a date")
        publish.add_argument("number", metavar="N", type=int)
        publish.add_argument("--at", metavar="ISO", help="ISO 8601 date-time (UTC unless it says)")

        unpublish = sub.add_parser("unpublish", help="make a published haul a draft again")
        unpublish.add_argument("number", metavar="N", type=int)

        counts = sub.add_parser("stats", help="statistics of haul N, or of every published haul")
        counts.add_argument("number", metavar="N", type=int, nargs="?", help="default: every published haul")
        counts.add_argument("--json", action="store_true")
        counts.add_argument(
            "--chart", metavar="PATH.svg", type=Path, help="also write the papers-per-month chart (SVG) here"
        )

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    def handle_render(self, *, number: int, format: str, layout: str, output: Path | None, **options) -> None:
        text = render(get_haul(number), format, layout)
        if output is None or str(output) == "-":
            self.stdout.write(text, ending="")
        else:
            write_output(str(output), [text])

    def handle_list(self, *, json: bool, **options) -> None:
        hauls = [_summary(haul) for haul in Haul.objects.order_by("-number")]
        if json:
            self.print_json(hauls)
            return
        for h in hauls:
            date = (h["published_at"] or "")[:10] or "-"
            counts = f"{h['items']:>3} items"
            self.stdout.write(f"{h['number']:>4}  {h['status']:<9} {date:<10}  {counts}  {h['title']}")

    def handle_show(self, *, number: int, json: bool, **options) -> None:
        haul = get_haul(number)
        described = [_block(place, block) for place, block in enumerate(authoring.blocks(haul), start=1)]
        if json:
            self.print_json({**_summary(haul), "blocks": described})
            return
        self.stdout.write(_line(_summary(haul)))
        for block in described:
            if block["kind"] == "section":
                heading = f"{'#' * block['level']} {block['heading']}" if block["level"] else "(text)"
                self.stdout.write(f"{block['position']:>4}  section  {heading}")
            else:
                self.stdout.write(f"{block['position']:>4}  item     {block['title']}  <{block['url']}>")

    def handle_new(self, *, title: str, number: int | None, snippet: str, tags: list[str], **options) -> None:
        haul = authoring.new_haul(title, number=number, snippet=snippet, tags=tags)
        self.stdout.write(f"created draft haul {haul.number} {haul.title!r} ({haul_path(haul)})")

    def handle_add(
        self, *, number: int, target: str, note: str, section: str | None, json: bool, **options
    ) -> None:
        haul = get_haul(number)
        into = authoring.find_section(haul, section) if section is not None else None
        added = authoring.add_item(haul, target, note, section=into)
        item = added.item
        if json:
            block = _block(item.position + 1, item)
            self.print_json({**block, "fetched": added.fetched, "findings": _findings_json(added.findings)})
            return
        fetched = " (fetched)" if added.fetched else ""
        self.stdout.write(f"added block {item.position + 1}: {item.paper.key} {item.paper.title}{fetched}")
        for finding in added.findings:
            self.stderr.write(f"warning: {finding.message}")

    def handle_edit(self, *, number: int, position: int | None, **options) -> None:
        haul = get_haul(number)
        names = ("title", *ITEM_OPTIONS, *SECTION_OPTIONS, *HEADER_OPTIONS)
        given = {name for name in names if options[name] is not None}
        if not given:
            raise InputError(
                "nothing to change: give --title, --note, --body… (`paperhaul haul edit --help`)"
            )
        if position is None:
            _only(given, {"title", *HEADER_OPTIONS}, "the haul (no POSITION)")
            authoring.edit_haul(
                haul, title=options["title"], snippet=options["snippet"], tags=options["tags"]
            )
            self.stdout.write(f"edited haul {haul.number}")
            return
        block = authoring.block_at(haul, position)
        if isinstance(block, HaulItem):
            _only(given, {"title", *ITEM_OPTIONS}, "an item")
            authoring.edit_item(
                block, title=options["title"], abstract=options["abstract"], commentary=options["note"]
            )
        else:
            _only(given, set(SECTION_OPTIONS), "a section")
            authoring.edit_section(
                block, heading=options["heading"], level=options["level"], body=options["body"]
            )
        self.stdout.write(f"edited block {position} of haul {haul.number}")

    def handle_section(
        self, *, number: int, heading: str, body: str, level: int, place: int | None, **options
    ) -> None:
        haul = get_haul(number)
        section = authoring.add_section(haul, heading, level=level, body=body, place=place)
        self.stdout.write(f"added block {section.position + 1}: section {section.heading!r}")

    def handle_move(self, *, number: int, position: int, to: int, **options) -> None:
        authoring.move_block(get_haul(number), position, to)
        self.stdout.write(f"moved block {position} to {to}")

    def handle_remove(self, *, number: int, position: int, **options) -> None:
        block = authoring.remove_block(get_haul(number), position)
        what = f"section {block.heading!r}" if isinstance(block, HaulSection) else f"item {block.title!r}"
        self.stdout.write(f"removed block {position}: {what}")

    def handle_check(self, *, number: int | None, json: bool, **options) -> None:
        hauls = [get_haul(number)] if number is not None else _oldest_first()
        report = [(haul, check_haul(haul)) for haul in hauls]
        found = sum(len(findings) for _, findings in report)
        if json:
            self.print_json([{"haul": h.number, "findings": _findings_json(f)} for h, f in report])
        else:
            for haul, findings in report:
                for finding in findings:
                    self.stdout.write(f"haul {haul.number}: {finding.kind}: {finding.message}")
            self.stderr.write(f"{found} finding(s) in {len(report)} haul(s)")
        if found:
            sys.exit(1)

    def handle_publish(self, *, number: int, at: str | None, **options) -> None:
        when = authoring.parse_when(at) if at else None
        haul = authoring.publish(get_haul(number), when)
        self.stdout.write(f"published haul {haul.number} at {haul.published_at.isoformat()}")

    def handle_unpublish(self, *, number: int, **options) -> None:
        haul = authoring.unpublish(get_haul(number))
        self.stdout.write(f"haul {haul.number} is a draft again")

    def handle_stats(self, *, number: int | None, json: bool, chart: Path | None, **options) -> None:
        haul = get_haul(number) if number is not None else None
        site = stats.site_stats() if haul is None or chart is not None else None
        if chart is not None:
            write_output(str(chart), [stats.month_chart(site)])
        if haul is not None:
            one = stats.haul_stats(haul)
            document, text = stats.haul_json(one), stats.haul_text(one)
        else:
            document, text = stats.site_json(site), stats.site_text(site)
        if json:
            self.print_json(document)
        else:
            self.stdout.write(text, ending="")


def _only(given: set[str], allowed: set[str], what: str) -> None:
    wrong = sorted(given - allowed)
    if wrong:
        names = ", ".join("--" + ("tag" if name == "tags" else name) for name in wrong)
        raise InputError(f"{names}: not something {what} has")


def _oldest_first() -> list[Haul]:
    return list(Haul.objects.order_by(F("published_at").asc(nulls_last=True), "number"))


def _summary(haul: Haul) -> dict:
    return {
        "number": haul.number,
        "title": haul.title,
        "slug": haul.slug,
        "status": haul.status,
        "published_at": haul.published_at.isoformat() if haul.published_at else None,
        "snippet": haul.snippet,
        "tags": haul.tag_names(),
        "items": haul.items.count(),
        "sections": haul.sections.count(),
    }


def _line(summary: dict) -> str:
    date = summary["published_at"] or "not published"
    return f"haul {summary['number']} ({summary['status']}, {date}): {summary['title']}"


def _block(place: int, block: HaulItem | HaulSection) -> dict:
    if isinstance(block, HaulSection):
        return {
            "position": place,
            "kind": "section",
            "heading": block.heading,
            "level": block.level,
            "body": block.body,
        }
    return {
        "position": place,
        "kind": "item",
        "section": block.section.heading if block.section else "",
        "paper": block.paper.key,
        "url": block.url,
        "title": block.title,
        "abstract": block.abstract,
        "commentary": block.commentary,
    }


def _findings_json(findings: list[Finding]) -> list[dict]:
    return [finding.as_json() for finding in findings]
