"""A consistent copy of a SQLite library, taken while the app goes on using it (`paperhaul backup`).

Copying paperhaul.sqlite3 with ``cp`` while the server or an import writes can catch a page half
written, and misses what still sits in the -wal file beside it. ``VACUUM INTO`` reads one snapshot
in a read transaction (writers carry on meanwhile) and writes a compact database that holds
everything on its own. It goes to a file beside the destination, renamed into place when complete,
so an interrupted backup never leaves half a file under the name given.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from paperhaul.config import get as setting
from paperhaul.errors import InputError


@dataclass(frozen=True)
class Backup:
    path: Path
    papers: int
    size: int
    # The generated secret key the copy needs beside it (sign-ins, e-mailed links); None when the
    # key is configured (PAPERHAUL_SECRET_KEY), which the person keeps wherever they configure it.
    secret_key_file: Path | None

    def as_json(self) -> dict:
        key = str(self.secret_key_file) if self.secret_key_file else None
        return {"path": str(self.path), "papers": self.papers, "bytes": self.size, "secret_key_file": key}


def backup(path: Path) -> Backup:
    """Write a copy of the whole library (papers, accounts, hauls, vectors...) to ``path``."""
    if connection.vendor != "sqlite":
        raise InputError(
            "the library is on PostgreSQL: back it up with pg_dump (see docs/deployment.md, Backups)"
        )
    if path.exists():
        raise InputError(f"{path} exists: a backup never overwrites a file, give a new name")
    if not path.parent.is_dir():
        raise InputError(f"no such folder: {path.parent}")
    # VACUUM INTO accepts an empty file, so the temporary name is reserved without a race.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [temporary])
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    copy = sqlite3.connect(path)
    try:
        (papers,) = copy.execute("SELECT count(*) FROM papers_paper").fetchone()
    finally:
        copy.close()
    key_file = None if setting("PAPERHAUL_SECRET_KEY") else Path(settings.HOME) / "secret_key"
    return Backup(path, papers, path.stat().st_size, key_file)
