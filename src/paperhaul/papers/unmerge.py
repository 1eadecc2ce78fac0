"""Undoing a merge (papers/combine.py) a curator finds was wrong: the two items were two papers.

The merge wrote down the rows it changed as they were before it and after it (merge_log.py).
Undoing it compares each of them with the row as it is now, field by field, as a three-way merge of
text does: a field still as the merge left it takes back its value from before the merge; a field
changed since (a title corrected, a comment edited, a list reordered) keeps the change. So:

- the absorbed item comes back under its id and key, with its identifiers and source records (its
  addresses and imports lead to it again), and what moved to the kept item goes back to it: upvotes,
  comments, reading and shared lists, haul items, digest entries, topics, takeaways;
- rows the merge deleted (a reader's upvote of both items, the entry of a list that had both, the
  absorbed item's counters) are made again, and rows it made go, unless changed since;
- the kept item's fields and rows are as before the merge, except what changed since;
- what readers added to the kept item after the merge stays with it, since nothing says which of
  the two they meant; a reply follows the comment it answers (community/ sees to that, and counts
  both items' votes and comments again, on `papers_unmerged`).

A merge is undone once, and only while its kept item is there: one merged in turn into a third item
waits until that merge is undone. A new item under the absorbed item's key stops it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core import serializers
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from paperhaul.errors import InputError
from paperhaul.papers import ids
from paperhaul.papers.combine import OWN_RELATIONS
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.merge_log import Row, Rows, identity, in_words, relations, serialised
from paperhaul.papers.models import Merge, Paper
from paperhaul.papers.signals import papers_unmerged
from paperhaul.papers.upsert import announce_change

PAPER = "papers.paper"


@dataclass
class Undone:
    """What undoing a merge did: the item restored, what is attached to it again, and what stayed."""

    merge: Merge
    kept: Paper
    restored: Paper
    attached: dict[str, int] = field(default_factory=dict)
    singular: dict[str, str] = field(default_factory=dict)
    kept_changes: list[str] = field(default_factory=list)
    not_restored: int = 0

    @property
    def attached_phrases(self) -> list[str]:
        """What the restored item has again, in words: "1 identifier", "2 comments"."""
        return in_words(self.attached, self.singular)

    def summary(self) -> str:
        attached = ", ".join(self.attached_phrases)
        kept = ", ".join(self.kept_changes)
        return (
            f"Undid the merge of {self.restored.key} into {self.kept.key}"
            + (f"; {self.restored.key} has again {attached}" if attached else "")
            + (f"; {self.kept.key} keeps what changed since: {kept}" if kept else "")
            + (f"; {self.not_restored} rows could not be made again" if self.not_restored else "")
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "merge": self.merge.pk,
            "key": self.kept.key,
            "restored": self.restored.key,
            "attached": {label: count for label, count in self.attached.items() if count},
            "kept_changes": self.kept_changes,
            "not_restored": self.not_restored,
        }


def find(ref: str) -> Merge:
    """A merge by its number; else the latest merge not undone of the item named (any of its keys or
    URLs: the item merged away, or the kept item when only one was merged into it)."""
    ref = ref.strip()
    if ref.isdigit():
        found = Merge.objects.filter(pk=int(ref)).first()
        if found is None:
            raise InputError(f"no merge number {ref}")
        return found
    pending = Merge.objects.filter(undone_at=None)
    key = ids.try_canonical_key(ref)
    found = pending.filter(absorbed_key=key).first() if key else None
    paper = None if found else find_paper(ref)
    if paper is not None:
        into = list(pending.filter(kept_id=paper.pk)[:10])
        if len(into) > 1:
            numbers = ", ".join(str(merge.pk) for merge in into)
            raise InputError(
                f"several items were merged into {paper.key}: name one by its number ({numbers})"
            )
        found = into[0] if into else None
    if found is None:
        raise InputError(f"no merge to undo names {ref[:300]}")
    return found


class _DryRun(Exception):
    def __init__(self, undone: Undone) -> None:
        self.undone = undone


def preview(merge: Merge) -> Undone:
    """What `undo` would do, found by doing it and rolling it back."""
    try:
        with transaction.atomic():
            raise _DryRun(undo(merge))
    except _DryRun as done:
        return done.undone


def undo(merge: Merge, *, by: AbstractBaseUser | None = None) -> Undone:
    """Make the merge's two items two again (see the module's docstring), in one transaction."""
    try:
        with transaction.atomic():
            return _undo(merge, by)
    except IntegrityError as exc:
        raise InputError(f"the merge of {merge.absorbed_key} cannot be undone: {exc}") from exc


def _undo(merge: Merge, by: AbstractBaseUser | None) -> Undone:
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    kept = _check(merge)
    before = {identity(row): row for row in merge.before if _model(row)}
    after = {identity(row): row for row in merge.after if _model(row)}
    current = _current(before.keys() | after.keys())
    kept_id, absorbed_id = (PAPER, str(merge.kept_id)), (PAPER, str(merge.absorbed_id))

    kept_changes = _kept_since(before.get(kept_id), after.get(kept_id), current[kept_id])
    _restore_in_place(before.get(kept_id), after.get(kept_id), current[kept_id])
    _save(before[absorbed_id])
    for key in after.keys() - before.keys():
        if current.get(key) == after[key]:
            _delete(after[key])
    for key in (before.keys() & after.keys()) - {kept_id}:
        _restore_in_place(before[key], after[key], current.get(key))
    lost = sum(
        not _make_again(before[key]) for key in before.keys() - after.keys() - current.keys() - {absorbed_id}
    )

    Paper.objects.filter(pk=merge.kept_id).update(modified_at=timezone.now())  # to be embedded again
    kept, restored = Paper.objects.get(pk=merge.kept_id), Paper.objects.get(pk=merge.absorbed_id)
    papers_unmerged.send(sender=Paper, kept=kept, absorbed=restored)
    undone = Undone(merge=merge, kept=kept, restored=restored, kept_changes=kept_changes, not_restored=lost)
    undone.attached, undone.singular = _attached(restored)
    merge.undone_at, merge.undone_by = timezone.now(), by
    merge.save(update_fields=["undone_at", "undone_by"])
    if by is not None:
        LogEntry.objects.log_actions(
            by.pk, [kept], CHANGE, change_message=undone.summary(), single_object=True
        )
        LogEntry.objects.log_actions(
            by.pk, [restored], ADDITION, change_message=undone.summary(), single_object=True
        )
    transaction.on_commit(lambda: announce_change(1))
    return undone


def _check(merge: Merge) -> Paper:
    """The kept paper, locked; InputError when the merge cannot be undone now."""
    if merge.undone_at is not None:
        raise InputError(f"the merge of {merge.absorbed_key} into {merge.kept_key} was undone already")
    kept = Paper.objects.select_for_update().filter(pk=merge.kept_id).first()
    if kept is None:
        later = Merge.objects.filter(absorbed_id=merge.kept_id, undone_at=None).first()
        if later is not None:
            raise InputError(
                f"{later.absorbed_key} was merged into {later.kept_key} since: undo that merge first"
            )
        raise InputError(f"{merge.kept_key} is no longer in the library")
    taken = Paper.objects.filter(Q(pk=merge.absorbed_id) | Q(key=merge.absorbed_key)).exclude(pk=kept.pk)
    if taken.exists():
        raise InputError(f"the library has an item {merge.absorbed_key} again; merge or delete it first")
    return kept


def _model(row: Row) -> type[models.Model] | None:
    """The row's model, or None for one the project no longer has."""
    try:
        return apps.get_model(row["model"])
    except (LookupError, ValueError):
        return None


