"""Fixtures of the web tests: a few papers over several days, readers, a moderator and a curator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library
from tests.local_servers import free_port

PASSWORD = "correct horse battery staple"


def record(
    key: str,
    title: str,
    *,
    days_ago: int = 0,
    abstract: str = "",
    authors=("Ada Lovelace",),
    categories=("cs.CL",),
    code_url: str = "",
) -> PaperRecord:
    published = timezone.localdate() - dt.timedelta(days=days_ago)
    return PaperRecord(
        key=key,
        title=title,
        abstract=abstract or f"We study {title.lower()}. Our method improves results on three benchmarks.",
        authors=tuple(authors),
        published=published,
        updated=published,
        primary_category=categories[0] if categories else "",
        categories=tuple(categories),
        code_url=code_url,
        source="test",
        source_id=key,
    )


@pytest.fixture
def papers(db):
    """Five papers: three today, one two days ago, one a month ago."""
    library = Library()
    records = [
        record(
            "arxiv:2401.00001",
            "Direct Preference Optimization for Diffusion Models",
            authors=("Bram Wallace", "Meihua Dang"),
            categories=("cs.CV", "cs.LG"),
            code_url="https://github.com/example/diffusion-dpo",
        ),
        record("arxiv:2401.00002", "Sparse Attention for Long Documents", authors=("Iz Beltagy",)),
        record("arxiv:2401.00003", "Speech Recognition with Tiny Transformers", categories=("eess.AS",)),
        record("arxiv:2401.00004", "Reward Models Are Not Enough", days_ago=2, categories=("cs.LG",)),
        record("arxiv:2312.00005", "An Old Paper About Tokenizers", days_ago=30),
    ]
    library.upsert(records)
    from paperhaul.papers.models import Paper

    return {p.key: p for p in Paper.objects.all()}


@pytest.fixture
def today(papers) -> dt.date:
    """The day the papers fixture took as today. Periods and days are built on it, not on the clock
    read when a test module is imported: a run that crossed midnight left that date a day behind
    the papers and their digests empty."""
    return papers["arxiv:2401.00001"].published


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


@pytest.fixture
def reader(db):
    return make_user("reader")


@pytest.fixture
def other_reader(db):
    return make_user("other")


@pytest.fixture
def moderator(db):
    user = make_user("moderator")
    user.groups.add(Group.objects.get(name="moderators"))
    return user


@pytest.fixture
def curator(db):
    return make_user("curator", is_staff=True)


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def unreachable_arxiv(settings) -> str:
    """arXiv's API at a loopback port nothing listens on, asked once and without waiting: the
    ``host:port`` an error about it names."""
    port = free_port()
    settings.PAPERHAUL_ARXIV_API_URL = f"http://127.0.0.1:{port}/api/query"
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_ARXIV_DELAY = 0
    return f"127.0.0.1:{port}"
