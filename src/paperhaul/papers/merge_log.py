"""What a merge changed, written down so that a curator can undo it (papers/unmerge.py).

Before a merge moves anything, `rows_of(keep, absorb)` serialises the two papers and every row that
points at them (Django's serialised form, the one fixtures use, so any app's rows are kept without
this module knowing them); after it, `rows_of(keep)` those of the kept paper. The `Merge` record
keeps only what differs between the two: the absorbed paper's rows (moved, folded or deleted) and
the kept paper's rows the merge added, changed or deleted. A paper sent in ten thousand digests
stores none of its digest entries, which the merge left as they were.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core import serializers
from django.db import models

from paperhaul.papers.models import Merge, Paper

Row = dict[str, Any]  # {"model": "app_label.model_name", "pk": ..., "fields": {...}}
Rows = dict[tuple[str, str], Row]


def relations() -> list[models.ForeignObjectRel]:
    """Every foreign key to Paper, those without a reverse accessor (``related_name="+"``) included."""
    fields = Paper._meta.get_fields(include_hidden=True)
    return [f for f in fields if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)]


def in_words(counts: dict[str, int], singular: dict[str, str]) -> list[str]:
    """Counts of rows by kind (the model's plural name) in words: "1 vote", "2 comments"."""
    return [
        f"{count} {singular.get(label, label) if count == 1 else label}"
        for label, count in counts.items()
        if count
    ]


def identity(row: Row) -> tuple[str, str]:
    return row["model"], str(row["pk"])


def serialised(objects: list[models.Model]) -> Rows:
    rows = json.loads(serializers.serialize("json", objects))
    return {identity(row): row for row in rows}


def rows_of(*papers: Paper) -> Rows:
    """The papers and every row that points at them, by (model, primary key)."""
    ids = [paper.pk for paper in papers]
    objects: list[models.Model] = list(Paper.objects.filter(pk__in=ids).order_by("pk"))
    for relation in relations():
        manager = relation.related_model._default_manager
        objects += manager.filter(**{f"{relation.field.name}__in": ids}).order_by("pk")
    return serialised(objects)


def record(
    before: Rows, after: Rows, *, kept: Paper, absorbed_id: int, summary: str, by: AbstractBaseUser | None
) -> Merge:
    """Keep what the merge changed: the rows whose serialised form differs before and after it. The
    two items are named by their keys before the merge (a title-only item kept takes the other's)."""
    absorbed = before[("papers.paper", str(absorbed_id))]["fields"]
    return Merge.objects.create(
        kept_id=kept.pk,
        absorbed_id=absorbed_id,
        kept_key=before[("papers.paper", str(kept.pk))]["fields"]["key"],
        absorbed_key=absorbed["key"],
        absorbed_title=absorbed["title"],
        summary=summary,
        before=[row for key, row in before.items() if after.get(key) != row],
        after=[row for key, row in after.items() if before.get(key) != row],
        by=by,
    )


def describe(merge: Merge) -> dict[str, Any]:
    """A merge as the command line and the API list it."""
    return {
        "id": merge.pk,
        "created_at": merge.created_at,
        "by": merge.by.get_username() if merge.by else None,
        "key": merge.kept_key,
        "absorbed": merge.absorbed_key,
        "absorbed_title": merge.absorbed_title,
        "summary": merge.summary,
        "undone_at": merge.undone_at,
        "undone_by": merge.undone_by.get_username() if merge.undone_by else None,
    }


def forget_account(sender: type[models.Model], instance: models.Model, **_: object) -> None:
    """Receiver of post_delete for accounts: the copies that merge records keep follow the rules the
    live rows followed, so nothing of a deleted account outlives it there. A row that pointed at
    the account with CASCADE is dropped from the records (a vote, a saved paper and its note), a
    field with SET_NULL is emptied (the author of a comment)."""
    for merge in Merge.objects.only("before", "after"):
        before = _without_account(merge.before, sender, instance.pk)
        after = _without_account(merge.after, sender, instance.pk)
        if before != merge.before or after != merge.after:
            Merge.objects.filter(pk=merge.pk).update(before=before, after=after)


def _without_account(rows: list[Row], account_model: type[models.Model], pk: Any) -> list[Row]:
    kept = []
    for row in rows:
        try:
            model = apps.get_model(row["model"])
        except (LookupError, ValueError):
            kept.append(row)
            continue
        fields = dict(row["fields"])
        dropped = False
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model is account_model and fields.get(fk.name) == pk:
                if fk.remote_field.on_delete is models.CASCADE:
                    dropped = True
                elif fk.remote_field.on_delete is models.SET_NULL:
                    fields[fk.name] = None
        if not dropped:
            kept.append({**row, "fields": fields})
    return kept
