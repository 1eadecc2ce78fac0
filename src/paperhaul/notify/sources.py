"""The lists a reader can follow, as ranked papers: the daily list, trending, a category, a topic,
a search, a shared list.

Feeds (feeds.py) and digests (digests.py) both read them here, over the community and search
services the pages use, so an RSS reader, an e-mail and the site show the same papers in the
same order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.db.models import F, Q
from django.http import QueryDict

from paperhaul.community import daily
from paperhaul.community.collections import followable_lists
from paperhaul.community.models import CollectionItem, Submission
from paperhaul.community.trending import cached_scores
from paperhaul.enrich.models import PaperTopic
from paperhaul.errors import InputError
from paperhaul.papers.models import Paper
from paperhaul.search.params import search_request
from paperhaul.search.query import parse_query
from paperhaul.search.service import MAX_LIMIT, SearchRequest, search


def daily_papers(until: dt.date, days: int, limit: int) -> list[Paper]:
    """The daily lists of the ``days`` days up to ``until`` together (papers first published on
    those days and papers readers submitted to them), most upvoted first, then newest."""
    since = until - dt.timedelta(days=days - 1)
    submitted = Submission.objects.filter(day__range=(since, until)).values("paper_id")
    papers = Paper.objects.filter(Q(published__range=(since, until)) | Q(id__in=submitted))
    newest = F("published").desc(nulls_last=True)
    return list(daily.with_activity(papers).order_by("-upvote_count", newest, "-id")[:limit])


def trending_papers(limit: int) -> list[Paper]:
    """The top of trending now (the ranking the trending page shows)."""
    return daily.papers_in_order([paper_id for paper_id, _ in cached_scores()[:limit]])


def category_papers(name: str, since: dt.date | None, limit: int) -> list[Paper]:
    """The newest papers listed in a category, first published on or after ``since``."""
    papers = Paper.objects.filter(categories__name=name)
    if since:
        papers = papers.filter(published__gte=since)
    return list(daily.newest(papers)[:limit])


def topic_papers(topic_id: int, since: dt.date | None, limit: int) -> list[Paper]:
    """The papers filed under a topic (enrich/), first published on or after ``since``: the surest
    first (a person's choice, then the primary arXiv category, ...), then the newest."""
    filed = PaperTopic.objects.filter(topic_id=topic_id)
    if since:
        filed = filed.filter(paper__published__gte=since)
    ranked = filed.order_by(
        "-confidence", F("paper__published").desc(nulls_last=True), "-paper_id"
    ).values_list("paper_id", flat=True)
    return daily.papers_in_order(list(ranked[:limit]))


def list_papers(collection_id: int, since: dt.date | None, limit: int) -> list[Paper]:
    """The papers put on a shared list (still public) on or after ``since``, the latest added first."""
    items = CollectionItem.objects.filter(collection__in=followable_lists(), collection_id=collection_id)
    if since:
        items = items.filter(added_at__date__gte=since)
    added = items.order_by("-added_at", "-id").values_list("paper_id", flat=True)
    return daily.papers_in_order(list(added[:limit]))


def saved_search(query_string: str, *, newest: bool) -> SearchRequest:
    """The search a query string (``q=…&category=…``, as /search/ takes it) asks for, to run again
    and again; raises InputError when it is empty or names one paper (nothing new would ever match).

    Feeds and digests want the newest matches unless the query string asks for another order.
    """
    params = QueryDict(query_string, mutable=True)
    if newest and not params.get("sort"):
        params["sort"] = "newest"
    request = search_request(params, limit=MAX_LIMIT, offset=0)
    parsed = parse_query(request.q, max_length=settings.PAPERHAUL_SEARCH_MAX_QUERY)
    if parsed.key:
        raise InputError("a search that names one paper finds nothing new: use words, author: or cat:")
    if parsed.is_empty and not request.filters.active:
        raise InputError("the search is empty: give words (q=…) or filters")
    return request


def search_papers(request: SearchRequest, since: dt.date | None, limit: int) -> list[Paper]:
    """The papers of a search, in its order, first published on or after ``since``."""
    if since:
        filters = request.filters.narrowed(after=since, before=None, categories=())
        request = dataclasses.replace(request, filters=filters)
    request = dataclasses.replace(request, limit=min(limit, MAX_LIMIT))
    keys = [hit.key for hit in search(request).hits]
    papers = daily.with_activity(Paper.objects.filter(key__in=keys)).in_bulk(keys, field_name="key")
    return [papers[key] for key in keys if key in papers]
