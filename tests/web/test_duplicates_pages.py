"""Curators review possible duplicates: the list, telling two items apart, and a merge that shows
what it will do before it does it, undone from the merges page; readers cannot reach any of it."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from paperhaul.community.models import Vote
from paperhaul.papers.combine import combine
from paperhaul.papers.models import Merge, Paper, PossibleDuplicate
from paperhaul.web.links import paper_path
from tests.papers.conftest import add_paper

pytestmark = pytest.mark.django_db

PREPRINT = "arxiv:2310.01234"
FORUM = "url:https://openreview.net/forum?id=AbCdEf"


@pytest.fixture
def pair() -> tuple[Paper, Paper]:
    preprint = add_paper(PREPRINT, "Sparse Mixtures of Adapters", abstract="We mix adapters.")
    forum = add_paper(
        FORUM,
        "Sparse mixtures of adapters",
        source="openreview",
        comments="ICLR 2024 Poster",
        published=dt.date(2023, 9, 28),
    )
    return preprint, forum


def merge_url(keep: str, other: str) -> str:
    return "/library/merge/?" + urlencode({"keep": keep, "other": other})


def test_the_library_page_counts_the_reports_and_the_list_shows_both_items(curator_client, pair):
    overview = curator_client.get("/library/").content.decode()
    assert "1 possible duplicate to review" in overview
    page = curator_client.get("/library/duplicates/").content.decode()
    assert "Same normalised title" in page
    assert "Sparse Mixtures of Adapters" in page and "ICLR 2024 Poster" in page and "OpenReview" in page
    assert merge_url(PREPRINT, FORUM).replace("&", "&amp;") in page
    assert merge_url(FORUM, PREPRINT).replace("&", "&amp;") in page


def test_different_papers_leave_the_list_and_stay_two_items(curator_client, pair):
    report = PossibleDuplicate.objects.get()
    response = curator_client.post(f"/library/duplicates/{report.pk}/dismiss/", {"page": "1"})
    assert response.status_code == 302 and response["Location"] == "/library/duplicates/"
    page = curator_client.get(response["Location"]).content.decode()
    assert "Marked as different papers" in page and "No possible duplicates to review" in page
    report.refresh_from_db()
    assert report.status == "dismissed" and Paper.objects.count() == 2
    assert (
        'No <a href="/library/duplicates/">possible duplicates</a> to review'
        in curator_client.get("/library/").content.decode()
    )


def test_the_merge_page_says_what_will_happen_and_changes_nothing(curator_client, pair, reader):
    Vote.objects.create(user=reader, paper=pair[1])
    page = curator_client.get(merge_url(PREPRINT, FORUM))
    text = page.content.decode()
    assert page.status_code == 200
    assert "it takes from the other what it lacks: comments, first-version date" in text
    assert "Moves to the kept item: 1 identifier, 1 source record, 1 vote." in text
    assert merge_url(FORUM, PREPRINT).replace("&", "&amp;") in text  # keep the other one instead
    assert Paper.objects.count() == 2 and Vote.objects.get().paper_id == pair[1].pk


def test_merging_lands_on_the_kept_page_and_the_others_address_leads_there(curator_client, pair, reader):
    preprint, forum = pair
    Vote.objects.create(user=reader, paper=forum)
    response = curator_client.post("/library/merge/", {"keep": PREPRINT, "other": FORUM})
    assert response.status_code == 302 and response["Location"] == paper_path(preprint)
    page = curator_client.get(response["Location"]).content.decode()
    assert f"Merged {FORUM} into {PREPRINT}" in page and "ICLR 2024 Poster" in page
    assert "undo it from Merges" in page
    assert Paper.objects.get().key == PREPRINT and Vote.objects.get().paper_id == preprint.pk
    old = curator_client.get(paper_path(forum))
    assert old.status_code == 301 and old["Location"] == paper_path(preprint)
    assert old["Cache-Control"] == "max-age=86400", "browsers forget it in a day, in case of an undo"


def test_the_paper_page_offers_curators_the_merge(curator_client, pair):
    page = curator_client.get(paper_path(pair[0])).content.decode()
    assert merge_url(PREPRINT, FORUM).replace("&", "&amp;") in page
    assert "Same paper as another item?" in page


def test_an_unknown_item_or_the_same_item_twice_is_a_clear_error(curator_client, pair):
    unknown = curator_client.get(merge_url(PREPRINT, "arXiv:9999.99999"))
    assert unknown.status_code == 400 and "not in the library: arXiv:9999.99999" in unknown.content.decode()
    same = curator_client.post(
        "/library/merge/", {"keep": PREPRINT, "other": "https://arxiv.org/abs/2310.01234v2"}
    )
    assert same.status_code == 400 and "already one item" in same.content.decode()
    empty = curator_client.get("/library/merge/")
    assert empty.status_code == 200 and 'name="other"' in empty.content.decode()
    assert Paper.objects.count() == 2


def test_a_merge_found_wrong_is_undone_from_the_merges_page(curator_client, pair, reader):
    preprint, forum = pair
    Vote.objects.create(user=reader, paper=forum)
    curator_client.post("/library/merge/", {"keep": PREPRINT, "other": FORUM})
    merge = Merge.objects.get()
    kept_page = curator_client.get(paper_path(preprint)).content.decode()
    assert (
        f'<a href="/library/merges/{merge.pk}/undo/">undo…</a>' in kept_page
        and f"Took in <code>{FORUM}" in kept_page
    )
    listed = curator_client.get("/library/merges/").content.decode()
    assert f"<code>{FORUM}</code></strong> (“Sparse mixtures of adapters”) into" in listed
    assert f"Merge {merge.pk}," in listed and " by curator. Merged " in listed
    undo_url = f"/library/merges/{merge.pk}/undo/"
    assert f'href="{undo_url}"' in listed

    preview = curator_client.get(undo_url)
    text = preview.content.decode()
    assert preview.status_code == 200
    assert "It has again: 1 identifier, 1 source record, 1 vote." in text
    assert "The kept item's fields are as before the merge." in text
    assert Paper.objects.count() == 1, "the preview changes nothing"

    response = curator_client.post(undo_url)
    assert response.status_code == 302 and response["Location"] == paper_path(forum)
    landed = curator_client.get(response["Location"])
    assert (
        landed.status_code == 200 and f"Undid the merge of {FORUM} into {PREPRINT}" in landed.content.decode()
    )
    assert (
        Vote.objects.get().paper_id == forum.pk
        and curator_client.get(paper_path(preprint)).status_code == 200
    )
    listed = curator_client.get("/library/merges/").content.decode()
    assert "Undone " in listed and f'href="{undo_url}"' not in listed
    assert "Took in" not in curator_client.get(paper_path(preprint)).content.decode()
    again = curator_client.post(undo_url)
    assert again.status_code == 400 and "was undone already" in again.content.decode()
    assert Paper.objects.count() == 2


def test_readers_and_visitors_cannot_review_or_merge(client, reader, pair):
    combine(*pair)
    undo_url = f"/library/merges/{Merge.objects.get().pk}/undo/"
    for url in ("/library/duplicates/", merge_url(PREPRINT, FORUM), "/library/merges/", undo_url):
        assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(reader)
    assert client.get("/library/duplicates/").status_code == 403
    assert client.post("/library/merge/", {"keep": PREPRINT, "other": FORUM}).status_code == 403
    assert client.get("/library/merges/").status_code == 403
    assert client.post(undo_url).status_code == 403
    assert Paper.objects.count() == 1 and Merge.objects.get().undone_at is None
    shown = client.get(paper_path(pair[0])).content.decode()
    assert "Same paper as another item?" not in shown and "Took in" not in shown


def test_readers_cannot_dismiss_a_report(client, reader, pair):
    client.force_login(reader)
    report = PossibleDuplicate.objects.get()
    assert client.post(f"/library/duplicates/{report.pk}/dismiss/").status_code == 403
    assert Paper.objects.count() == 2 and PossibleDuplicate.objects.get().status == "open"


def test_a_curator_starts_the_search_for_near_identical_titles(curator_client):
    from tests.web.test_library import run_queued_jobs

    add_paper("arxiv:2401.00001", "Scaling Laws for Neural Language Models")
    add_paper("arxiv:2401.00002", "Scaling Law for Neural Language Models")
    page = curator_client.get("/library/duplicates/").content.decode()
    assert "No possible duplicates to review" in page and "at least 93% alike" in page
    response = curator_client.post("/library/duplicates/scan/")
    assert response.status_code == 302 and response["Location"].startswith("/library/jobs/")
    assert run_queued_jobs() == 1
    job = curator_client.get(response["Location"]).content.decode()
    assert "Look for near-identical titles" in job and "1 new possible duplicate" in job
    listed = curator_client.get("/library/duplicates/").content.decode()
    assert "Near-identical titles (0.99)" in listed and "Scaling Law for Neural" in listed
