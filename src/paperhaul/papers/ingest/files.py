"""Reading input files: plain or gzip (told by magic bytes), line by line, with the position known."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from paperhaul.errors import InputError


def open_binary(path: Path) -> IO[bytes]:
    """Open a plain or gzip file, whatever its name says."""
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if not path.is_file():
        raise InputError(f"not a file: {path}")
    with path.open("rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")


def raw_position(stream: IO[bytes]) -> int:
    """Bytes of the file on disk consumed so far (the compressed position for gzip)."""
    raw = getattr(stream, "fileobj", None) or stream
    return raw.tell()


def iter_lines(stream: IO[bytes], path: Path) -> Iterator[bytes]:
    """The stream's lines; a truncated or corrupt gzip becomes one clear InputError."""
    line_no = 0
    try:
        for line_no, line in enumerate(stream, 1):  # noqa: B007 - line_no is read after the loop
            yield line
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(
            f"{path}: the gzip stream is truncated or corrupt after line {line_no} ({exc})"
        ) from exc


def read_text(path: Path) -> str:
    with open_binary(path) as stream:
        try:
            data = stream.read()
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise InputError(f"{path}: the gzip stream is truncated or corrupt ({exc})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
