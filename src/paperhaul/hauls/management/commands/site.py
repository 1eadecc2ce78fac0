"""`paperhaul site build OUT_DIR [--base-url URL] [--json]`: the public site as static files."""

from __future__ import annotations

from pathlib import Path

from paperhaul.hauls.site.build import build_site
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.progress import progress_bar


class Command(LibraryCommand):
    help = "Build the public site of hauls as static files: build"

    def add_arguments(self, parser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        build = subcommands.add_parser("build", help="write the static site into OUT_DIR")
        build.add_argument("out_dir", metavar="OUT_DIR", type=Path)
        build.add_argument(
            "--base-url",
            metavar="URL",
            help="where the site will be served, e.g. https://example.org/blog/ (default PAPERHAUL_SITE_URL)",
        )
        build.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    def handle_build(self, *, out_dir: Path, base_url: str | None, json: bool, **options) -> None:
        with progress_bar("site") as bar:
            summary = build_site(out_dir, base_url, bar=bar)
        if json:
            self.print_json(summary.as_json())
        else:
            self.stdout.write(summary.summary())
