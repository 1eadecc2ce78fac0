"""Upvotes and saves: toggles, one vote per reader, JSON for the script, POST only, limits and CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from paperhaul.community.models import SavedPaper, Vote
from paperhaul.community.reactions import upvote_count

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def dpo(papers):
    return papers["arxiv:2401.00001"]


def test_form_vote_toggles_and_returns_to_the_page_it_came_from(reader_client, dpo):
    response = reader_client.post(f"/p/{dpo.pk}/vote/", {"next": "/new/?page=1"})
    assert response.status_code == 302 and response["Location"] == "/new/?page=1"
    assert upvote_count(dpo) == 1
    page = reader_client.get("/papers/2401.00001").content.decode()
    assert 'aria-pressed="true"' in page and '<span class="count">1</span>' in page
    reader_client.post(f"/p/{dpo.pk}/vote/", {"next": "/"})
    assert upvote_count(dpo) == 0
    assert not Vote.objects.exists()


def test_one_vote_per_reader(client, reader, other_reader, dpo):
    for user in (reader, other_reader):
        client.force_login(user)
        client.post(f"/p/{dpo.pk}/vote/", **JSON)
    assert upvote_count(dpo) == 2
    response = client.post(f"/p/{dpo.pk}/vote/", **JSON)  # other_reader again: takes it back
    assert response.json() == {"voted": False, "upvotes": 1}
    assert list(Vote.objects.values_list("user__username", flat=True)) == ["reader"]


def test_json_answers_for_the_script(reader_client, dpo):
    response = reader_client.post(f"/p/{dpo.pk}/vote/", **JSON)
    assert response.status_code == 200
    assert response.json() == {"voted": True, "upvotes": 1}
    response = reader_client.post(f"/p/{dpo.pk}/save/", **JSON)
    assert response.json() == {"saved": True}
    response = reader_client.post(f"/p/{dpo.pk}/save/", **JSON)
    assert response.json() == {"saved": False}


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_next_off_this_site_goes_to_the_paper_page_instead(reader_client, dpo, target):
    response = reader_client.post(f"/p/{dpo.pk}/vote/", {"next": target})
    assert response["Location"] == "/papers/2401.00001"


def test_save_toggles_and_shows_saved(reader_client, reader, dpo):
    response = reader_client.post(f"/p/{dpo.pk}/save/")
    assert response.status_code == 302 and response["Location"] == "/papers/2401.00001"
    assert SavedPaper.objects.filter(user=reader, paper=dpo).exists()
    html = reader_client.get("/papers/2401.00001").content.decode()
    assert 'data-enhance="save"' in html and "★" in html
    reader_client.post(f"/p/{dpo.pk}/save/")
    assert not SavedPaper.objects.exists()


@pytest.mark.parametrize("action", ["vote", "save"])
def test_anonymous_post_goes_to_log_in_and_changes_nothing(client, dpo, action):
    response = client.post(f"/p/{dpo.pk}/{action}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Vote.objects.exists() and not SavedPaper.objects.exists()


@pytest.mark.parametrize("action", ["vote", "save"])
def test_get_never_changes_anything(reader_client, client, dpo, action):
    assert reader_client.get(f"/p/{dpo.pk}/{action}/").status_code == 405
    assert Client().get(f"/p/{dpo.pk}/{action}/").status_code == 405
    assert not Vote.objects.exists() and not SavedPaper.objects.exists()


def test_unknown_paper_is_404(reader_client, papers):
    assert reader_client.post("/p/999999/vote/").status_code == 404
    assert reader_client.post("/p/999999/save/").status_code == 404


def test_too_many_votes_get_429(reader_client, dpo, papers, settings):
    settings.PAPERHAUL_RATE_VOTES = "2/m"
    sparse = papers["arxiv:2401.00002"]
    assert reader_client.post(f"/p/{dpo.pk}/vote/", **JSON).status_code == 200
    assert reader_client.post(f"/p/{sparse.pk}/vote/", **JSON).status_code == 200
    response = reader_client.post(f"/p/{dpo.pk}/save/")
    assert response.status_code == 429
    assert "too many upvotes, saves, read marks and list changes" in response.content.decode()
    assert upvote_count(dpo) == 1 and upvote_count(sparse) == 1
    assert not SavedPaper.objects.exists()


@pytest.mark.parametrize("action", ["vote", "save"])
def test_post_without_csrf_token_is_refused(reader, dpo, action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = client.post(f"/p/{dpo.pk}/{action}/", **JSON)
    assert response.status_code == 403
    assert "security token" in response.content.decode()
    assert not Vote.objects.exists() and not SavedPaper.objects.exists()


def test_post_with_the_pages_csrf_token_is_accepted(reader, dpo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    client.get("/papers/2401.00001")
    token = client.cookies["csrftoken"].value
    response = client.post(f"/p/{dpo.pk}/vote/", HTTP_X_CSRFTOKEN=token, **JSON)
    assert response.json() == {"voted": True, "upvotes": 1}
