"""Filling in papers known only by a link, a citation or a title (`paperhaul refresh`, the Library's job).

A haul post or a links dataset brings a paper in with what the post shows: its link, its title and
the start of its abstract; no authors, no dates, no categories. A reference file (BibTeX, RIS)
brings a citation: a title, authors, a year, often no identifier at all (Google Scholar's entries
for conference papers). Such a paper is on no daily list, and search and enrichment have little to
read. Refreshing asks each paper's own source: arXiv's API for arXiv papers (ARXIV_SLICE ids a
request, at arXiv's pace), the landing page for a DOI, the page itself for any other link; a paper
known only by its title is looked up on arXiv by that title, and taken only when arXiv has a paper
of the same title (and, when the citation names authors, the same first author among its own).
What comes back merges by the library's rules (merge.py): a more trusted source replaces what the
link brought, a title-only paper becomes the arXiv paper (keeping its votes, notes and hauls), and a
field a person edited is never touched.

A paper that could not be fetched stays as it was and is listed with the reason; the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings
from django.db.models import Q, QuerySet

from paperhaul.errors import PaperhaulError, SourceError, SourceUnavailable
from paperhaul.papers.fetching import arxiv_client, fetch_record
from paperhaul.papers.ids import key_kind, normalise_title, try_canonical_key, url_for_key
from paperhaul.papers.ingest import arxiv_api
from paperhaul.papers.ingest.http import HttpClient
from paperhaul.papers.models import Paper, SourceRecord
from paperhaul.papers.records import SOURCE_TRUST, PaperRecord
from paperhaul.papers.upsert import ImportStats, Library

# Ids per arXiv API request: a few seconds of arXiv's time each, and progress the reader can follow.
ARXIV_SLICE = 100
# A title-only paper is looked up by one arXiv search taking its best TITLE_CANDIDATES results;
# without authors to check, its title must have MIN_TITLE_WORDS words at least.
TITLE_CANDIDATES = 5
MIN_TITLE_WORDS = 4
# The trust of the sources that only link to a paper (a haul post, a links dataset).
LINK_TRUST = min(SOURCE_TRUST.values())

Progress = Callable[[int, int, ImportStats], None]


def incomplete(limit: int | None = None) -> list[str]:
    """Keys of the papers that only links or citations describe, or that have no identifier but
    their title (a records file may bring such papers too), newest first."""
    keys = _incomplete().order_by("-pk").values_list("key", flat=True)
    return list(keys[:limit] if limit else keys)


def is_incomplete(paper: Paper) -> bool:
    """Whether only links or citations describe this paper, or it has no identifier but its title
    (as incomplete())."""
    return paper.trust <= LINK_TRUST or key_kind(paper.key) == "title"


def incomplete_count() -> int:
    return _incomplete().count()


def _incomplete() -> QuerySet[Paper]:
    return Paper.objects.filter(Q(trust__lte=LINK_TRUST) | Q(key__startswith="title:"))


def refresh(keys: Sequence[str], *, on_progress: Progress | None = None) -> ImportStats:
    """Fetch the record of each paper from its source and merge it into the library.

    ``on_progress(done, total, stats)`` is called after each arXiv slice and each other paper.
    Failures are counted in the stats and listed in ``stats.errors`` as "KEY: reason".
    """
    library = Library()
    unique = list(dict.fromkeys(keys))
    arxiv = [key for key in unique if key_kind(key) == "arxiv"]
    titles = [key for key in unique if key_kind(key) == "title"]
    others = [key for key in unique if key_kind(key) not in ("arxiv", "title")]
    total, done = len(unique), 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if on_progress:
            on_progress(done, total, library.stats)

    with arxiv_client() as client:
        unreachable = ""
        for start in range(0, len(arxiv), ARXIV_SLICE):
            chunk = arxiv[start : start + ARXIV_SLICE]
            if unreachable:
                _fail_all(library.stats, chunk, unreachable)
            else:
                unreachable = _refresh_arxiv(client, library, chunk)
            advance(len(chunk))
        for key in titles:
            if unreachable:
                _fail(library.stats, key, unreachable)
            else:
                unreachable = _refresh_by_title(client, library, key)
            advance(1)
    for key in others:
        try:
            library.upsert_one(fetch_record(_address(key)))
        except PaperhaulError as exc:
            _fail(library.stats, key, exc)
        advance(1)
    return library.stats


def _refresh_arxiv(client: HttpClient, library: Library, keys: list[str]) -> str:
    """Refresh one slice of arXiv papers; returns why when arXiv cannot be reached at all (else ""),
    so that the slices after it are not asked for (each would wait out the retries again)."""
    ids = [key.partition(":")[2] for key in keys]
    try:
        records = list(
            arxiv_api.fetch_by_ids(client, settings.PAPERHAUL_ARXIV_API_URL, ids, page_size=ARXIV_SLICE)
        )
    except SourceError as exc:
        # The request's address lists every id of the slice, which the failure lines name already.
        reason = str(exc).replace(exc.url, exc.url.partition("?")[0]) if exc.url else str(exc)
        _fail_all(library.stats, keys, reason)
        return reason if isinstance(exc, SourceUnavailable) else ""
    wanted = set(keys)
    records = [record for record in records if record.key in wanted]  # refreshing never adds papers
    found = {record.key for record in records}
    library.upsert(records)
    for key in keys:
        if key not in found:
            _fail(library.stats, key, f"arXiv has no paper {key.partition(':')[2]}")
    return ""


def _refresh_by_title(client: HttpClient, library: Library, key: str) -> str:
    """Look a title-only paper up on arXiv; returns why when arXiv cannot be reached (else "")."""
    paper = Paper.objects.get(key=key)
    words = [word for word in paper.title_norm.split() if word.isascii()]
    if not words or (len(words) < MIN_TITLE_WORDS and not paper.authors):
        _fail(library.stats, key, "a title this short names no paper for sure without its authors")
        return ""
    search = arxiv_api.search(
        client,
        settings.PAPERHAUL_ARXIV_API_URL,
        'ti:"{}"'.format(" ".join(words)),
        max_results=TITLE_CANDIDATES,
        sort_by="relevance",
    )
    try:
        match = next((record for record in search if _same_paper(paper, record)), None)
    except SourceError as exc:
        _fail(library.stats, key, exc)
        return str(exc) if isinstance(exc, SourceUnavailable) else ""
    if match is None:
        also = " and first author" if paper.authors else ""
        _fail(library.stats, key, f"arXiv has no paper of this title{also}")
        return ""
    if Paper.objects.filter(key=match.key).exists():  # two items now: reported, never merged silently
        _fail(library.stats, key, f"the library has it already as {match.key} (see `paperhaul duplicates`)")
        return ""
    library.upsert([match])
    return ""


def _same_paper(paper: Paper, record: PaperRecord) -> bool:
    """The same normalised title and, when the citation names authors, its first author's family
    name among the record's (a title alone can be a common one)."""
    if normalise_title(record.title) != paper.title_norm:
        return False
    if not paper.authors:
        return True
    family = _family(paper.authors[0])
    return any(_family(name) == family for name in record.authors)


