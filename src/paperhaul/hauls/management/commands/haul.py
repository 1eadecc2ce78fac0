"""`paperhaul haul SUBCOMMAND`: working with hauls. Each subcommand is one method below."""

from __future__ import annotations

from pathlib import Path

from paperhaul.hauls.render import FORMATS, get_haul, render
from paperhaul.papers.exporting import write_output
from paperhaul.papers.management.base import LibraryCommand


class Command(LibraryCommand):
    help = "Work with hauls (numbered digests): render"

    def add_arguments(self, parser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        render_parser = subcommands.add_parser("render", help="write an imported haul out")
        render_parser.add_argument("number", metavar="N", type=int)
        render_parser.add_argument("--format", choices=list(FORMATS), default="md")
        render_parser.add_argument(
            "--output", metavar="PATH", type=Path, help="write here instead of standard output"
        )

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    def handle_render(self, *, number: int, format: str, output: Path | None, **options) -> None:
        text = render(get_haul(number), format)
        if output is None or str(output) == "-":
            self.stdout.write(text, ending="")
        else:
            write_output(str(output), [text])
