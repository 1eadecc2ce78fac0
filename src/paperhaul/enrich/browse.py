"""Reading the library by topic: the taxonomy with its counts, a topic's papers, a list narrowed to one.

The topic pages, the topic feeds and the daily list's topic chips read the same lists here, so a
page, its feed and a chip's count agree.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from paperhaul.community.daily import newest
from paperhaul.enrich.models import PaperTopic, Topic
from paperhaul.papers.models import Paper


def topics_with_counts() -> list[Topic]:
    """Every topic of the taxonomy in its order, each with ``paper_count``."""
    counted = Topic.objects.annotate(paper_count=Count("paper_topics"))
    return list(counted.order_by(*Topic._meta.ordering))  # a GROUP BY query ignores Meta.ordering


def in_topic(papers: QuerySet[Paper], topic: Topic) -> QuerySet[Paper]:
    """The papers of ``papers`` filed under ``topic``."""
    return papers.filter(paper_topics__topic=topic)


def papers_of_topic(topic: Topic) -> QuerySet[Paper]:
    """The topic's papers, newest first (as category pages), with their counters."""
    return newest(in_topic(Paper.objects.all(), topic))


def topic_counts(papers: QuerySet[Paper]) -> list[tuple[Topic, int]]:
    """The topics among ``papers`` with how many of them each holds, in the taxonomy's order."""
    counts = dict(
        PaperTopic.objects.filter(paper__in=papers.values("pk"))
        .order_by()
        .values_list("topic_id")
        .annotate(n=Count("id"))
    )
    return [(topic, counts[topic.pk]) for topic in Topic.objects.all() if topic.pk in counts]
