"""Finding papers in the library: by any key, URL or title, and listing with filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from paperhaul.papers import ids
from paperhaul.papers.bibtex import bibliography
from paperhaul.papers.citation_counts import counts_of
from paperhaul.papers.citation_graph import cited_papers, citing_papers
from paperhaul.papers.duplicates import twins
from paperhaul.papers.models import Category, Identifier, Paper, PaperCategory

# How many papers of the library it cites, and citing it, `show --json` names at most.
LISTED = 100


def find_paper(text: str) -> Paper | None:
    """The paper named by a key, identifier or URL (any form of it), else by its exact title."""
    key = ids.try_canonical_key(text)
    if key:
        identifier = Identifier.objects.select_related("paper").filter(key=key).first()
        if identifier:
            return identifier.paper
    norm = ids.normalise_title(text)
    if norm:
        matches = list(Paper.objects.filter(title_norm=norm)[:2])
        if len(matches) == 1:
            return matches[0]
    return None


def papers_by_keys(keys: Sequence[str]) -> list[Paper]:
    """The papers of these canonical keys in the order given; a key not in the library is skipped."""
    found = Paper.objects.in_bulk(list(keys), field_name="key")
    return [found[key] for key in keys if key in found]


def category_names(paper: Paper) -> list[str]:
    """The paper's categories in their order (the primary one first), by one plain query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.name FROM {PaperCategory._meta.db_table} pc JOIN {Category._meta.db_table} c"
            " ON c.id = pc.category_id WHERE pc.paper_id = %s ORDER BY pc.id",
            [paper.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def list_papers(
    *,
    categories: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
    source: str | None = None,
) -> QuerySet[Paper]:
    """Papers newest first, filtered by category (any of), first-version date range and source."""
    papers = Paper.objects.order_by("-published", "-id")
    if categories:
        papers = papers.filter(categories__name__in=list(categories)).distinct()
    if since:
        papers = papers.filter(published__gte=since)
    if until:
        papers = papers.filter(published__lte=until)
    if source:
        papers = papers.filter(source_records__source=source).distinct()
    return papers


def paper_summary(paper: Paper) -> dict[str, Any]:
    return {
        "key": paper.key,
        "url": paper.url,
        "title": paper.title,
        "published": paper.published.isoformat() if paper.published else None,
        "primary_category": paper.primary_category,
    }


def paper_detail(paper: Paper) -> dict[str, Any]:
    """Everything the library knows about a paper, as `paperhaul show --json` prints it."""
    return {
        **paper_summary(paper),
        "abstract": paper.abstract,
        "authors": paper.authors,
        "updated": paper.updated.isoformat() if paper.updated else None,
        "versions": paper.versions,
        "categories": category_names(paper),
        "doi": paper.doi,
        "journal_ref": paper.journal_ref,
        "comments": paper.comments,
        "license": paper.license,
        "abs_url": paper.abs_url,
        "pdf_url": paper.pdf_url,
        "code_url": paper.code_url,
        "note": paper.note,
        "edited_fields": paper.edited_fields,
        "identifiers": sorted(paper.identifiers.values_list("key", flat=True)),
        "bibtex": bibliography([paper]),
        "citations": counts_of(paper),
        "cites_in_library": _keys(cited_papers(paper)),
        "cited_by_in_library": _keys(citing_papers(paper)),
        "sources": [
            {
                "source": s.source,
                "source_id": s.source_id,
                "fetched_at": s.fetched_at.isoformat(),
                "data": s.data,
            }
            for s in paper.source_records.order_by("fetched_at")
        ],
        "possible_duplicates": [{"key": o.key, "title": o.title, "reason": r} for o, r in twins(paper)],
    }


def _keys(papers: QuerySet[Paper]) -> list[str]:
    return list(papers.order_by("key").values_list("key", flat=True)[:LISTED])
