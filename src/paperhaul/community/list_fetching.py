"""Fetching, after an import into a list, the papers of the reader's file that the library lacked
and that are not on arXiv: those named by a DOI or an address (a journal's or the ACL Anthology's
page, an OpenReview forum). Each is a request or two to its publisher, too slow to make the reader
wait: a task fetches them one after the other (papers/fetching.py: the DOI's landing page,
OpenReview's API, the page itself) and puts each on the list as it comes, at the list's end in the
file's order. The ListFetch row keeps how far it got, so the list's page says so, and a task that
stopped (the worker restarted) goes on where it stopped when it runs again.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from paperhaul.community import collections
from paperhaul.community.models import Collection, ListFetch
from paperhaul.errors import PaperhaulError
from paperhaul.papers import ids
from paperhaul.papers.fetching import find_or_fetch
from paperhaul.papers.records import PaperRecord

MAX_FETCHED = 100  # papers of one file fetched after its import; the others are named back
CHUNK = 5  # papers a task fetches before it queues the rest
SHOWN_FOR_DAYS = 7  # how long the list's page tells its editors what a fetch did


def fetchable(record: PaperRecord) -> bool:
    """Whether the record names its paper by something a source answers (a DOI, an address)."""
    return ids.key_kind(record.key) not in ("title", "arxiv")


def start(user: AbstractBaseUser, collection: Collection, records: list[PaperRecord]) -> ListFetch | None:
    """Queue the fetching of these papers onto the list, once the import's transaction commits."""
    if not records:
        return None
    fetch = ListFetch.objects.create(
        collection=collection,
        started_by=user,
        wanted=[{"key": record.key, "title": record.title[:300] or record.key} for record in records],
    )
    transaction.on_commit(lambda: fetch_onto_list.enqueue(fetch.pk))
    return fetch


def latest(collection: Collection) -> ListFetch | None:
    """The list's latest fetch, while its editors are told about it: running, or ended lately."""
    since = timezone.now() - dt.timedelta(days=SHOWN_FOR_DAYS)
    return collection.fetches.filter(created_at__gte=since).first()


@task()
def fetch_onto_list(fetch_id: int) -> str:
    """Fetch the next papers (CHUNK of them) of ListFetch ``fetch_id`` and put them on its list, then
    queue the rest as a task of its own: the worker's other tasks (the digests, the daily fetch)
    take their turn in between, however slow the publishers are. Says what it did."""
    fetch = ListFetch.objects.select_related("collection", "started_by").filter(pk=fetch_id).first()
    if fetch is None or fetch.finished:
        return "nothing to do"
    for entry in fetch.wanted[fetch.done : fetch.done + CHUNK]:
        if not ListFetch.objects.filter(pk=fetch.pk).exists():
            return "the list was deleted"
        why_not = _fetch_one(fetch, entry["key"])
        fetch.done += 1
        if why_not:
            fetch.failed.append(f"{entry['title'][:120]}: {why_not[:300]}")
        else:
            fetch.added += 1
        ListFetch.objects.filter(pk=fetch.pk).update(done=fetch.done, added=fetch.added, failed=fetch.failed)
    if fetch.done < len(fetch.wanted):
        fetch_onto_list.enqueue(fetch.pk)
        return f"added {fetch.added} of {len(fetch.wanted)} so far"
    fetch.finished_at = timezone.now()
    fetch.save(update_fields=["finished_at"])
    return f"added {fetch.added} of {len(fetch.wanted)}"


def _fetch_one(fetch: ListFetch, key: str) -> str:
    """Fetch one paper (unless the library has it by now) and put it on the list; why not, if not."""
    user = fetch.started_by
    if user is None or not collections.may_edit(user, fetch.collection):
        return "the reader who imported the file may no longer edit this list"
    try:
        collections.add(user, fetch.collection, find_or_fetch(key))
    except PaperhaulError as exc:
        return str(exc)
    return ""
