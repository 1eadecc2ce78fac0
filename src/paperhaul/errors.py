"""paperhaul's exception hierarchy.

Every error a user can cause or meet (a bad file, an unreachable source, an unknown identifier)
is a PaperhaulError whose message is one line that says what happened and where; the CLI prints
it on stderr and exits non-zero, the web app shows it.
"""

from __future__ import annotations


class PaperhaulError(Exception):
    """Base class of every error paperhaul reports to a user."""


class SourceError(PaperhaulError):
    """A source could not give us what we asked for."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(f"{message} ({url})" if url else message)
        self.url = url


class SourceUnavailable(SourceError):
    """Unreachable, timed out or kept failing after retries (5xx, 429)."""


class SourceRejected(SourceError):
    """The source refused the request (4xx other than 429)."""


class SourceFormatError(SourceError):
    """The source answered, but not in the format it documents (malformed XML/JSON, HTML page...)."""


class ArxivApiError(SourceError):
    """arXiv's API answered with one of its error entries."""


class InputError(PaperhaulError):
    """A file or argument given by the user is unusable."""


class PrivateHost(InputError):
    """An address to fetch names a host of the server's own network (refused, see papers/ingest/http.py)."""


class RecordError(InputError):
    """One record of an input file is malformed."""

    def __init__(self, message: str, *, line: int | None = None, path: str = "") -> None:
        where = f"{path}:{line}: " if path and line else (f"line {line}: " if line else "")
        super().__init__(f"{where}{message}")
        self.line = line
        self.path = path
        self.reason = message

    def __reduce__(self):
        # Rebuilt from its parts (not its formatted message), so it survives a trip to a worker process.
        return (_record_error, (self.reason, self.line, self.path))


def _record_error(reason: str, line: int | None, path: str) -> RecordError:
    return RecordError(reason, line=line, path=path)
