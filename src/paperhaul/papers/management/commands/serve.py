from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command

from paperhaul.papers.management.base import LibraryCommand
from paperhaul.search.backend import get_backend

# A task running when the server stops gets this long to finish before the worker is killed.
WORKER_GRACE_SECONDS = 30


class Command(LibraryCommand):
    help = (
        "Run the web app with gunicorn and one task worker, so that jobs started from the web run "
        "(migrates, collects static files and checks the search index first)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a task worker (run `paperhaul worker` elsewhere)",
        )

    def handle(self, *args, host: str, port: int, workers: int, no_worker: bool, **options) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        for problem in get_backend().check(repair=True):
            self.stderr.write(f"search index repaired: {problem}")
        self.stdout.write(f"paperhaul serving {settings.HOME} on http://{host}:{port}/")
        self.stdout.flush()
        server = _start([
            "-m", "gunicorn", "paperhaul.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers),
            "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1",
        ])  # fmt: skip
        worker = None if no_worker else _start(["-m", "paperhaul.cli", "worker"])
        children = [p for p in (server, worker) if p is not None]
        forwarded: list[int] = []

        def forward(signum: int, frame) -> None:
            forwarded.append(signum)
            for child in children:
                if child.poll() is None:
                    child.send_signal(signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        code = server.wait()
        if worker is not None:
            _stop(worker, signalled=bool(forwarded))
        if code:
            sys.exit(code if code > 0 else 1)


def _start(argv: list[str]) -> subprocess.Popen:
    # Each child in its own process group: Ctrl-C reaches them once, through `forward`, so a
    # worker in the middle of a task finishes it instead of taking a second signal as "force".
    return subprocess.Popen([sys.executable, *argv], process_group=0)


def _stop(worker: subprocess.Popen, *, signalled: bool) -> None:
    """Let the worker finish its task; a second signal would make it drop the task at once."""
    if not signalled and worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=WORKER_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
