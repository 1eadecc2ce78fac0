"""The first run: an empty library's home page says so and offers the next step for who is looking."""

from __future__ import annotations

import pytest

from paperhaul.papers.models import Job, Paper

pytestmark = pytest.mark.django_db

FIRST_STEPS = ('href="/library/#sync"', 'href="/library/#import"', 'href="/library/#add"')


def test_fresh_install_invites_to_create_the_first_account(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "feed/welcome.html"
    html = response.content.decode()
    assert "The library is empty" in html
    assert 'href="/accounts/signup/">create the first account</a>' in html
    assert not any(step in html for step in FIRST_STEPS)


def test_curator_gets_the_three_first_steps(client, curator):
    client.force_login(curator)
    html = client.get("/").content.decode()
    assert "The library is empty" in html
    for step in FIRST_STEPS:
        assert step in html
    assert "create the first account" not in html


def test_reader_is_offered_to_submit_a_paper(reader_client):
    html = reader_client.get("/").content.decode()
    assert "The library is empty" in html
    assert 'href="/submit/">submit a paper</a>' in html
    assert not any(step in html for step in FIRST_STEPS)


def test_anonymous_visitor_of_a_site_with_accounts_is_not_invited_to_sign_up_as_admin(client, reader):
    html = client.get("/").content.decode()
    assert "create the first account" not in html
    assert "An administrator fills the library" in html


def test_recent_jobs_and_their_problems_show_on_the_welcome_page(client, curator):
    Job.objects.create(
        kind="sync-listings",
        label="Fetch the latest arXiv listings: cs.CL",
        state=Job.State.FAILED,
        message="cs.CL: arXiv listings unreachable: timed out after 3 tries (https://rss.arxiv.org/rss/cs.CL)",
    )
    client.force_login(curator)
    html = client.get("/").content.decode()
    job = Job.objects.get()
    assert f'href="/library/jobs/{job.pk}/"' in html
    assert "Failed: cs.CL: arXiv listings unreachable: timed out" in html


def test_once_papers_exist_home_is_the_daily_list(client, papers):
    response = client.get("/")
    assert response.status_code == 200
    assert "feed/daily.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "The library is empty" not in html
    assert "Sparse Attention for Long Documents" in html


def test_a_library_whose_papers_have_no_date_is_not_called_empty(client, curator):
    """Haul posts and title-only records bring papers without dates: no daily list, but papers."""
    Paper.objects.create(key="arxiv:2311.11077", title="Tiny experts", title_norm="tiny experts", trust=1)
    Paper.objects.create(key="title:a note", title="A note", title_norm="a note", trust=2)
    html = client.get("/").content.decode()
    assert "The library is empty" not in html
    assert "No paper has a date yet" in html and "The library holds 2 papers" in html
    assert 'href="/new/">the newest additions</a>' in html
    assert "paperhaul refresh --incomplete" in html
    assert "#refresh" not in html, "only curators are sent to the Library page"

    client.force_login(curator)
    html = client.get("/").content.decode()
    assert (
        'href="/library/#refresh">Fill in the 2 papers known only by a link, a citation or a title</a>'
        in html
    )
