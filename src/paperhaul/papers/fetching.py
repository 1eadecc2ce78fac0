"""Fetching one item from the network by its identifier or URL (`paperhaul add`, refresh, what
readers submit or put on their lists)."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings

from paperhaul.errors import InputError, SourceFormatError, SourceRejected
from paperhaul.papers import ids
from paperhaul.papers.ingest import arxiv_api, openreview, webpage
from paperhaul.papers.ingest.http import HttpClient, settings_client
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.models import Paper
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library


def arxiv_client() -> HttpClient:
    """A client that keeps arXiv's pace: one request at a time, PAPERHAUL_ARXIV_DELAY apart."""
    return settings_client(min_interval=settings.PAPERHAUL_ARXIV_DELAY)


def openreview_client() -> HttpClient:
    """A client that spaces requests to OpenReview's API PAPERHAUL_OPENREVIEW_DELAY apart."""
    return settings_client(min_interval=settings.PAPERHAUL_OPENREVIEW_DELAY)


def fetch_record(target: str) -> PaperRecord:
    """The record of an arXiv id, DOI or URL, from arXiv's API, OpenReview's API (a link to a
    paper's forum or PDF there), the DOI's landing page or the page."""
    key = ids.canonical_key(target)
    kind, _, rest = key.partition(":")
    if kind == "title":
        raise InputError("a title is not enough to fetch an item: give an arXiv id, a DOI or a URL")
    if kind == "arxiv":
        with arxiv_client() as client:
            records = list(arxiv_api.fetch_by_ids(client, settings.PAPERHAUL_ARXIV_API_URL, [rest]))
        if not records:
            raise SourceFormatError(f"arXiv has no paper {rest}", url=settings.PAPERHAUL_ARXIV_API_URL)
        return records[0]
    forum = openreview.forum_of_key(key)
    if forum:
        apis = (settings.PAPERHAUL_OPENREVIEW_API_URL, settings.PAPERHAUL_OPENREVIEW_API_V1_URL)
        with openreview_client() as client:
            record = openreview.fetch_forum(client, apis, forum)
        if record is None:
            raise SourceRejected(f"OpenReview has no paper {forum}", url=openreview.forum_url(forum))
        return record
    url = f"{settings.PAPERHAUL_DOI_RESOLVER_URL.rstrip('/')}/{rest}" if kind == "doi" else target.strip()
    with settings_client(public_only=True) as client:
        record = webpage.fetch_page(client, url)
    if kind == "doi" and record.key != key:
        # The landing page may not declare its DOI; the DOI we asked for still names it.
        record = _with_key(record, key)
    return record


def find_or_fetch(target: str) -> Paper:
    """The library's paper named by ``target`` (any key, URL or exact title); one the library does
    not have yet is fetched from its source and stored first (SourceError when that fails)."""
    paper = find_paper(target)
    if paper is None:
        paper, _ = Library().upsert_one(fetch_record(target))
    return paper


def _with_key(record: PaperRecord, key: str) -> PaperRecord:
    aliases = tuple(a for a in (*record.aliases, record.key) if a != key)
    return replace(record, key=key, aliases=aliases, source_id=key, payload_hash="")
