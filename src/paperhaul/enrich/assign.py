"""Giving the library's papers their topics (rules in topics.py), and recording a person's choice.

Papers are visited newest first in committed batches, so an interrupted run keeps what it did and
the next one carries on. A paper is skipped while its decision is current: made after the paper
last changed, for the same taxonomy, on the same kind of evidence (a vector that arrived since
makes a decision made from words stale). Papers with a person's topics are never changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from paperhaul.enrich.evidence import Evidence, gather, vectors_of
from paperhaul.enrich.models import PaperTopic, Topic, TopicState
from paperhaul.enrich.scope import Scope
from paperhaul.enrich.topics import PERSON, Choice
from paperhaul.papers.models import Paper, PaperCategory
from paperhaul.search.models import Embedding

BATCH = 500


@dataclass
class TopicStats:
    decided: int = 0
    changed: int = 0
    kept_person: int = 0
    without_topic: int = 0
    by_source: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        sources = ", ".join(f"{n} by {source}" for source, n in sorted(self.by_source.items()))
        return (
            f"topics: decided {self.decided} ({self.changed} changed{', ' + sources if sources else ''})"
            f" / person's kept {self.kept_person} / without topic {self.without_topic}"
        )

    def as_json(self) -> dict:
        return {
            "decided": self.decided,
            "changed": self.changed,
            "kept_person": self.kept_person,
            "without_topic": self.without_topic,
            "by_source": dict(sorted(self.by_source.items())),
        }


def taxonomy() -> list[Topic]:
    return list(Topic.objects.all())


def pending_count(scope: Scope, evidence: Evidence | None = None) -> int:
    evidence = evidence or gather(taxonomy())
    if not evidence.taxonomy:
        return 0
    where, params = _pending_sql(scope, evidence)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {where}", params)
        return cursor.fetchone()[0]


def assign_topics(
    scope: Scope | None = None,
    *,
    evidence: Evidence | None = None,
    progress: Callable[[int], None] | None = None,
) -> TopicStats:
    """Decide the topics of every paper in scope whose decision is not current."""
    scope = scope or Scope()
    evidence = evidence or gather(taxonomy())
    stats = TopicStats()
    if not evidence.taxonomy:
        return stats
    where, params = _pending_sql(scope, evidence)
    below = None
    while True:
        keyset, extra = ("", []) if below is None else (" AND p.id < %s", [below])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.id, p.title, p.abstract, p.primary_category {where}{keyset}"
                " ORDER BY p.id DESC LIMIT %s",
                [*params, *extra, BATCH],
            )
            rows = cursor.fetchall()
        if not rows:
            break
        below = rows[-1][0]
        _decide_batch(evidence, rows, stats)
        if progress:
            progress(stats.decided + stats.kept_person)
    return stats


def _pending_sql(scope: Scope, evidence: Evidence) -> tuple[str, list]:
    since, since_params = scope.sql()
    current = (
        ""
        if scope.force
        else " AND (s.id IS NULL OR s.decided_at < p.modified_at"
        " OR s.basis <> (CASE WHEN e.id IS NULL THEN %s ELSE %s END))"
    )
    basis_params = [] if scope.force else [evidence.basis(False), evidence.basis(True)]
    sql = (
        f"FROM {Paper._meta.db_table} p"
        f" LEFT JOIN {TopicState._meta.db_table} s ON s.paper_id = p.id"
        f" LEFT JOIN {Embedding._meta.db_table} e ON e.paper_id = p.id AND e.model = %s"
        f" WHERE 1 = 1{current}{since}"
    )
    return sql, [evidence.model_id or "", *basis_params, *since_params]


def _decide_batch(evidence: Evidence, rows: list[tuple], stats: TopicStats) -> None:
    ids = [row[0] for row in rows]
    categories: dict[int, list[str]] = {}
    for pid, name in PaperCategory.objects.filter(paper_id__in=ids).values_list("paper_id", "category__name"):
        categories.setdefault(pid, []).append(name)
    person = set(
        PaperTopic.objects.filter(paper_id__in=ids, source=PERSON).values_list("paper_id", flat=True)
    )
    vectors = vectors_of(evidence.model_id, ids) if evidence.model_id else {}
    before: dict[int, set[tuple[int, str]]] = {}
    for pid, tid, source in PaperTopic.objects.filter(paper_id__in=ids).values_list(
        "paper_id", "topic_id", "source"
    ):
        before.setdefault(pid, set()).add((tid, source))
    decided: dict[int, list[Choice]] = {}
    for pid, title, abstract, primary in rows:
        if pid in person:
            stats.kept_person += 1
            continue
        decided[pid] = evidence.decide(
            pid, title, abstract, primary, categories.get(pid, []), vectors.get(pid)
        )
        stats.decided += 1
        stats.without_topic += not decided[pid]
        stats.changed += {(c.topic_id, c.source) for c in decided[pid]} != before.get(pid, set())
        stats.by_source.update(c.source for c in decided[pid][:1])
    now = timezone.now()
    with transaction.atomic():
        PaperTopic.objects.filter(paper_id__in=list(decided)).exclude(source=PERSON).delete()
        PaperTopic.objects.bulk_create(
            PaperTopic(paper_id=pid, topic_id=c.topic_id, confidence=c.confidence, source=c.source)
            for pid, choices in decided.items()
            for c in choices
        )
        TopicState.objects.filter(paper_id__in=ids).delete()
        TopicState.objects.bulk_create(
            TopicState(paper_id=pid, basis=evidence.basis(pid in vectors), decided_at=now) for pid in ids
        )


def choose_topics(paper: Paper, chosen: Iterable[Topic]) -> None:
    """A person's choice: these are the paper's topics from now on, whatever the evidence says.

    Every automatic topic of the paper goes; no later run adds, changes or removes any (see topics.py).
    An empty choice hands the paper back to the automatic rules.
    """
    with transaction.atomic():
        PaperTopic.objects.filter(paper=paper).delete()
        PaperTopic.objects.bulk_create(
            PaperTopic(paper=paper, topic=topic, confidence=1.0, source=PERSON) for topic in chosen
        )
        reconsider([paper.pk])


def reconsider(paper_ids: Iterable[int]) -> None:
    """Make the papers' decisions stale, so the next run decides again any without a person's topics."""
    TopicState.objects.filter(paper_id__in=list(paper_ids)).delete()


def add_person_topic(paper: Paper, topic: Topic) -> PaperTopic:
    """One more topic chosen by a person (the admin's way in); the paper's automatic ones go."""
    with transaction.atomic():
        PaperTopic.objects.filter(paper=paper).exclude(source=PERSON).delete()
        row, _ = PaperTopic.objects.update_or_create(
            paper=paper, topic=topic, defaults={"confidence": 1.0, "source": PERSON}
        )
    return row


def topics_of(paper: Paper) -> list[PaperTopic]:
    """The paper's topics, most confident first."""
    return list(PaperTopic.objects.filter(paper=paper).select_related("topic"))
