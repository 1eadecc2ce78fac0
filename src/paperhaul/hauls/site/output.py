"""The build's folder: checked first, written beside OUT_DIR, swapped in whole at the end.

A build never writes into OUT_DIR itself: it fills a temporary folder next to it (same file
system, so the final renames are cheap) and replaces OUT_DIR only once everything is written.
A failed or interrupted build leaves OUT_DIR as it was and removes its temporary folder. OUT_DIR
may only be missing, empty, or an earlier build (marked by a MARKER file), so a mistyped path
never replaces someone's folder.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from paperhaul.errors import InputError

MARKER = ".paperhaul-site"


def check_out_dir(out_dir: Path) -> None:
    """InputError unless OUT_DIR can be (re)built: missing, an empty folder or an earlier build."""
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise InputError(f"{out_dir}: is a file, not a folder: give a folder for the site")
    if not out_dir.parent.is_dir():
        raise InputError(f"{out_dir}: its parent folder {out_dir.parent} does not exist")
    if out_dir.is_dir() and not (out_dir / MARKER).is_file() and any(out_dir.iterdir()):
        raise InputError(
            f"{out_dir}: folder is not empty and is not an earlier site build "
            f"(no {MARKER} file): give an empty or new folder"
        )


@contextmanager
def staging(out_dir: Path, base_url: str) -> Iterator[Path]:
    """A temporary folder to build in; on success it is marked and replaces OUT_DIR."""
    try:
        building = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot write beside it: {exc.strerror}") from exc
    try:
        yield building
        marker = {"generator": "paperhaul", "base_url": base_url, "built_at": dt.datetime.now(dt.UTC)}
        (building / MARKER).write_text(json.dumps(marker, default=str) + "\n", encoding="utf-8")
        building.chmod(0o755)  # mkdtemp makes it private; a web server must read the site
        _swap(building, out_dir)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _swap(building: Path, out_dir: Path) -> None:
    """Put the new build where OUT_DIR is, keeping the old one until the new one is in place."""
    if not out_dir.exists():
        building.rename(out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    try:
        out_dir.rename(old / "site")
        try:
            building.rename(out_dir)
        except OSError:
            (old / "site").rename(out_dir)
            raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
