"""Keeping takeaways in step with the library, and choosing the one a reader sees.

Every paper with an abstract gets the extractive takeaway (tldr.py), and a paper whose authors
wrote a TL;DR for it (OpenReview asks for one) gets theirs; with an endpoint configured it also
gets the language model's (llm.py), asked for in parallel threads and cached per paper and
model. A takeaway is current while the hash of what it was made from is unchanged (the extractor's
version with the title and abstract, or the model's prompt), so re-running is cheap and an
interrupted run carries on. When the model fails, the extractive takeaway stands and the next run
asks again. A paper with a person's takeaway is left alone: a person's text always wins.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from paperhaul.enrich import sentences
from paperhaul.enrich.llm import LLMClient, prompt_text
from paperhaul.enrich.models import Takeaway
from paperhaul.enrich.scope import Scope
from paperhaul.enrich.tldr import EXTRACTOR, Summary, capitalise, summarise
from paperhaul.errors import PaperhaulError
from paperhaul.papers.models import Paper, SourceRecord

BATCH = 200
LLM_BATCH = 20  # model calls are slow: smaller batches commit (and show progress) more often
MAX_KEPT_ERRORS = 20
EXTRACTIVE, LLM, PERSON = Takeaway.Method.EXTRACTIVE, Takeaway.Method.LLM, Takeaway.Method.PERSON
AUTHORS = Takeaway.Method.AUTHORS
# The source whose records carry the authors' TL;DR (papers/ingest/openreview.py), and the
# ``model`` its takeaways are stored under.
AUTHORS_SOURCE = "openreview"


@dataclass
class TakeawayStats:
    extractive: int = 0
    authors: int = 0
    llm: int = 0
    fallback: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = (
            f"takeaways: extractive {self.extractive} / authors' TL;DR {self.authors} / "
            f"language model {self.llm} / fell back to extractive {self.fallback} / "
            f"unchanged {self.unchanged}"
        )
        return line + (f" (first error: {self.errors[0]})" if self.errors else "")

    def as_json(self) -> dict:
        return {
            "extractive": self.extractive,
            "authors": self.authors,
            "llm": self.llm,
            "fallback": self.fallback,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def input_hash(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def pending_count(scope: Scope, llm: LLMClient | None = None) -> int:
    where, params = _pending_sql(scope, llm)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {where}", params)
        return cursor.fetchone()[0]


def write_takeaways(
    scope: Scope | None = None,
    *,
    llm: LLMClient | None = None,
    progress: Callable[[int], None] | None = None,
) -> TakeawayStats:
    """Make the missing and stale takeaways of the papers in scope (with ``llm``, its ones too)."""
    scope = scope or Scope()
    stats = TakeawayStats()
    where, params = _pending_sql(scope, llm)
    below, done = None, 0
    while True:
        keyset, extra = ("", []) if below is None else (" AND p.id < %s", [below])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.id, p.title, p.abstract {where}{keyset} ORDER BY p.id DESC LIMIT %s",
                [*params, *extra, BATCH if llm is None else LLM_BATCH],
            )
            rows = cursor.fetchall()
        if not rows:
            break
        below = rows[-1][0]
        touched = _extractive_batch(rows, stats, force=scope.force)
        touched |= _authors_batch(rows, stats, force=scope.force)
        if llm is not None:
            touched |= _llm_batch(llm, rows, stats, force=scope.force)
        stats.unchanged += len(rows) - len(touched)
        done += len(rows)
        if progress:
            progress(done)
    return stats


def _pending_sql(scope: Scope, llm: LLMClient | None) -> tuple[str, list]:
    table = Takeaway._meta.db_table
    since, since_params = scope.sql()
    joins = f" LEFT JOIN {table} x ON x.paper_id = p.id AND x.method = %s AND x.model = %s"
    params: list = [EXTRACTIVE, EXTRACTOR]
    stale = "x.id IS NULL OR x.generated_at < p.modified_at"
    if llm is not None:
        joins += f" LEFT JOIN {table} l ON l.paper_id = p.id AND l.method = %s AND l.model = %s"
        params += [LLM, llm.model]
        stale += " OR l.id IS NULL OR l.generated_at < p.modified_at"
    current = "" if scope.force else f" AND ({stale})"
    where = (
        f"FROM {Paper._meta.db_table} p{joins} WHERE p.abstract <> ''"
        f" AND NOT EXISTS (SELECT 1 FROM {table} h WHERE h.paper_id = p.id AND h.method = %s)"
        f"{current}{since}"
    )
    return where, [*params, PERSON, *since_params]


def _known(ids: list[int], method: str, model: str) -> dict[int, str]:
    rows = Takeaway.objects.filter(paper_id__in=ids, method=method, model=model)
    return dict(rows.values_list("paper_id", "input_hash"))


def _extractive_batch(rows: list[tuple], stats: TakeawayStats, *, force: bool) -> set[int]:
    """Extract what is missing or stale; returns the papers given a new text."""
    known = _known([r[0] for r in rows], EXTRACTIVE, EXTRACTOR)
    made: dict[int, tuple[Summary, str]] = {}
    unchanged = []
    for pid, title, abstract in rows:
        digest = input_hash(EXTRACTOR, title, abstract)
        if not force and known.get(pid) == digest:
            unchanged.append(pid)
            continue
        summary = summarise(abstract)
        if summary is not None:
            made[pid] = (summary, digest)
    current = {*made, *unchanged}
    stale = [pid for pid, _, _ in rows if pid not in current]
    _save(EXTRACTIVE, EXTRACTOR, {pid: (s, d, "") for pid, (s, d) in made.items()}, unchanged)
    # Earlier rules' texts, and the text of an abstract that no longer has a sentence to take.
    Takeaway.objects.filter(paper_id__in=[*made, *stale], method=EXTRACTIVE).exclude(
        paper_id__in=list(made), model=EXTRACTOR
    ).delete()
    stats.extractive += len(made)
    return set(made)


def _authors_batch(rows: list[tuple], stats: TakeawayStats, *, force: bool) -> set[int]:
    """Take the authors' TL;DR of the papers that have one; returns the papers given a new text.
    A TL;DR the source no longer gives is removed."""
    ids = [row[0] for row in rows]
    records = SourceRecord.objects.filter(paper_id__in=ids, source=AUTHORS_SOURCE)
    given = {}
    for pid, data in records.values_list("paper_id", "data"):
        tldr = data.get("tldr") if isinstance(data, dict) else None
        if isinstance(tldr, str) and (text := capitalise(sentences.clean(tldr))):
            given[pid] = text
    known = _known(ids, AUTHORS, AUTHORS_SOURCE)
    made, unchanged = {}, []
    for pid, text in given.items():
        digest = input_hash(AUTHORS_SOURCE, text)
        if not force and known.get(pid) == digest:
            unchanged.append(pid)
        else:
            made[pid] = (Summary(text, ()), digest, "")
    _save(AUTHORS, AUTHORS_SOURCE, made, unchanged)
    Takeaway.objects.filter(paper_id__in=[pid for pid in ids if pid not in given], method=AUTHORS).delete()
    stats.authors += len(made)
    return set(made)


def _llm_batch(llm: LLMClient, rows: list[tuple], stats: TakeawayStats, *, force: bool) -> set[int]:
    """Ask the model for what is missing or stale; returns the papers it was asked about."""
    known = _known([r[0] for r in rows], LLM, llm.model)
    todo, unchanged = [], []
    for pid, title, abstract in rows:
        prompt = prompt_text(title, abstract)
        digest = input_hash(llm.model, prompt)
        if not force and known.get(pid) == digest:
            unchanged.append(pid)
        else:
            todo.append((pid, title, abstract, prompt, digest))

    def ask(item: tuple) -> Summary | PaperhaulError:
        _, title, abstract, _, _ = item
        try:
            return llm.summarise(title, abstract)
        except PaperhaulError as error:
            return error

    with ThreadPoolExecutor(max_workers=llm.config.concurrency) as pool:
        answers = list(pool.map(ask, todo))
    made = {}
    for (pid, _, _, prompt, digest), answer in zip(todo, answers, strict=True):
        if isinstance(answer, PaperhaulError):
            stats.fallback += 1
            if len(stats.errors) < MAX_KEPT_ERRORS:
                stats.errors.append(str(answer))
        else:
            made[pid] = (answer, digest, prompt)
    _save(LLM, llm.model, made, unchanged)
    stats.llm += len(made)
    return {item[0] for item in todo}


def _save(method: str, model: str, made: dict[int, tuple[Summary, str, str]], unchanged: list[int]) -> None:
    """Write new texts (replacing older ones of the same method and model) and mark the rest current."""
    with transaction.atomic():
        Takeaway.objects.bulk_create(
            [
                Takeaway(
                    paper_id=pid,
                    method=method,
                    model=model,
                    text=summary.takeaway,
                    closer_look=list(summary.closer_look),
                    prompt=prompt,
                    input_hash=digest,
                )
                for pid, (summary, digest, prompt) in made.items()
            ],
            update_conflicts=True,
            unique_fields=["paper", "method", "model"],
            update_fields=["text", "closer_look", "prompt", "input_hash", "generated_at"],
        )
        if unchanged:
            Takeaway.objects.filter(paper_id__in=unchanged, method=method, model=model).update(
                generated_at=timezone.now()
            )


def write_by_person(paper: Paper, text: str, closer_look: Iterable[str] = ()) -> Takeaway:
    """A person's takeaway: shown from now on, and never replaced by a generated one."""
    row, _ = Takeaway.objects.update_or_create(
        paper=paper,
        method=PERSON,
        model="",
        defaults={"text": text.strip(), "closer_look": [s.strip() for s in closer_look if s.strip()]},
    )
    return row


def shown(paper_ids: Iterable[int], llm_model: str | None = None) -> dict[int, Takeaway]:
    """The takeaway a reader sees, per paper: a person's, else the authors' TL;DR, else the
    configured model's (or ``llm_model``'s), else another model's (the newest), else the
    extractive one.

    Ranked here rather than in SQL: every page of papers asks, and a plain query of a few rows
    a paper costs a fraction of building one with the ranking in it.
    """
    if llm_model is None:
        from django.conf import settings

        llm_model = settings.PAPERHAUL_LLM_MODEL

    def rank(row: Takeaway) -> tuple[int, float]:
        if row.method == PERSON:
            place = 0
        elif row.method == AUTHORS:
            place = 1
        elif row.method == LLM:
            place = 2 if row.model == llm_model else 3
        else:
            place = 4
        return place, -row.generated_at.timestamp()

    chosen: dict[int, Takeaway] = {}
    # The prompt is thousands of characters a paper that no page shows.
    for row in Takeaway.objects.filter(paper_id__in=list(paper_ids)).defer("prompt"):
        best = chosen.get(row.paper_id)
        if best is None or rank(row) < rank(best):
            chosen[row.paper_id] = row
    return chosen
