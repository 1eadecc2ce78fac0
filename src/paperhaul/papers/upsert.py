"""The one service that merges PaperRecords into the library.

Records are written in batches, each inside one transaction, so an interrupted import leaves
the library consistent and the next run carries on: what was committed is recognised by its
source record's payload hash and counted as unchanged. Within a batch, records that touch
nothing known (the bulk of a first import) take the fast path of bulk.py; the others are merged
one by one (merge.py rules). Two items with different keys whose titles normalise alike, or that
claim the same alias, are reported as possible duplicates and never merged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from paperhaul.errors import RecordError
from paperhaul.papers.bulk import BulkWriter, select_in
from paperhaul.papers.duplicates import report
from paperhaul.papers.lookup import category_names
from paperhaul.papers.merge import merge_into
from paperhaul.papers.models import (
    Category,
    Identifier,
    Paper,
    PaperCategory,
    SourceRecord,
)
from paperhaul.papers.prepared import Prepared, prepare, to_record, utc_text
from paperhaul.papers.records import PaperRecord, ParsedRecord
from paperhaul.papers.signals import import_finished, library_changed

logger = logging.getLogger(__name__)

MAX_KEPT_ERRORS = 50


@dataclass
class ImportStats:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    possible_duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    # Every record is written; the indexes' upkeep is left (set for the last progress report).
    finishing: bool = False

    @property
    def processed(self) -> int:
        return self.added + self.updated + self.unchanged + self.failed

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> str:
        line = (
            f"added {self.added} / updated {self.updated} / unchanged {self.unchanged} / failed {self.failed}"
        )
        if self.possible_duplicates:
            line += f" ({self.possible_duplicates} possible duplicates reported)"
        return line

    def as_json(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "possible_duplicates": self.possible_duplicates,
            "errors": self.errors,
        }


class Library:
    """Writes records into the library; one instance per import run."""

    def __init__(self, batch_size: int | None = None) -> None:
        self.batch_size = batch_size or settings.PAPERHAUL_IMPORT_BATCH
        self.bulk = BulkWriter()
        self.stats = ImportStats()

    def upsert(
        self,
        items: Iterable[ParsedRecord | Prepared],
        *,
        skip_bad: bool = False,
        on_batch: Callable[[ImportStats], None] | None = None,
    ) -> ImportStats:
        """Merge every record; a bad one stops the run (raised) unless ``skip_bad``.

        Items may come prepared already (by a parsing worker, see prepared.py).
        """
        try:
            self._upsert_all(items, skip_bad, on_batch)
        except BaseException:
            # Stopped (Ctrl-C, a bad record): the indexes' upkeep below still runs, and may be long.
            self._report_finishing(on_batch, quietly=True)
            raise
        else:
            self._report_finishing(on_batch)
        finally:
            _tell(import_finished, added=self.stats.added)
        if self.stats.added or self.stats.updated:
            transaction.on_commit(partial(announce_change, self.stats.added))
        return self.stats

    def _report_finishing(
        self, on_batch: Callable[[ImportStats], None] | None, *, quietly: bool = False
    ) -> None:
        """The last progress report: every record is written (or the run stopped), the indexes'
        upkeep is left. ``quietly``: a failing report must not hide why the run stopped."""
        self.stats.finishing = True
        if on_batch is None:
            return
        try:
            on_batch(self.stats)
        except Exception:
            if not quietly:
                raise

    def _upsert_all(
        self,
        items: Iterable[ParsedRecord | Prepared],
        skip_bad: bool,
        on_batch: Callable[[ImportStats], None] | None,
    ) -> None:
        fetched_at = utc_text(timezone.now())
        batch: list[Prepared] = []
        for item in items:
            if isinstance(item, RecordError):
                if not skip_bad:
                    raise item
                self.stats.failed += 1
                if len(self.stats.errors) < MAX_KEPT_ERRORS:
                    self.stats.errors.append(str(item))
                continue
            batch.append(item if isinstance(item, Prepared) else prepare(item, fetched_at))
            if len(batch) >= self.batch_size:
                self.write_batch(batch)
                batch = []
                if on_batch:
                    on_batch(self.stats)
        if batch:
            self.write_batch(batch)

    def upsert_one(self, record: PaperRecord) -> tuple[Paper, str]:
        """Merge one record now; returns the paper and "added", "updated" or "unchanged"."""
        with transaction.atomic():
            paper, outcome = self._merge_one(record)
        self.stats.count(outcome)
        if outcome != "unchanged":
            transaction.on_commit(partial(announce_change, int(outcome == "added")))
        return paper, outcome

    def write_batch(self, batch: list[Prepared]) -> None:
        with transaction.atomic():
            self._write(batch)

    def _write(self, batch: list[Prepared]) -> None:
        seen: set[tuple[str, str]] = set()
        first, later = [], []
        for record in batch:
            ident = (record.source, record.source_id)
            (later if ident in seen else first).append(record)
            seen.add(ident)
        self._write_unique(first)
        if later:
            self._write(later)

    def _write_unique(self, records: list[Prepared]) -> None:
        known_sources = self._source_hashes(records)
        pending = [r for r in records if known_sources.get((r.source, r.source_id)) != r.payload_hash]
        self.stats.unchanged += len(records) - len(pending)
        if not pending:
            return
        with connection.cursor() as cursor:
            wanted = {k for r in pending for k in (r.key, *r.aliases, f"title:{r.title_norm}")}
            known_keys = {k for k, _ in select_in(cursor, Identifier, "id", "key", sorted(wanted))}
            norms = sorted({r.title_norm for r in pending if r.title_norm})
            known_norms = {n for n, _ in select_in(cursor, Paper, "id", "title_norm", norms)}
        fast, slow = [], []
        claimed_keys: set[str] = set()
        claimed_norms: set[str] = set()
        for record in pending:
            keys = (record.key, *record.aliases, f"title:{record.title_norm}")
            if (
                (record.source, record.source_id) in known_sources
                or record.title_norm in known_norms
                or record.title_norm in claimed_norms
                or any(k in known_keys or k in claimed_keys for k in keys)
            ):
                slow.append(record)
            else:
                fast.append(record)
                claimed_keys.update(keys)
                claimed_norms.add(record.title_norm)
        self.bulk.insert(fast)
        self.stats.added += len(fast)
        for record in slow:
            _, outcome = self._merge_one(to_record(record))
            self.stats.count(outcome)

    def _source_hashes(self, records: list[Prepared]) -> dict[tuple[str, str], str]:
        by_source: dict[str, list[str]] = {}
        for record in records:
            by_source.setdefault(record.source, []).append(record.source_id)
        found = {}
        with connection.cursor() as cursor:
            for source, source_ids in by_source.items():
                rows = select_in(
                    cursor,
                    SourceRecord,
                    "payload_hash",
                    "source_id",
                    source_ids,
                    equal=("source", source),
                )
                found.update(((source, sid), digest) for sid, digest in rows)
        return found

    def _merge_one(self, record: PaperRecord) -> tuple[Paper, str]:
        prepared = prepare(record, utc_text(timezone.now()))
        norm, aliases = prepared.title_norm, prepared.aliases
        paper = self._find(record, norm, aliases)
        if paper is None:
            # Aliases are claimed below: one that another paper holds is reported, not inserted.
            self.bulk.insert([prepared.without_aliases()])
            paper = Paper.objects.get(key=record.key)
            outcome = "added"
        else:
            changed = self._update(paper, record)
            changed = self._record_source(paper, record) or changed
            outcome = "updated" if changed else "unchanged"
        self._claim_identifiers(paper, [record.key, *aliases])
        self._report_duplicates(paper)
        return paper, outcome

    def _find(self, record: PaperRecord, norm: str, aliases: tuple[str, ...]) -> Paper | None:
        found = dict(Identifier.objects.filter(key__in=[record.key, *aliases]).values_list("key", "paper_id"))
        paper_id = found.get(record.key) or next((found[a] for a in aliases if a in found), None)
        if paper_id is not None:
            return Paper.objects.get(pk=paper_id)
        if not norm:
            return None
        if record.key.startswith("title:"):
            matches = list(Paper.objects.filter(title_norm=norm).exclude(key__startswith="title:")[:2])
            return matches[0] if len(matches) == 1 else None
        # A paper so far known only by its title becomes this record's paper, under the real key.
        return Paper.objects.filter(key=f"title:{norm}").first()

    def _update(self, paper: Paper, record: PaperRecord) -> bool:
        changed, categories = merge_into(paper, record)
        if paper.key.startswith("title:") and not record.key.startswith("title:"):
            paper.key = record.key
            changed.add("key")
        if changed:
            paper.save()
        if categories is not None:
            changed.update(set_categories(paper, categories))
        return bool(changed - {"trust"})

    def _claim_identifiers(self, paper: Paper, keys: list[str]) -> None:
        for key in dict.fromkeys(keys):
            if key.startswith("title:") and key != paper.key:
                continue
            owner = Identifier.objects.filter(key=key).values_list("paper_id", flat=True).first()
            if owner is None:
                Identifier.objects.create(key=key, paper=paper)
            elif owner != paper.pk:
                self._report(paper.pk, owner, f"both resolve {key}")

    def _record_source(self, paper: Paper, record: PaperRecord) -> bool:
        existing = SourceRecord.objects.filter(source=record.source, source_id=record.source_id).first()
        fetched = record.fetched_at or timezone.now()
        if existing is None:
            SourceRecord.objects.create(
                paper=paper,
                source=record.source,
                source_id=record.source_id,
                fetched_at=fetched,
                payload_hash=record.payload_hash,
                data=record.extra,
            )
            # Another source naming the paper changes it only when it says more than the paper
            # (upvotes, the blog that linked it): an export imported again changes nothing.
            return bool(record.extra)
        changed = existing.data != record.extra or existing.paper_id != paper.pk
        existing.paper = paper
        existing.payload_hash = record.payload_hash
        existing.data = record.extra
        existing.fetched_at = fetched
        existing.save()
        return changed

    def _report_duplicates(self, paper: Paper) -> None:
        if not paper.title_norm:
            return
        others = Paper.objects.filter(title_norm=paper.title_norm).exclude(pk=paper.pk)
        for other_id in others.values_list("id", flat=True)[:20]:
            self._report(paper.pk, other_id, "same normalised title")

    def _report(self, one: int, two: int, reason: str) -> None:
        if report(one, two, reason):
            self.stats.possible_duplicates += 1


def set_categories(paper: Paper, names: list[str]) -> set[str]:
    """Replace the paper's categories; returns {"categories"} when they changed."""
    current = category_names(paper)
    if current == names:
        return set()
    PaperCategory.objects.filter(paper=paper).delete()
    Category.objects.bulk_create([Category(name=n) for n in names], ignore_conflicts=True)
    by_name = dict(Category.objects.filter(name__in=names).values_list("name", "id"))
    PaperCategory.objects.bulk_create(PaperCategory(paper=paper, category_id=by_name[n]) for n in names)
    return {"categories"}


def announce_change(added: int) -> None:
    """Tell search and enrichment that papers were added (``added`` of them) or changed."""
    _tell(library_changed, added=added)


def _tell(signal, **kwargs) -> None:
    """Tell the other apps; what fails there (queueing a task...) is logged, the import stands."""
    for receiver, outcome in signal.send_robust(sender=Library, **kwargs):
        if isinstance(outcome, Exception):
            logger.warning("after the import, %s failed: %s", receiver.__qualname__, outcome)
