from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command

from paperhaul.papers.management.base import LibraryCommand
from paperhaul.search.backend import get_backend


class Command(LibraryCommand):
    help = (
        "Run the web app with gunicorn (migrates, collects static files and checks the search index first)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        for problem in get_backend().check(repair=True):
            self.stderr.write(f"search index repaired: {problem}")
        self.stdout.write(f"paperhaul serving {settings.HOME} on http://{host}:{port}/")
        self.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "paperhaul.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers),
            "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1",
        ]  # fmt: skip
        os.execv(sys.executable, argv)
