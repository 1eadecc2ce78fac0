"""Keeping takeaways in step with the library, and choosing the one a reader sees.

Every paper with an abstract gets the extractive takeaway (tldr.py), and a paper whose sources
give a TL;DR gets it (the authors' own from OpenReview, Semantic Scholar's: source_tldrs.py); with
an endpoint configured it also gets the language model's (llm.py), asked for in parallel threads
and cached per paper and model. A takeaway is current while the hash of what it was made from is
unchanged (the extractor's version with the title and abstract, or the model's prompt), so
re-running is cheap and an interrupted run carries on. When the model fails, the extractive
takeaway stands and the next run asks again. A paper with a person's takeaway is left alone: a
person's text always wins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection

from paperhaul.enrich.llm import LLMClient, prompt_text
from paperhaul.enrich.models import Takeaway
from paperhaul.enrich.scope import Scope
from paperhaul.enrich.source_tldrs import take_source_tldrs
from paperhaul.enrich.takeaway_store import input_hash, known_hashes, save_texts
from paperhaul.enrich.tldr import EXTRACTOR, Summary, summarise
from paperhaul.errors import PaperhaulError
from paperhaul.papers.models import Paper

BATCH = 200
LLM_BATCH = 20  # model calls are slow: smaller batches commit (and show progress) more often
MAX_KEPT_ERRORS = 20
EXTRACTIVE, LLM, PERSON = Takeaway.Method.EXTRACTIVE, Takeaway.Method.LLM, Takeaway.Method.PERSON
AUTHORS, SEMANTIC_SCHOLAR = Takeaway.Method.AUTHORS, Takeaway.Method.SEMANTIC_SCHOLAR


@dataclass
class TakeawayStats:
    extractive: int = 0
    authors: int = 0
    semantic_scholar: int = 0
    llm: int = 0
    fallback: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = (
            f"takeaways: extractive {self.extractive} / authors' TL;DR {self.authors} / "
            f"Semantic Scholar's TL;DR {self.semantic_scholar} / language model {self.llm} / "
            f"fell back to extractive {self.fallback} / unchanged {self.unchanged}"
        )
        return line + (f" (first error: {self.errors[0]})" if self.errors else "")

    def as_json(self) -> dict:
        return {
            "extractive": self.extractive,
            "authors": self.authors,
            "semantic_scholar": self.semantic_scholar,
            "llm": self.llm,
            "fallback": self.fallback,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


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
    """Take the sources' new TL;DRs, then make the missing and stale takeaways of the papers in
    scope (with ``llm``, its ones too)."""
    scope = scope or Scope()
    stats = TakeawayStats()
    taken = take_source_tldrs(force=scope.force)
    stats.authors, stats.semantic_scholar = taken[AUTHORS], taken[SEMANTIC_SCHOLAR]
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


def _extractive_batch(rows: list[tuple], stats: TakeawayStats, *, force: bool) -> set[int]:
    """Extract what is missing or stale; returns the papers given a new text."""
    known = known_hashes([r[0] for r in rows], EXTRACTIVE, EXTRACTOR)
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
    save_texts(EXTRACTIVE, EXTRACTOR, {pid: (s, d, "") for pid, (s, d) in made.items()}, unchanged)
    # Earlier rules' texts, and the text of an abstract that no longer has a sentence to take.
    Takeaway.objects.filter(paper_id__in=[*made, *stale], method=EXTRACTIVE).exclude(
        paper_id__in=list(made), model=EXTRACTOR
    ).delete()
    stats.extractive += len(made)
    return set(made)


def _llm_batch(llm: LLMClient, rows: list[tuple], stats: TakeawayStats, *, force: bool) -> set[int]:
    """Ask the model for what is missing or stale; returns the papers it was asked about."""
    known = known_hashes([r[0] for r in rows], LLM, llm.model)
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
    save_texts(LLM, llm.model, made, unchanged)
    stats.llm += len(made)
    return {item[0] for item in todo}


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
    configured model's (or ``llm_model``'s), else another model's (the newest), else Semantic
    Scholar's TL;DR, else the extractive one.

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
        elif row.method == SEMANTIC_SCHOLAR:
            place = 4
        else:
            place = 5
        return place, -row.generated_at.timestamp()

    chosen: dict[int, Takeaway] = {}
    # The prompt is thousands of characters a paper that no page shows.
    for row in Takeaway.objects.filter(paper_id__in=list(paper_ids)).defer("prompt"):
        best = chosen.get(row.paper_id)
        if best is None or rank(row) < rank(best):
            chosen[row.paper_id] = row
    return chosen
