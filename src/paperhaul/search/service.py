"""Search as the CLI, the API and the web pages call it: one request in, one page of hits out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from paperhaul.community.models import PaperActivity
from paperhaul.errors import InputError
from paperhaul.papers.bulk import placeholders
from paperhaul.papers.citation_counts import citation_counts
from paperhaul.papers.ids import normalise_title, url_for_key
from paperhaul.papers.models import Identifier, Paper
from paperhaul.search import store
from paperhaul.search.backend import constrain, get_backend
from paperhaul.search.embeddings import (
    EmbeddingError,
    document_text,
    embedder_loaded,
    get_embedder,
    query_vector,
)
from paperhaul.search.filters import Filters, filter_sql
from paperhaul.search.hit_rows import hit_rows
from paperhaul.search.hybrid import fuse
from paperhaul.search.models import Embedding
from paperhaul.search.query import ParsedQuery, parse_query
from paperhaul.search.types import Scored
from paperhaul.search.vectors import exact_nearest

MODES = ("hybrid", "lexical", "semantic")
# "upvoted", "cited": the most upvoted (most cited) among the relevant results first (see _by_count).
SORTS = ("relevance", "newest", "upvoted", "cited")
# The sorts that re-sort the relevance ranking block by block (_by_count).
_BY_COUNT = ("upvoted", "cited")
MAX_LIMIT = 100
MAX_OFFSET = 10_000
# Each ranking hybrid fuses is at least this deep, so a paper found by one mode only still counts.
FUSION_DEPTH = 100
SNIPPET_CHARS = 280
# Queries of at least this many words go on with partial matches when complete ones run short.
LOOSE_MIN_TERMS = 3
NO_VECTORS = "no paper has a vector yet (run `paperhaul embed`)"


@dataclass(frozen=True)
class SearchRequest:
    q: str
    mode: str = "hybrid"
    limit: int = 20
    offset: int = 0
    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"


@dataclass(frozen=True)
class Hit:
    key: str
    url: str
    title: str
    authors: list[str]
    published: dt.date | None
    primary_category: str
    snippet: str
    score: float

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "url": self.url,
            "title": self.title,
            "authors": self.authors,
            "published": self.published.isoformat() if self.published else None,
            "primary_category": self.primary_category,
            "snippet": self.snippet,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class SearchResults:
    query: str
    mode: str  # the mode that produced the hits (semantic falls back to lexical without vectors)
    hits: list[Hit]
    offset: int
    has_more: bool
    notice: str = ""  # one line for the user: a fallback, a jump to a paper, an unknown id

    def as_json(self) -> dict:
        return {
            "query": self.query,
            "mode": self.mode,
            "offset": self.offset,
            "has_more": self.has_more,
            "notice": self.notice,
            "hits": [hit.as_json() for hit in self.hits],
        }


# The notice of a search without words or filters: an empty page on the web, an error on the CLI.
NOTHING_TO_SEARCH = "type something to search for"


def search(request: SearchRequest) -> SearchResults:
    """Run one search. Bad input raises InputError with a message meant for the user."""
    _validate(request)
    parsed = parse_query(request.q, max_length=settings.PAPERHAUL_SEARCH_MAX_QUERY)
    if parsed.key:
        return _jump(request, parsed.key)
    filters = request.filters.narrowed(
        after=parsed.after,
        before=parsed.before,
        categories=parsed.categories,
        venues=parsed.venues,
        cites=parsed.cites,
        cited_by=parsed.cited_by,
    )
    if parsed.is_empty and not filters.active:
        return SearchResults(request.q, request.mode, [], request.offset, False, NOTHING_TO_SEARCH)
    want = request.offset + request.limit + 1
    by_count = request.sort in _BY_COUNT
    # Re-sorting by a count needs the relevance ranking to the end of the block the page is in.
    depth = -(-want // FUSION_DEPTH) * FUSION_DEPTH if by_count else max(want, FUSION_DEPTH)
    mode, notice = request.mode, ""
    if mode != "lexical" and parsed.has_positive_text:
        try:
            semantic = _semantic(parsed, filters, depth if mode == "hybrid" or by_count else want)
        except EmbeddingError as exc:
            mode, notice, semantic = "lexical", f"{exc}; showing lexical results", []
    else:
        mode, semantic = "lexical", []
    newest = request.sort == "newest"
    if mode == "lexical" and not by_count:
        window = _lexical(parsed, filters, request.limit + 1, request.offset, newest)
    else:
        if mode == "lexical":
            ranked = _lexical(parsed, filters, depth, 0, False)
        elif mode == "hybrid":
            ranked = fuse(_lexical(parsed, filters, depth, 0, False), semantic)
        else:
            ranked = semantic
        window = _sorted(ranked, request.sort)[request.offset : want]
    papers = hit_rows([s.id for s in window])
    hits = [_hit(papers[s.id], s.score) for s in window if s.id in papers]
    return SearchResults(
        request.q, mode, hits[: request.limit], request.offset, len(hits) > request.limit, notice
    )


def related(paper: Paper, limit: int = 10) -> list[Hit]:
    """Papers nearest to this one in embedding space ("more like this")."""
    embedder = get_embedder()
    vector = store.vector_of(embedder.model_id, paper.pk)
    if vector is None:
        vector = embedder.encode([document_text(paper.title, paper.abstract)])[0]
    scored = [s for s in get_backend().nearest(embedder.model_id, vector, limit + 1) if s.id != paper.pk]
    papers = hit_rows([s.id for s in scored])
    return [_hit(papers[s.id], s.score) for s in scored if s.id in papers][:limit]


def _validate(request: SearchRequest) -> None:
    if request.mode not in MODES:
        raise InputError(f"unknown search mode {request.mode!r}: use one of {', '.join(MODES)}")
    if request.sort not in SORTS:
        raise InputError(f"unknown sort {request.sort!r}: use one of {', '.join(SORTS)}")
    if not 1 <= request.limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}")
    if not 0 <= request.offset <= MAX_OFFSET:
        raise InputError(f"offset must be between 0 and {MAX_OFFSET}")


def _lexical(parsed: ParsedQuery, filters: Filters, limit: int, offset: int, newest: bool) -> list[Scored]:
    """Papers with every word first; when they are too few, then those with some of the words.

    A reader's description ("that paper where they put DPO on a diffusion model") rarely has all
    its words in one abstract; with only two words, a paper with one of them is rarely what was
    meant. Newest-first sorting keeps to papers with every word.
    """
    backend = get_backend()
    want = offset + limit
    strict = backend.lexical(parsed, filters, want, 0, newest)
    exact = [] if newest else _exact_title(parsed, filters)
    if exact:
        top = strict[0].score + 1.0 if strict else 1.0
        strict = [Scored(pid, top) for pid in exact] + [hit for hit in strict if hit.id not in exact]
    if len(strict) >= want or newest or len(parsed.terms) < LOOSE_MIN_TERMS:
        return strict[offset:want]
    seen = {hit.id for hit in strict}
    floor = strict[-1].score if strict else float("inf")
    loose = backend.lexical(parsed, filters, want + len(strict), 0, False, any_words=True)
    # Below every paper that has all the words, whatever BM25 says of the partial matches.
    extra = [Scored(hit.id, min(hit.score, floor)) for hit in loose if hit.id not in seen]
    return (strict + extra)[offset:want]


def _exact_title(parsed: ParsedQuery, filters: Filters) -> list[int]:
    """The papers whose whole title is the query, first: scoring is capped (see sqlite_lexical.py)
    and a title of common words ("Attention Is All You Need") may match too many papers to score."""
    norm = normalise_title(parsed.text)
    if not norm or parsed.excluded or parsed.authors:
        return []
    where, params = filter_sql(filters)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id FROM papers_paper p WHERE p.title_norm = %s AND {where}", [norm, *params]
        )
        return [row[0] for row in cursor.fetchall()]


def _semantic(parsed: ParsedQuery, filters: Filters, depth: int) -> list[Scored]:
    if not embedder_loaded() and not Embedding.objects.exists():
        # Before loading (or, in a fresh home, building) the model: seconds a web request must not wait.
        raise EmbeddingError(NO_VECTORS)
    embedder = get_embedder()
    vector = query_vector(embedder, parsed.text)
    backend = get_backend()
    # Over-fetch when filters or the query's author constraints and exclusions apply afterwards
    # (the ANN search costs more the more it returns).
    constrained = filters.active or parsed.authors or parsed.excluded
    candidates = backend.nearest(embedder.model_id, vector, depth * 4 + 50 if constrained else depth)
    if not candidates and store.stats(embedder.model_id)[0] == 0:
        raise EmbeddingError(NO_VECTORS)  # there are vectors, but of another model
    kept = _passing(candidates, filters) if filters.active else candidates
    if filters.active and len(kept) < depth:
        ids, vectors = store.filtered_rows(embedder.model_id, filters, 200_000)
        kept = exact_nearest(ids, vectors, vector, len(ids))
    allowed = set(constrain(backend, [s.id for s in kept], parsed))
    return [s for s in kept if s.id in allowed][:depth]


def _passing(candidates: list[Scored], filters: Filters) -> list[Scored]:
    """The candidates that pass the filters, in their order."""
    if not candidates:
        return []
    where, params = filter_sql(filters)
    marks = placeholders(len(candidates))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id FROM papers_paper p WHERE p.id IN ({marks}) AND {where}",
            [*(s.id for s in candidates), *params],
        )
        alive = {row[0] for row in cursor.fetchall()}
    return [s for s in candidates if s.id in alive]


def _sorted(ranked: list[Scored], sort: str) -> list[Scored]:
    if sort == "newest":
        return _by_date(ranked)
    ids = [s.id for s in ranked]
    if sort == "upvoted":
        return _by_count(
            ranked, dict(PaperActivity.objects.filter(paper_id__in=ids).values_list("paper_id", "upvotes"))
        )
    if sort == "cited":
        return _by_count(ranked, citation_counts(ids))
    return ranked


def _by_date(ranked: list[Scored]) -> list[Scored]:
    dates = dict(Paper.objects.filter(pk__in=[s.id for s in ranked]).values_list("pk", "published"))
    return sorted(ranked, key=lambda s: (dates.get(s.id) or dt.date.min, s.id), reverse=True)


def _by_count(ranked: list[Scored], counts: dict[int, int]) -> list[Scored]:
    """Highest count first (upvotes, citations) within each block of FUSION_DEPTH relevance ranks,
    relevance breaking ties.

    "Most upvoted among the relevant": sorting a whole ranking by votes would put a popular paper
    that barely matches above every good answer. Blocks keep pages consistent: a page never
    re-sorts the ranks an earlier page already showed.
    """
    order = sorted(range(len(ranked)), key=lambda i: (i // FUSION_DEPTH, -counts.get(ranked[i].id, 0), i))
    return [ranked[i] for i in order]


def _jump(request: SearchRequest, key: str) -> SearchResults:
    identifier = Identifier.objects.select_related("paper").filter(key=key).first()
    if identifier is None:
        notice = f"{key} is not in the library (`paperhaul add` fetches it)"
        return SearchResults(request.q, request.mode, [], request.offset, False, notice)
    hit = _hit(identifier.paper, 1.0)
    return SearchResults(request.q, request.mode, [hit], 0, False, f"jumped to {identifier.paper.key}")


def _hit(paper, score: float) -> Hit:
    """The hit of a paper, or of a HitRow."""
    abstract = paper.abstract
    snippet = abstract if len(abstract) <= SNIPPET_CHARS else abstract[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    return Hit(
        key=paper.key,
        url=paper.abs_url or url_for_key(paper.key),
        title=paper.title,
        authors=list(paper.authors),
        published=paper.published,
        primary_category=paper.primary_category,
        snippet=snippet,
        score=score,
    )