def _family(name: str) -> str:
    words = normalise_title(name).split()
    return words[-1] if words else ""


def _address(key: str) -> str:
    """Where to fetch a paper: for a ``url:`` key, the link as a post or dataset wrote it (the key is
    normalised: https, no trailing slash, which a site may not answer), else the key's own address."""
    if key_kind(key) == "url":
        sources = SourceRecord.objects.filter(paper__key=key).order_by("-fetched_at")
        for data in sources.values_list("data", flat=True):
            link = data.get("url") or data.get("src") if isinstance(data, dict) else None
            if isinstance(link, str) and try_canonical_key(link) == key:
                return link
    return url_for_key(key)


def _fail_all(stats: ImportStats, keys: list[str], reason: object) -> None:
    for key in keys:
        _fail(stats, key, reason)


def _fail(stats: ImportStats, key: str, reason: object) -> None:
    stats.failed += 1
    stats.errors.append(f"{key}: {reason}")


def failures_by_reason(errors: Sequence[str]) -> dict[str, list[str]]:
    """The failed keys grouped by their reason ("KEY: reason" lines): one line for a whole slice."""
    grouped: dict[str, list[str]] = {}
    for line in errors:
        key, _, reason = line.partition(": ")
        grouped.setdefault(reason, []).append(key)
    return grouped


def failure_lines(errors: Sequence[str]) -> list[str]:
    """One line a reason, naming its keys ("KEY, KEY: reason"), as the command and the job show them."""
    return [f"{', '.join(keys)}: {reason}" for reason, keys in failures_by_reason(errors).items()]
