"""Helpers of the library's tests."""

from __future__ import annotations

from paperhaul.papers.models import Paper
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library


def add_paper(key: str, title: str, **fields) -> Paper:
    """Merge one record (an arXiv API record unless ``source`` says otherwise) and return its paper."""
    fields.setdefault("source", "arxiv-api")
    Library().upsert([PaperRecord(key=key, title=title, **fields)])
    return Paper.objects.get(key=key)
