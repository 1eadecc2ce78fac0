"""Run a command against a throw-away PostgreSQL 16 with pgvector: `python -m tests.pgserver_run -- CMD...`.

The machines' own PostgreSQL has no pgvector, so the PostgreSQL half of the suite runs against the
server the `pgserver` package ships, started in a fresh temporary folder and deleted afterwards,
however the command ends. The command gets DATABASE_URL pointing at the server's unix socket as
the `postgres` superuser, who may create the `test_*` databases pytest-django needs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import FrameType
from urllib.parse import quote


def database_url(socket_dir: str | Path, database: str = "postgres") -> str:
    """A URL dj-database-url reads with the socket folder as HOST (percent-encoded, as libpq allows).

    pgserver's own `get_uri()` names the socket in a `?host=` query, which dj-database-url turns
    into an OPTIONS entry rather than HOST.
    """
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{database}"


def _terminal_signals_reach(child: subprocess.Popen) -> bool:
    """Whether a Ctrl-C typed in the terminal already went to the child (it is in our foreground group)."""
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgid(child.pid)
    except OSError:
        return False


def _run_child(command: list[str], env: dict[str, str]) -> int:
    """Run the command to its end, passing on SIGTERM and SIGINT; its status as a shell reports it."""
    child = subprocess.Popen(command, env=env)

    def forward(signum: int, _frame: FrameType | None) -> None:
        if signum == signal.SIGINT and _terminal_signals_reach(child):
            return
        child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 - code if code < 0 else code


def run(command: list[str]) -> int:
    """Start a server, run `command` with DATABASE_URL set, stop and delete the server; the exit status."""
    import pgserver

    with tempfile.TemporaryDirectory(prefix="paperhaul-pg-") as folder:
        server = pgserver.get_server(Path(folder) / "data", cleanup_mode="delete")
        try:
            socket_dir = server.get_postmaster_info().socket_dir
            return _run_child(command, {**os.environ, "DATABASE_URL": database_url(socket_dir)})
        finally:
            server.cleanup()


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: python -m tests.pgserver_run -- COMMAND...", file=sys.stderr)
        return 2
    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
