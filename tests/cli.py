"""Running the `paperhaul` command as a user does: in a subprocess on a SQLite file of the test's
own (Cli), or, where a test makes many calls, in this process on the test's database (CliHere)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    def __init__(self, home: Path, **env: str) -> None:
        self.home = home
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PAPERHAUL_SECRET_KEY")}
        self.env.update({"DJANGO_SETTINGS_MODULE": "paperhaul.settings", "PAPERHAUL_HOME": str(home), **env})
        self.env.setdefault("PAPERHAUL_EMBEDDING_RUNTIME", "torch")  # see tests/settings.py

    def __call__(self, *args: str, timeout: float = 120) -> Result:
        done = subprocess.run(
            [sys.executable, "-m", "paperhaul.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return Result(done.returncode, done.stdout, done.stderr)


class CliHere:
    """The same commands through Django's command-line entry in this process, on the test's database.

    Starting a process costs seconds (Django, and torch for some commands), so a test of a long
    session of commands runs them here; what the user sees is the same: the output, the one-line
    ``CommandError: …`` on stderr and the exit status. Settings come from the test's ``settings``.
    """

    def __call__(self, name: str, *args: str) -> Result:
        """Parse and run as ``BaseCommand.run_from_argv`` does, but leave the test's connection open."""
        from django.core.management import CommandError, get_commands, load_command_class

        out, err = io.StringIO(), io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            command = load_command_class(get_commands()[name], name)
            command._called_from_command_line = True  # a bad option: usage and exit status 2
            try:
                options = vars(command.create_parser("paperhaul", name).parse_args(args))
                command.execute(*options.pop("args", ()), **options)
            except CommandError as error:
                err.write(f"{type(error).__name__}: {error}\n")
                code = error.returncode
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else 1
        return Result(code, out.getvalue(), err.getvalue())
