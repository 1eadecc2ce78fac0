"""Helpers of the library's tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from paperhaul.papers.models import Paper, PossibleDuplicate, SourceRecord
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library


def add_paper(key: str, title: str, **fields) -> Paper:
    """Merge one record (an arXiv API record unless ``source`` says otherwise) and return its paper."""
    fields.setdefault("source", "arxiv-api")
    Library().upsert([PaperRecord(key=key, title=title, **fields)])
    return Paper.objects.get(key=key)


PREPRINT = "arxiv:2310.01234"
FORUM = "url:https://openreview.net/forum?id=AbCdEf"
TITLE = "Sparse Mixtures of Adapters"


@pytest.fixture
def pair() -> tuple[Paper, Paper]:
    """An arXiv preprint and its OpenReview version, reported as possibly one paper."""
    preprint = add_paper(
        PREPRINT,
        TITLE,
        abstract="We mix adapters sparsely.",
        authors=("Ada Lovelace", "Alan Turing"),
        published=dt.date(2023, 10, 2),
        categories=("cs.CL", "cs.LG"),
    )
    forum = add_paper(
        FORUM,
        TITLE + ".",
        source="openreview",
        abstract="An OpenReview abstract.",
        published=dt.date(2023, 9, 28),
        journal_ref="The Twelfth International Conference on Learning Representations",
        comments="ICLR 2024 Poster",
        categories=("cs.AI",),
        pdf_url="https://openreview.net/pdf?id=AbCdEf",
    )
    assert PossibleDuplicate.objects.filter(status="open").count() == 1
    return preprint, forum


def user(name: str):
    return get_user_model().objects.create_user(name, f"{name}@example.org", "pw-long-enough")


def add_count(paper: Paper, citations: int) -> SourceRecord:
    """The paper's citation count, as `paperhaul sync semantic-scholar` keeps it."""
    return SourceRecord.objects.create(
        paper=paper,
        source="semantic-scholar",
        source_id=paper.key,
        fetched_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        payload_hash=str(citations),
        data={"citations": citations},
    )
