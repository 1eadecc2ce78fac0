"""Running the real `paperhaul` command in a subprocess, on a SQLite file of the test's own."""

from __future__ import annotations

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
