"""Filters a search can apply, and the SQL that applies them to a paper row aliased `p`.

One definition for every mode and both databases: the SQL is plain and portable, so the lexical
backends and the vector search restrict candidates the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from paperhaul.enrich.models import PaperTopic, Topic
from paperhaul.hauls.models import Haul, HaulItem
from paperhaul.papers.bulk import placeholders
from paperhaul.papers.models import Category, Identifier, PaperCategory, Reference, SourceRecord

IDENTIFIER, REFERENCE = Identifier._meta.db_table, Reference._meta.db_table


@dataclass(frozen=True)
class Filters:
    """What a result must satisfy, besides matching the query text."""

    after: dt.date | None = None  # published on or after
    before: dt.date | None = None  # published strictly before
    categories: tuple[str, ...] = ()  # any of them
    source: str | None = None  # a SourceRecord.source, e.g. "arxiv-api" or "daily"
    has_code: bool = False
    covered: bool = False  # covered as an item of a published haul
    topics: tuple[str, ...] = ()  # slugs of topics of the taxonomy: any of them
    venues: tuple[str, ...] = ()  # each in the journal reference or the comments ("ICLR 2025 Oral")
    cites: tuple[str, ...] = ()  # keys of papers each result cites (papers/citation_graph.py)
    cited_by: tuple[str, ...] = ()  # keys of papers that cite each result
    nothing: bool = False  # the filters contradict each other: nothing can match

    @classmethod
    def published(
        cls,
        since: dt.date | None,
        until: dt.date | None,
        categories: tuple[str, ...] = (),
        source: str | None = None,
        has_code: bool = False,
        covered: bool = False,
        topics: tuple[str, ...] = (),
    ) -> Filters:
        """Filters from an inclusive date range, as the CLI and the API take it."""
        before = until + dt.timedelta(days=1) if until else None
        return cls(since, before, categories, source, has_code, covered, topics)

    @property
    def active(self) -> bool:
        return bool(
            self.after
            or self.before
            or self.categories
            or self.source
            or self.has_code
            or self.covered
            or self.topics
            or self.venues
            or self.cites
            or self.cited_by
            or self.nothing
        )

    def narrowed(
        self,
        *,
        after: dt.date | None,
        before: dt.date | None,
        categories: tuple[str, ...],
        venues: tuple[str, ...] = (),
        cites: tuple[str, ...] = (),
        cited_by: tuple[str, ...] = (),
    ) -> Filters:
        """These filters intersected with the ones written in a query (`after:`, `cat:`, `venue:` ...)."""
        cats = categories or self.categories
        if categories and self.categories:
            wanted = {c.lower() for c in categories}
            cats = tuple(c for c in self.categories if c.lower() in wanted)
        return replace(
            self,
            after=max(filter(None, (self.after, after)), default=None),
            before=min(filter(None, (self.before, before)), default=None),
            categories=cats,
            venues=(*self.venues, *venues),
            cites=(*self.cites, *cites),
            cited_by=(*self.cited_by, *cited_by),
            nothing=self.nothing or bool(categories and self.categories and not cats),
        )


def filter_sql(filters: Filters) -> tuple[str, list]:
    """A WHERE fragment over the paper alias `p` (``"1=1"`` when nothing filters) and its parameters."""
    if filters.nothing:
        return "1=0", []
    clauses: list[str] = []
    params: list = []
    if filters.after:
        clauses.append("p.published >= %s")
        params.append(filters.after)
    if filters.before:
        clauses.append("p.published < %s")
        params.append(filters.before)
    if filters.categories:
        marks = placeholders(len(filters.categories))
        clauses.append(
            f"EXISTS (SELECT 1 FROM {PaperCategory._meta.db_table} pc"
            f" JOIN {Category._meta.db_table} c ON c.id = pc.category_id"
            f" WHERE pc.paper_id = p.id AND lower(c.name) IN ({marks}))"
        )
        params.extend(c.lower() for c in filters.categories)
    if filters.source:
        clauses.append(
            f"EXISTS (SELECT 1 FROM {SourceRecord._meta.db_table} s"
            " WHERE s.paper_id = p.id AND s.source = %s)"
        )
        params.append(filters.source)
    if filters.has_code:
        clauses.append("p.code_url <> ''")
    if filters.covered:
        clauses.append(
            f"EXISTS (SELECT 1 FROM {HaulItem._meta.db_table} hi JOIN {Haul._meta.db_table} h"
            " ON h.id = hi.haul_id WHERE hi.paper_id = p.id AND h.status = %s)"
        )
        params.append(Haul.Status.PUBLISHED)
    if filters.topics:
        marks = placeholders(len(filters.topics))
        clauses.append(
            f"EXISTS (SELECT 1 FROM {PaperTopic._meta.db_table} pt JOIN {Topic._meta.db_table} t"
            f" ON t.id = pt.topic_id WHERE pt.paper_id = p.id AND t.slug IN ({marks}))"
        )
        params.extend(filters.topics)
    for key in filters.cites:
        # Cited under any key of the paper the key names (or under that key, for a paper not here).
        clauses.append(
            f"EXISTS (SELECT 1 FROM {REFERENCE} r WHERE r.paper_id = p.id AND (r.cited_key = %s"
            f" OR r.cited_key IN (SELECT i2.key FROM {IDENTIFIER} i1 JOIN {IDENTIFIER} i2"
            " ON i2.paper_id = i1.paper_id WHERE i1.key = %s)))"
        )
        params += [key, key]
    for key in filters.cited_by:
        clauses.append(
            f"p.id IN (SELECT i.paper_id FROM {IDENTIFIER} i JOIN {REFERENCE} r ON r.cited_key = i.key"
            f" JOIN {IDENTIFIER} c ON c.paper_id = r.paper_id WHERE c.key = %s)"
        )
        params.append(key)
    for venue in filters.venues:
        clauses.append("(upper(p.journal_ref) LIKE %s ESCAPE '!' OR upper(p.comments) LIKE %s ESCAPE '!')")
        pattern = "%" + re.sub(r"([!%_])", r"!\1", venue.upper()) + "%"
        params += [pattern, pattern]
    return (" AND ".join(clauses) or "1=1"), params
