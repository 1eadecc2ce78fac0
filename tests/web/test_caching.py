"""Pages are shared from the cache with signed-out readers for a minute, never with signed-in ones."""

from __future__ import annotations

import pytest

from paperhaul.community import comments, reactions
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from tests.web.conftest import record

pytestmark = pytest.mark.django_db


def test_signed_out_readers_share_a_cached_list(client, papers):
    first = client.get("/new/")
    Paper.objects.filter(key="arxiv:2401.00002").update(title="Renamed Behind the Cache's Back")
    assert client.get("/new/").content == first.content


def test_a_query_string_is_a_page_of_its_own(client, papers):
    client.get("/new/")
    Paper.objects.filter(key="arxiv:2401.00002").update(title="Renamed Behind the Cache's Back")
    assert "Renamed Behind" in client.get("/new/?page=1").content.decode()


def test_signed_in_readers_always_get_a_fresh_page(reader_client, papers):
    reader_client.get("/new/")
    Paper.objects.filter(key="arxiv:2401.00002").update(title="Renamed Behind the Cache's Back")
    assert "Renamed Behind" in reader_client.get("/new/").content.decode()


def test_a_vote_or_comment_refreshes_the_papers_cached_page(
    client, papers, reader, django_capture_on_commit_callbacks
):
    paper = papers["arxiv:2401.00003"]
    assert '<span class="count">0</span>' in client.get("/papers/2401.00003").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        reactions.set_upvote(reader, paper, True)
    assert '<span class="count">1</span>' in client.get("/papers/2401.00003").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        comments.add_comment(reader, paper, "A comment readers see at once.")
    assert "A comment readers see at once." in client.get("/papers/2401.00003").content.decode()


def test_errors_are_not_cached(client, papers):
    assert client.get("/papers/2401.77777").status_code == 404
    Library().upsert([record("arxiv:2401.77777", "Arrived After a Reader Looked For It")])
    assert client.get("/papers/2401.77777").status_code == 200
