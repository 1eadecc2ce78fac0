"""Progress bars for long CLI work (imports, syncs): rate and ETA on stderr, only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Bar:
    def __init__(self, progress: Progress | None, task: TaskID | None, description: str = "") -> None:
        self._progress = progress
        self._task = task
        self._description = description

    def update(self, *, completed: float | None = None, total: float | None = None, **fields) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=completed, total=total, **fields)

    def note(self, text: str) -> None:
        """Say after the description what the work does now that the bar is full (building indexes:
        minutes, after a large import, that would otherwise look like a hang)."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=f"{self._description} ({text})")


@contextmanager
def progress_bar(
    description: str, total: float | None = None, *, enabled: bool | None = None
) -> Iterator[Bar]:
    """A bar whose `records` and `rate` fields the caller updates; silent when stderr is no tty."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield Bar(None, None)
        return
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[records]} records · {task.fields[rate]}/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    with progress:
        task = progress.add_task(description, total=total, records=0, rate="-")
        yield Bar(progress, task, description)