def _current(keys: set[tuple[str, str]]) -> Rows:
    """The rows with these identities as they are now (those deleted since are absent)."""
    by_model: dict[str, list[str]] = {}
    for label, pk in keys:
        by_model.setdefault(label, []).append(pk)
    objects: list[models.Model] = []
    for label, pks in by_model.items():
        objects += apps.get_model(label)._base_manager.filter(pk__in=pks)
    return serialised(objects)


def _kept_since(before: Row | None, after: Row | None, now: Row | None) -> list[str]:
    """The kept paper's fields the merge changed and someone changed again since: they stay."""
    if before is None or after is None or now is None:
        return []
    changed = [name for name, value in after["fields"].items() if before["fields"].get(name) != value]
    return [
        name for name in changed if now["fields"].get(name) != after["fields"][name] and name != "modified_at"
    ]


def _restore_in_place(before: Row | None, after: Row | None, now: Row | None) -> None:
    """Give each field still as the merge left it its value from before the merge."""
    if before is None or after is None or now is None:
        return
    fields = dict(now["fields"])
    for name, value in before["fields"].items():
        if name in fields and fields[name] == after["fields"].get(name):
            fields[name] = value
    if fields != now["fields"]:
        _save({**now, "fields": fields})


def _make_again(row: Row) -> bool:
    """Insert a row the merge deleted, under its own id (ids are never given twice, and a later undo
    finds it by it), unless what it points at is gone; whether it was made."""
    model = apps.get_model(row["model"])
    for fk in (f for f in model._meta.concrete_fields if f.is_relation):
        target = row["fields"].get(fk.name)
        if target is not None and not fk.related_model._base_manager.filter(pk=target).exists():
            return False
    _save(row)
    return True


def _save(row: Row) -> None:
    """Write a row as serialised: an update of the row with its id, or an insert."""
    for restored in serializers.deserialize("python", [row], ignorenonexistent=True):
        restored.save()


def _delete(row: Row) -> None:
    apps.get_model(row["model"])._base_manager.filter(pk=row["pk"]).delete()


def _attached(paper: Paper) -> tuple[dict[str, int], dict[str, str]]:
    """What is attached to the paper, counted by kind (the model's plural name)."""
    counts: dict[str, int] = {}
    singular: dict[str, str] = {}
    for relation in relations():
        model = relation.related_model
        if relation.one_to_one or model in OWN_RELATIONS:
            continue  # as combine() counts what moves
        label = str(model._meta.verbose_name_plural)
        singular[label] = str(model._meta.verbose_name)
        found = model._default_manager.filter(**{relation.field.name: paper}).count()
        counts[label] = counts.get(label, 0) + found
    return counts, singular
