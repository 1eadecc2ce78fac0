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
        parser.add_argument(
            "--workers", type=int, default=default_workers(), help="web processes (default: one per CPU)"
        )
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
        ], env=web_worker_environment())  # fmt: skip
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


def default_workers() -> int:
    """One web process per CPU this process may use, at least two (one slow request never blocks all).

    A request is CPU work (templates, SQLite, embedding a search query): processes beyond the
    CPUs add no throughput and cost cache misses and switches. Measured with bench/web_load.py,
    hybrid search ran at about 200 requests a second with four processes on two CPUs and about
    260 with two.
    """
    return max(2, len(os.sched_getaffinity(0)))


def web_worker_environment() -> dict[str, str]:
    """The environment of the web workers: one embedding thread each unless the setting says otherwise.

    A web worker embeds one search query at a time, beside at least as many workers as CPUs: more
    threads would make a lone query wait less on an idle server but cost more CPU under load.
    """
    environment = dict(os.environ)
    environment.setdefault("PAPERHAUL_EMBEDDING_THREADS", "1")
    return environment


def _start(argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    # Each child in its own process group: Ctrl-C reaches them once, through `forward`, so a
    # worker in the middle of a task finishes it instead of taking a second signal as "force".
    return subprocess.Popen([sys.executable, *argv], process_group=0, env=env)


def _stop(worker: subprocess.Popen, *, signalled: bool) -> None:
    """Let the worker finish its task; a second signal would make it drop the task at once."""
    if not signalled and worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=WORKER_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
