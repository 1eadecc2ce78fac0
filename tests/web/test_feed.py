"""The reading lists: daily list (home), trending, new, categories, and submissions to today's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from paperhaul.community import reactions, trending
from paperhaul.community.daily import today
from paperhaul.community.models import Submission, Vote
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library
from tests.web.conftest import make_user, record

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].items]


def test_home_is_todays_list_most_upvoted_first(client, papers, reader, other_reader):
    sparse = papers["arxiv:2401.00002"]
    speech = papers["arxiv:2401.00003"]
    reactions.set_upvote(reader, sparse, True)
    reactions.set_upvote(other_reader, sparse, True)
    reactions.set_upvote(reader, speech, True)
    response = client.get("/")
    assert response.status_code == 200
    assert titles(response) == [
        "Sparse Attention for Long Documents",
        "Speech Recognition with Tiny Transformers",
        "Direct Preference Optimization for Diffusion Models",
    ]
    html = response.content.decode()
    assert "Reward Models Are Not Enough" not in html  # two days ago: another day's list
    assert '<span class="count">2</span>' in html


def test_day_navigation_skips_days_without_papers(client, today):
    two_days_ago = today - dt.timedelta(days=2)
    response = client.get("/")
    assert response.context["previous_day"] == two_days_ago
    assert response.context["next_day"] is None
    earlier = client.get(f"/day/{two_days_ago}/")
    assert titles(earlier) == ["Reward Models Are Not Enough"]
    assert earlier.context["next_day"] == today
    assert earlier.context["previous_day"] == today - dt.timedelta(days=30)


def test_date_picker_redirects_to_the_day_and_rejects_garbage(client, papers):
    response = client.get("/", {"date": "2024-01-05"})
    assert response.status_code == 302 and response["Location"] == "/day/2024-01-05/"
    response = client.get("/", {"date": "<script>"})
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_an_empty_day_and_an_impossible_date(client, papers):
    response = client.get("/day/2001-01-01/")
    assert response.status_code == 200 and "No papers on this day." in response.content.decode()
    assert client.get("/day/2001-02-30/").status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999"])
def test_bad_page_numbers_are_not_found(client, papers, page):
    assert client.get("/new/", {"page": page}).status_code == 404


def test_pages_of_a_long_list(client, db):
    from paperhaul.papers.upsert import Library

    Library().upsert([record(f"arxiv:2402.{i:05d}", f"Paper number {i}", days_ago=i % 3) for i in range(45)])
    first = client.get("/new/")
    second = client.get("/new/", {"page": "2"})
    assert len(first.context["page"].items) == 30 and first.context["page"].has_next
    assert len(second.context["page"].items) == 15 and not second.context["page"].has_next
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert not set(titles(first)) & set(titles(second))
    assert client.get("/new/", {"page": "3"}).status_code == 404


def test_new_lists_newest_first(client, papers):
    names = titles(client.get("/new/"))
    assert names[-1] == "An Old Paper About Tokenizers"
    assert names.index("Reward Models Are Not Enough") == 3


def test_category_page(client, papers):
    response = client.get("/c/cs.CV/")
    assert titles(response) == ["Direct Preference Optimization for Diffusion Models"]
    assert client.get("/c/no.SUCH/").status_code == 404


def test_trending_counts_recent_activity_more(client, papers, reader, other_reader):
    now = timezone.now()
    old, fresh = papers["arxiv:2312.00005"], papers["arxiv:2401.00004"]
    for user in (reader, other_reader):
        reactions.set_upvote(user, old, True)
    Vote.objects.filter(paper=old).update(created_at=now - dt.timedelta(days=4))
    reactions.set_upvote(reader, fresh, True)
    scores = dict(trending.trending_scores(now))
    assert scores[fresh.pk] == pytest.approx(1.0, abs=1e-3)
    assert scores[old.pk] == pytest.approx(2 * 0.5 ** (96 / 36), rel=1e-3)
    assert titles(client.get("/trending/")) == [fresh.title, old.title]


def test_trending_leaves_out_activity_older_than_the_window(papers, reader):
    reactions.set_upvote(reader, papers["arxiv:2401.00001"], True)
    Vote.objects.update(created_at=timezone.now() - trending.WINDOW - dt.timedelta(hours=1))
    assert trending.trending_scores() == []


def test_trending_empty_state(client, papers):
    response = client.get("/trending/")
    assert response.status_code == 200
    assert "Nothing is trending" in response.content.decode()


def test_submit_needs_an_account(client, papers):
    response = client.post("/submit/", {"target": "2312.00005"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Submission.objects.exists()


def test_submit_a_recent_paper_to_todays_list(reader_client, db):
    from paperhaul.papers.upsert import Library

    Library().upsert([record("arxiv:2401.00009", "A Paper From Last Week", days_ago=7)])
    response = reader_client.post("/submit/", {"target": "https://arxiv.org/pdf/2401.00009v2"}, follow=True)
    assert response.status_code == 200
    assert "is on today&#x27;s list" in response.content.decode()
    assert "A Paper From Last Week" in titles(response)
    again = reader_client.post("/submit/", {"target": "arXiv:2401.00009"})
    assert again.status_code == 400 and "already on the list" in again.content.decode()
    assert Submission.objects.count() == 1


def test_submit_refuses_papers_older_than_the_window(reader_client, papers):
    response = reader_client.post("/submit/", {"target": "2312.00005"})
    assert response.status_code == 400
    assert "more than 14 days ago" in response.content.decode()
    assert not Submission.objects.exists()


def link_only(key: str, title: str) -> None:
    Library().upsert([PaperRecord(source="haul", key=key, title=title)])


def test_submit_refuses_an_undated_paper_whose_arxiv_id_is_older_than_the_window(reader_client, db):
    """A paper a haul post linked to has no date, but its arXiv id says the month it was submitted."""
    link_only("arxiv:2305.04388", "Unfaithful explanations")
    response = reader_client.post("/submit/", {"target": "https://arxiv.org/abs/2305.04388"})
    assert response.status_code == 400
    assert "first submitted to arXiv in May 2023, more than 14 days ago" in response.content.decode()
    assert not Submission.objects.exists()


def test_submit_accepts_an_undated_paper_whose_arxiv_month_may_be_recent(reader_client, db):
    this_month = today().strftime("%y%m")
    link_only(f"arxiv:{this_month}.00042", "Fresh")
    response = reader_client.post("/submit/", {"target": f"arXiv:{this_month}.00042"})
    assert response.status_code == 302 and Submission.objects.count() == 1


def test_submit_says_which_source_is_unreachable(reader_client, db, unreachable_arxiv):
    response = reader_client.post("/submit/", {"target": "2401.99999"})
    assert response.status_code == 400
    assert unreachable_arxiv in response.content.decode()
    assert reader_client.get("/").status_code == 200


def test_submit_with_nothing_or_garbage(reader_client, db):
    assert "paste an arXiv id" in reader_client.post("/submit/", {"target": "  "}).content.decode()
    response = reader_client.post("/submit/", {"target": "not a paper at all"})
    assert response.status_code == 400 and "not an arXiv id, DOI or URL" in response.content.decode()


def test_submissions_are_rate_limited(client, db, settings):
    settings.PAPERHAUL_RATE_SUBMISSIONS = "2/m"
    client.force_login(make_user("eager"))
    statuses = [client.post("/submit/", {"target": ""}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert "too many submissions" in client.post("/submit/", {"target": ""}).content.decode()


def test_csrf_is_required_to_submit(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("nocsrf"))
    response = client.post("/submit/", {"target": "2401.00001"})
    assert response.status_code == 403
    assert "security token" in response.content.decode()


def test_unknown_pages_get_the_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "There is no page here" in response.content.decode()


def test_oversized_bodies_are_refused_before_they_are_read(client, db, settings):
    settings.PAPERHAUL_MAX_REQUEST_BYTES = 1000
    response = client.post("/submit/", {"target": "x" * 5000})
    assert response.status_code == 413
    assert "at most 1,000 bytes" in response.content.decode()


def test_pages_carry_a_content_security_policy(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy


@pytest.mark.parametrize(
    "address", ["/search/?q=a%00b", "/search/?category=%00", "/api/search?source=%00", "/api/typeahead?q=%00"]
)
def test_a_nul_character_in_an_address_is_refused(client, papers, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
    assert client.get("/search/", {"q": "sparse attention"}).status_code == 200
