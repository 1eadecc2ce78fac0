"""A reader's reading list: the papers they saved, each to read until they mark it read, with a
private note of their own, and which of them gained an arXiv version since they were saved.

Marking a paper read, or writing a note on it, saves it: a researcher keeps a record of what they
read and what they made of it without a separate step. Taking a paper off the list drops its note
with it (the pages say so where the note is written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from paperhaul.community.models import SavedPaper
from paperhaul.errors import InputError
from paperhaul.papers.models import Paper
from paperhaul.papers.prepared import versions_from_json
from paperhaul.papers.records import Version

MAX_NOTE = 5_000
# The parts of the list, by the name pages and the API take (``state=``), with their labels.
STATES = {"all": "All", "to-read": "To read", "read": "Read"}


def check_state(state: str) -> str:
    """``state`` if it names a part of the list; InputError naming those that exist otherwise."""
    if state not in STATES:
        raise InputError(f"unknown part of the reading list: {state[:40]!r} (use {', '.join(STATES)})")
    return state


def saved_paper_ids(user: AbstractBaseUser, state: str = "all") -> QuerySet:
    """The ids of the papers the user saved (private: only the user may see them): all of them or
    those to read, the latest saved first; or those read, the latest read first."""
    rows = SavedPaper.objects.filter(user=user)
    if check_state(state) == "read":
        rows = rows.exclude(read_at=None).order_by("-read_at", "-id")
    else:
        rows = rows.filter(read_at=None) if state == "to-read" else rows
        rows = rows.order_by("-created_at", "-id")
    return rows.values_list("paper_id", flat=True)


def counts(user: AbstractBaseUser) -> dict[str, int]:
    """How many papers each part of the user's list holds."""
    found = SavedPaper.objects.filter(user=user).aggregate(all=Count("id"), read=Count("read_at"))
    return {"all": found["all"], "to-read": found["all"] - found["read"], "read": found["read"]}


def entry(user: AbstractBaseUser, paper: Paper) -> SavedPaper | None:
    """The user's row for the paper, or None when they have not saved it (or are signed out)."""
    if not user.is_authenticated:
        return None
    return SavedPaper.objects.filter(user=user, paper=paper).first()


def entries(user: AbstractBaseUser, papers: Iterable[Paper]) -> dict[int, SavedPaper]:
    """The user's rows for those of ``papers`` they saved, by paper id."""
    rows = SavedPaper.objects.filter(user=user, paper_id__in=[p.pk for p in papers])
    return {row.paper_id: row for row in rows}


def set_read(user: AbstractBaseUser, paper: Paper, read: bool) -> SavedPaper:
    """Mark the paper read (saving it if need be) or back to read; doing it twice changes nothing
    (a paper read stays read as of the first time)."""
    return update(user, paper, read=read)


def set_note(user: AbstractBaseUser, paper: Paper, note: str) -> SavedPaper:
    """Replace the user's note on the paper (saving it if need be); an empty note removes it."""
    return update(user, paper, note=note)


def update(
    user: AbstractBaseUser, paper: Paper, *, read: bool | None = None, note: str | None = None
) -> SavedPaper:
    """Save the paper if need be, then change what is given (a note, read or not), all or nothing."""
    if note is not None:
        note = _clean_note(note)
    with transaction.atomic():
        row = _saved(user, paper)
        changed = []
        if note is not None and row.note != note:
            row.note = note
            changed.append("note")
        if read is not None and read != (row.read_at is not None):
            row.read_at = timezone.now() if read else None
            changed.append("read_at")
        if changed:
            row.save(update_fields=changed)
        return row


def _clean_note(note: str) -> str:
    note = note.replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE:
        raise InputError(f"a note is at most {MAX_NOTE:,} characters (this one has {len(note):,})")
    if "\x00" in note:
        raise InputError("a note cannot hold a NUL character")
    return note


def _saved(user: AbstractBaseUser, paper: Paper) -> SavedPaper:
    return SavedPaper.objects.get_or_create(user=user, paper=paper)[0]


def revised_since_saved(papers: Sequence[Paper], rows: Mapping[int, SavedPaper]) -> dict[int, str]:
    """The latest arXiv version ("v3") of each of these papers posted after the reader saved it
    (``rows``: their entries): a reading list says which papers changed since they were put on it."""
    revised = {}
    for paper in papers:
        latest = _latest_version(paper)
        row = rows.get(paper.pk)
        if latest and latest.number > 1 and row and _later(latest.created, row.created_at):
            revised[paper.pk] = f"v{latest.number}"
    return revised


def _latest_version(paper: Paper) -> Version | None:
    try:
        return max(versions_from_json(paper.versions or []), key=lambda v: v.number, default=None)
    except (AttributeError, KeyError, TypeError, ValueError):  # a list hand-edited in the admin
        return None


def _later(created: dt.datetime | dt.date | None, saved_at: dt.datetime) -> bool:
    if isinstance(created, dt.datetime):
        return (created if created.tzinfo else created.replace(tzinfo=dt.UTC)) > saved_at
    return created is not None and created > saved_at.date()


def fold_merged_lists(sender: object, kept: Paper, absorbed: Paper, **kwargs: object) -> None:
    """Receiver of papers_merging: a reader who saved both items keeps one row for the kept paper,
    saved as of the first save, read if either was, with both notes; the absorbed item's row,
    which would double it, is then dropped by the merge."""
    theirs = {row.user_id: row for row in SavedPaper.objects.filter(paper=absorbed)}
    for row in SavedPaper.objects.filter(paper=kept, user_id__in=list(theirs)):
        other = theirs[row.user_id]
        row.created_at = min(row.created_at, other.created_at)
        row.read_at = min(filter(None, (row.read_at, other.read_at)), default=None)
        if other.note and other.note not in row.note:
            row.note = f"{row.note}\n\n{other.note}".strip()
        row.save(update_fields=["created_at", "read_at", "note"])
