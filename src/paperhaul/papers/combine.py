"""Making two items of the library one, when a curator says they are one paper.

The library never merges items by itself: near-identical titles and shared identifiers are only
reported (duplicates.py), because an arXiv preprint and a workshop paper of the same name can be
two papers. Once a person confirms that two items are one (an arXiv preprint and its OpenReview or
ACL Anthology version, a blog's link and the paper behind it), `combine` folds one into the other:

- the kept item's fields stand; what it lacks (a DOI, a venue, an abstract, a note) comes from the
  other, which also widens its dates and categories;
- everything that pointed at the other item now points at the kept one: its identifiers (so its
  addresses, its page and later imports lead to the kept item), source records, upvotes, saved
  lists, comments, haul items, digest entries, topics, takeaways. A row the kept item already has
  an equal of (the same reader's upvote, the same topic) is dropped rather than doubled, once the
  apps had their say on `papers_merging` (a reader's notes on both items become one);
- other apps bring over what cannot simply move (community/ adds the counters) on `papers_merged`;
- the other item is deleted, and the search index forgets it;
- what changed is written down (merge_log.py), so that a merge found wrong can be undone (unmerge.py).

A ``title:`` key never wins over a real one: keeping a title-only item takes the other's key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from paperhaul.errors import InputError
from paperhaul.papers import ids, merge_log
from paperhaul.papers.duplicates import report
from paperhaul.papers.ingest.semantic_scholar import SOURCE as COUNTS_SOURCE
from paperhaul.papers.lookup import category_names, find_paper
from paperhaul.papers.merge import SCALAR_FIELDS
from paperhaul.papers.models import Merge, Paper, PaperCategory, PossibleDuplicate, SourceRecord
from paperhaul.papers.signals import papers_merged, papers_merging
from paperhaul.papers.upsert import announce_change, set_categories

# Rows of the papers app that combine() brings over itself: categories keep their order (the primary
# first), reports between the two items go away and the others are re-made in their canonical order.
OWN_RELATIONS = (PaperCategory, PossibleDuplicate)
FIELD_LABELS = {
    "primary_category": "primary category",
    "doi": "DOI",
    "journal_ref": "journal reference",
    "abs_url": "abstract page",
    "pdf_url": "PDF",
    "code_url": "code",
    "published": "first-version date",
    "updated": "latest-version date",
}


@dataclass
class Merged:
    """What a merge did: the kept paper, the key it absorbed, the fields filled in and what moved."""

    kept: Paper
    absorbed_key: str
    filled: list[str] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)
    singular: dict[str, str] = field(default_factory=dict)
    record: Merge | None = None

    @property
    def filled_labels(self) -> list[str]:
        return [FIELD_LABELS.get(name, name) for name in self.filled]

    @property
    def moved_phrases(self) -> list[str]:
        """What moved, in words: "1 vote", "2 comments"."""
        return merge_log.in_words(self.moved, self.singular)

    def summary(self) -> str:
        moved = ", ".join(self.moved_phrases)
        return (
            f"Merged {self.absorbed_key} into {self.kept.key}"
            + (f"; moved {moved}" if moved else "")
            + (f"; filled in {', '.join(self.filled_labels)}" if self.filled else "")
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "merge": self.record.pk if self.record else None,
            "key": self.kept.key,
            "absorbed": self.absorbed_key,
            "filled": self.filled,
            "moved": {label: count for label, count in self.moved.items() if count},
        }


class _DryRun(Exception):
    def __init__(self, merged: Merged) -> None:
        self.merged = merged


def pair(keep: str, other: str) -> tuple[Paper, Paper]:
    """The two papers named by these addresses (any key, URL or exact title); InputError otherwise."""
    found = []
    for text in (keep, other):
        paper = find_paper(text)
        if paper is None:
            raise InputError(f"not in the library: {text[:300]}")
        found.append(paper)
    return found[0], found[1]


def preview(keep: Paper, absorb: Paper) -> Merged:
    """What `combine` would do, found by doing it and rolling it back, so the preview a curator
    confirms cannot differ from the merge."""
    try:
        with transaction.atomic():
            raise _DryRun(combine(keep, absorb))
    except _DryRun as done:
        done.merged.record = None  # rolled back with the rest
        return done.merged


def combine(keep: Paper, absorb: Paper, *, by: AbstractBaseUser | None = None) -> Merged:
    """Fold ``absorb`` into ``keep`` (see the module's docstring) in one transaction, and write down
    what changed so that it can be undone (merge_log.py)."""
    if keep.pk == absorb.pk:
        raise InputError(f"{keep.key} and {absorb.key} are already one item")
    with transaction.atomic():
        keep = Paper.objects.select_for_update().get(pk=keep.pk)
        absorb = Paper.objects.select_for_update().get(pk=absorb.pk)
        absorbed_id, before = absorb.pk, merge_log.rows_of(keep, absorb)
        merged = Merged(kept=keep, absorbed_key=absorb.key)
        merged.filled = _fill_in(keep, absorb)
        _bring_categories(keep, absorb)
        _bring_reports(keep, absorb)
        _drop_second_counts(keep, absorb)
        papers_merging.send(sender=Paper, kept=keep, absorbed=absorb)
        merged.moved, merged.singular = _move_rows(keep, absorb)
        papers_merged.send(sender=Paper, kept=keep, absorbed=absorb)
        absorb.delete()
        if ids.key_kind(keep.key) == "title" and ids.key_kind(merged.absorbed_key) != "title":
            keep.key = merged.absorbed_key
        keep.save()
        merged.record = merge_log.record(
            before,
            merge_log.rows_of(keep),
            kept=keep,
            absorbed_id=absorbed_id,
            summary=merged.summary(),
            by=by,
        )
        if by is not None:
            LogEntry.objects.log_actions(
                by.pk, [keep], CHANGE, change_message=merged.summary(), single_object=True
            )
        transaction.on_commit(lambda: announce_change(0))
    return merged


def _fill_in(keep: Paper, absorb: Paper) -> list[str]:
    """Give ``keep`` what it lacks from ``absorb``; a field taken from a person's edit stays marked edited."""
    filled, edited = [], set(keep.edited_fields or [])
    absorb_edited = set(absorb.edited_fields or [])
    for name in (*SCALAR_FIELDS, "authors", "versions"):
        if name in edited or getattr(keep, name) not in ("", [], None):
            continue
        value = getattr(absorb, name)
        if value not in ("", [], None):
            setattr(keep, name, value)
            filled.append(name)
            if name in absorb_edited:
                edited.add(name)
    if absorb.note and absorb.note not in keep.note:
        keep.note = f"{keep.note}\n\n{absorb.note}".strip()
        filled.append("note")
        edited.add("note")
    if (
        absorb.published
        and "published" not in edited
        and (not keep.published or absorb.published < keep.published)
    ):
        keep.published = absorb.published
        filled.append("published")
    if absorb.updated and "updated" not in edited and (not keep.updated or absorb.updated > keep.updated):
        keep.updated = absorb.updated
        filled.append("updated")
    keep.trust = max(keep.trust, absorb.trust)
    keep.edited_fields = sorted(edited)
    if "title" in filled:
        keep.title_norm = ids.normalise_title(keep.title)
    return filled


def _bring_categories(keep: Paper, absorb: Paper) -> None:
    """The kept paper's categories in their order, then those only the other had."""
    if "categories" in (keep.edited_fields or []):
        return
    set_categories(keep, list(dict.fromkeys([*category_names(keep), *category_names(absorb)])))


def _bring_reports(keep: Paper, absorb: Paper) -> None:
    """Reports between the two go (they are answered); the other's reports with third items become
    the kept paper's, with their status (a dismissed one stays dismissed)."""
    theirs = PossibleDuplicate.objects.filter(models.Q(paper=absorb) | models.Q(other=absorb))
    for row in list(theirs):
        third = row.other_id if row.paper_id == absorb.pk else row.paper_id
        if third != keep.pk and report(keep.pk, third, row.reason) and row.status != row.Status.OPEN:
            low, high = sorted((keep.pk, third))
            PossibleDuplicate.objects.filter(paper_id=low, other_id=high).update(status=row.status)
    theirs.delete()


def _drop_second_counts(keep: Paper, absorb: Paper) -> None:
    """One paper has one citation count: the kept paper's, else the other's, renamed to it (the
    record is named by the library's key, so the next pass updates it in place)."""
    counts = SourceRecord.objects.filter(source=COUNTS_SOURCE)
    if counts.filter(paper=keep).exists():
        counts.filter(paper=absorb).delete()
    else:
        counts.filter(paper=absorb).update(source_id=keep.key)


def _move_rows(keep: Paper, absorb: Paper) -> tuple[dict[str, int], dict[str, str]]:
    """Point every row of another model at ``keep``; returns how many moved by kind (the model's
    plural name), and the kinds' singular names."""
    moved: dict[str, int] = {}
    singular: dict[str, str] = {}
    for relation in merge_log.relations():
        model = relation.related_model
        if relation.one_to_one or model in OWN_RELATIONS:
            continue  # one row per paper: the kept paper's stands, the other's goes with it
        name = relation.field.name
        rows = model._default_manager.filter(**{name: absorb})
        doubles = [row.pk for row in rows if _has_equal(model, name, row, keep)]
        model._default_manager.filter(pk__in=doubles).delete()
        label = str(model._meta.verbose_name_plural)
        singular[label] = str(model._meta.verbose_name)
        moved[label] = moved.get(label, 0) + rows.update(**{name: keep})
    return moved, singular


def _has_equal(model: type[models.Model], name: str, row: models.Model, keep: Paper) -> bool:
    """Whether ``keep`` already has a row that a unique constraint would not let ``row`` join."""
    for fields in _unique_with(model, name):
        values = {other: getattr(row, model._meta.get_field(other).attname) for other in fields}
        if None not in values.values() and model._default_manager.filter(**{name: keep}, **values).exists():
            return True
    return False


def _unique_with(model: type[models.Model], name: str) -> list[list[str]]:
    """The other fields of each unique constraint of ``model`` that includes the field ``name``."""
    sets = [list(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    sets += [list(together) for together in model._meta.unique_together]
    return [[f for f in fields if f != name] for fields in sets if name in fields]
