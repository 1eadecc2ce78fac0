"""The admin: API tokens without their text, community records read-only, comments hidden and shown."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from paperhaul.accounts import services
from paperhaul.community import comments, reactions
from paperhaul.community.models import Comment, PaperActivity, Submission
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def comment(papers, reader) -> Comment:
    return comments.add_comment(reader, papers["arxiv:2401.00001"], "Nice **result**, but where is the code?")


def comment_count(paper) -> int:
    return PaperActivity.objects.get(paper=paper).comments


def test_admin_lists_tokens_without_their_text(admin_client, reader):
    row, token = services.issue_token(reader, "laptop")
    listing = admin_client.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "laptop" in page and row.prefix in page and token not in page
    detail = admin_client.get(f"/admin/accounts/apitoken/{row.pk}/change/").content.decode()
    assert row.digest in detail and token not in detail
    assert 'name="name"' not in detail  # every field read-only
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_admin_can_revoke_a_token(admin_client, reader):
    row, _ = services.issue_token(reader, "leaked")
    response = admin_client.post(f"/admin/accounts/apitoken/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not reader.api_tokens.exists()


def test_admin_hides_and_shows_comments_keeping_the_counter_right(admin_client, comment):
    paper = comment.paper
    listing = admin_client.get("/admin/community/comment/")
    assert listing.status_code == 200
    assert "Nice **result**" in listing.content.decode()
    assert comment_count(paper) == 1

    response = admin_client.post(
        "/admin/community/comment/", {"action": "hide", "_selected_action": [comment.pk]}, follow=True
    )
    assert "1 comment(s) hidden." in response.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_at is not None and comment.hidden_by.username == "root"
    assert comment_count(paper) == 0

    def listed(hidden: str) -> bool:
        page = admin_client.get("/admin/community/comment/", {"hidden": hidden}).content.decode()
        return "Nice **result**" in page

    assert listed("yes") and not listed("no")

    admin_client.post("/admin/community/comment/", {"action": "show", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.hidden_at is None and comment.hidden_by is None
    assert comment_count(paper) == 1


def test_comments_cannot_be_edited_or_deleted_in_the_admin(admin_client, comment):
    detail = admin_client.get(f"/admin/community/comment/{comment.pk}/change/")
    assert detail.status_code == 200
    assert 'name="body"' not in detail.content.decode()
    refused = admin_client.post(f"/admin/community/comment/{comment.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403
    assert Comment.objects.filter(pk=comment.pk, body__startswith="Nice").exists()


def test_staff_who_may_see_but_not_moderate_get_no_hide_action(comment):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client = Client()
    client.force_login(viewer)
    listing = client.get("/admin/community/comment/")
    assert listing.status_code == 200
    assert 'value="hide"' not in listing.content.decode()
    client.post("/admin/community/comment/", {"action": "hide", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_staff_without_permissions_cannot_open_the_comments(curator, comment):
    client = Client()
    client.force_login(curator)
    assert client.get("/admin/community/comment/").status_code == 403


def test_votes_saved_papers_and_counters_are_read_only(admin_client, papers, reader):
    paper = papers["arxiv:2401.00002"]
    reactions.set_upvote(reader, paper, True)
    reactions.set_saved(reader, paper, True)
    for model in ("vote", "savedpaper", "paperactivity"):
        listing = admin_client.get(f"/admin/community/{model}/")
        assert listing.status_code == 200, model
        assert "Sparse Attention for Long Documents" in listing.content.decode(), model
        assert admin_client.get(f"/admin/community/{model}/add/").status_code == 403, model
    vote = reader.votes.get()
    assert admin_client.post(f"/admin/community/vote/{vote.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PaperActivity.objects.get(paper=paper).upvotes == 1


def test_a_spam_submission_can_be_removed(admin_client, papers, reader):
    submission = Submission.objects.create(
        day=papers["arxiv:2312.00005"].published, paper=papers["arxiv:2312.00005"], submitted_by=reader
    )
    listing = admin_client.get("/admin/community/submission/").content.decode()
    assert "An Old Paper About Tokenizers" in listing
    response = admin_client.post(f"/admin/community/submission/{submission.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Submission.objects.exists()


def test_possible_duplicates_link_the_merge_page(admin_client):
    from paperhaul.papers.models import PossibleDuplicate
    from tests.papers.conftest import add_paper

    add_paper("arxiv:2310.01234", "Sparse Mixtures of Adapters")
    add_paper(
        "url:https://openreview.net/forum?id=AbCdEf", "Sparse mixtures of adapters", source="openreview"
    )
    assert PossibleDuplicate.objects.count() == 1
    page = admin_client.get("/admin/papers/possibleduplicate/").content.decode()
    assert (
        '<a href="/library/merge/?keep=arxiv%3A2310.01234&amp;other=url%3Ahttps%3A%2F%2Fopenreview.net'
        '%2Fforum%3Fid%3DAbCdEf">Merge…</a>'
    ) in page


def test_merges_are_listed_read_only_with_their_undo_page(admin_client):
    from paperhaul.papers.combine import combine
    from paperhaul.papers.models import Merge
    from tests.papers.conftest import add_paper

    preprint = add_paper("arxiv:2310.01234", "Sparse Mixtures of Adapters")
    combine(preprint, add_paper("arxiv:2401.00009", "Sparse mixtures of adapters"))
    merge = Merge.objects.get()
    listing = admin_client.get("/admin/papers/merge/").content.decode()
    assert (
        "arxiv:2401.00009" in listing and f'<a href="/library/merges/{merge.pk}/undo/">Undo…</a>' in listing
    )
    detail = admin_client.get(f"/admin/papers/merge/{merge.pk}/change/").content.decode()
    assert "Merged arxiv:2401.00009 into arxiv:2310.01234" in detail and 'name="summary"' not in detail
    assert admin_client.get("/admin/papers/merge/add/").status_code == 403
