"""Writes through the API: who may write, votes, saves, comments, moderation, submissions, limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.middleware.csrf import CSRF_SECRET_LENGTH
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from paperhaul.accounts.models import ApiToken
from paperhaul.community import comments
from paperhaul.community.models import Comment, SavedPaper, Submission, Vote
from paperhaul.papers.upsert import Library
from tests.api.conftest import bearer
from tests.web.conftest import make_user, record

pytestmark = pytest.mark.django_db

VOTE = "/api/papers/2401.00001/vote"
COMMENTS = "/api/papers/2401.00001/comments"


def post_json(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers)


def patch_json(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", headers=headers)


# Who may write


def test_votes_with_a_token_are_idempotent(client, papers, as_reader):
    assert client.put(VOTE, headers=as_reader).json() == {"voted": True, "upvotes": 1}
    assert client.put(VOTE, headers=as_reader).json() == {"voted": True, "upvotes": 1}
    assert client.get("/api/papers/2401.00001", headers=as_reader).json()["voted"] is True
    assert client.delete(VOTE, headers=as_reader).json() == {"voted": False, "upvotes": 0}
    assert client.delete(VOTE, headers=as_reader).json() == {"voted": False, "upvotes": 0}
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "authentication required"),
        ({"Authorization": "Bearer ph_not-a-real-token"}, "unknown or revoked API token"),
        ({"Authorization": "Bearer "}, "unknown or revoked API token"),
        ({"Authorization": "Basic cmVhZGVyOnB3"}, "authentication required"),
    ],
)
def test_writes_without_a_usable_token_are_401(client, papers, headers, detail):
    response = client.put(VOTE, headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"].startswith(detail)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Vote.objects.exists()


def test_a_revoked_token_or_a_deactivated_account_is_refused(client, papers, reader):
    row, token = ApiToken.issue(reader, "laptop")
    headers = {"Authorization": f"Bearer {token}"}
    reader.is_active = False
    reader.save()
    response = client.put(VOTE, headers=headers)
    assert response.status_code == 401 and "deactivated" in response.json()["detail"]
    reader.is_active = True
    reader.save()
    row.delete()
    assert client.put(VOTE, headers=headers).json()["detail"] == "unknown or revoked API token"
    assert not Vote.objects.exists()


def test_token_use_is_recorded_at_most_once_a_minute(client, papers, reader):
    row, token = ApiToken.issue(reader, "script")
    headers = {"Authorization": f"Bearer {token}"}
    client.put(VOTE, headers=headers)
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=10)
    client.delete(VOTE, headers=headers)
    row.refresh_from_db()
    assert row.last_used_at == first
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.put(VOTE, headers=headers)
    row.refresh_from_db()
    assert row.last_used_at > first


def test_a_session_writes_only_with_its_csrf_token(papers, reader):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    refused = browser.put(VOTE)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Vote.objects.exists()
    secret = get_random_string(CSRF_SECRET_LENGTH)
    browser.cookies["csrftoken"] = secret
    accepted = browser.put(VOTE, headers={"X-CSRFToken": secret})
    assert accepted.status_code == 200 and accepted.json() == {"voted": True, "upvotes": 1}


def test_an_anonymous_browser_gets_401_not_a_csrf_error(papers):
    response = Client(enforce_csrf_checks=True).put(VOTE)
    assert response.status_code == 401


def test_a_bad_token_is_refused_even_with_a_session(reader_client, papers):
    response = reader_client.put(VOTE, headers={"Authorization": "Bearer ph_wrong"})
    assert response.status_code == 401
    assert not Vote.objects.exists()


def test_wrong_method_is_a_json_405(client, papers):
    response = client.get(VOTE)
    assert response.status_code == 405
    assert response.json()["detail"].startswith("GET is not allowed here")
    assert set(response["Allow"].split(", ")) == {"PUT", "DELETE"}


def test_unknown_paper_is_404_for_writes(client, papers, as_reader):
    response = client.put("/api/papers/2401.99999/vote", headers=as_reader)
    assert response.status_code == 404
    assert response.json() == {"detail": "not in the library: 2401.99999"}


# Votes, saves and their limits


def test_saves(client, papers, reader, as_reader):
    url = "/api/papers/2401.00002/save"
    assert client.put(url, headers=as_reader).json() == {"saved": True}
    assert client.put(url, headers=as_reader).json() == {"saved": True}
    assert SavedPaper.objects.filter(user=reader).count() == 1
    assert client.get("/api/papers/2401.00002", headers=as_reader).json()["saved"] is True
    assert client.delete(url, headers=as_reader).json() == {"saved": False}
    assert not SavedPaper.objects.exists()


def test_over_limit_votes_get_429(client, papers, as_reader, settings):
    settings.PAPERHAUL_RATE_VOTES = "3/m"
    statuses = [client.put(VOTE, headers=as_reader).status_code for _ in range(3)]
    over = client.delete(VOTE, headers=as_reader)
    assert statuses == [200, 200, 200]
    assert over.status_code == 429
    assert over.json()["detail"].startswith("too many upvotes, saves, read marks and list changes")
    assert Vote.objects.count() == 1


def test_limits_count_per_user_not_per_token(client, papers, reader, settings):
    settings.PAPERHAUL_RATE_VOTES = "2/m"
    assert client.put(VOTE, headers=bearer(reader)).status_code == 200
    assert client.put(VOTE, headers=bearer(reader)).status_code == 200
    assert client.put(VOTE, headers=bearer(reader)).status_code == 429
    assert client.put(VOTE, headers=bearer(make_user("someone"))).status_code == 200


def test_oversized_bodies_are_413_json(client, papers, as_reader, settings):
    settings.PAPERHAUL_MAX_REQUEST_BYTES = 1000
    response = post_json(client, COMMENTS, {"body": "x" * 2000}, **as_reader)
    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large: at most 1,000 bytes"}
    assert not Comment.objects.exists()


# Comments


def test_comment_and_reply_make_a_thread(client, papers, as_reader, as_other):
    first = post_json(client, COMMENTS, {"body": "Nice **results**.", "parent": None}, **as_reader)
    assert first.status_code == 201
    comment = first.json()
    assert comment["author"] == "reader" and comment["state"] == "visible"
    assert (
        comment["body"] == "Nice **results**."
        and comment["html"] == "<p>Nice <strong>results</strong>.</p>\n"
    )
    reply = post_json(client, COMMENTS, {"body": "Agreed.", "parent": comment["id"]}, **as_other)
    assert reply.status_code == 201 and reply.json()["parent"] == comment["id"]
    thread = client.get(COMMENTS).json()
    assert [c["id"] for c in thread] == [comment["id"]]
    assert thread[0]["replies"][0]["body"] == "Agreed."
    assert thread[0]["replies"][0]["depth"] == 1
    assert client.get("/api/papers/2401.00001").json()["comment_count"] == 2


def test_comment_html_is_sanitised(client, papers, as_reader):
    body = '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">'
    html = post_json(client, COMMENTS, {"body": body}, **as_reader).json()["html"]
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_a_comment_over_10000_characters_is_400(client, papers, as_reader):
    response = post_json(client, COMMENTS, {"body": "x" * 10_001}, **as_reader)
    assert response.status_code == 400
    assert response.json() == {"detail": "a comment is at most 10,000 characters (this one has 10,001)"}
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        ({"body": "   "}, "a comment needs some text"),
        ({"body": "hello", "parent": 999}, "there is no comment 999 to answer"),
    ],
)
def test_bad_comments_are_400(client, papers, as_reader, data, detail):
    response = post_json(client, COMMENTS, data, **as_reader)
    assert response.status_code == 400 and response.json() == {"detail": detail}
    assert not Comment.objects.exists()


def test_malformed_comment_bodies_are_refused(client, papers, as_reader):
    assert post_json(client, COMMENTS, {"text": "no body field"}, **as_reader).status_code == 422
    garbled = client.post(COMMENTS, "{not json", content_type="application/json", headers=as_reader)
    assert garbled.status_code == 400 and garbled.json() == {"detail": "Cannot parse request body"}
    assert not Comment.objects.exists()


def test_a_reply_must_be_on_the_same_paper(client, papers, reader, as_reader):
    elsewhere = comments.add_comment(reader, papers["arxiv:2401.00002"], "On another paper.")
    response = post_json(client, COMMENTS, {"body": "Reply", "parent": elsewhere.pk}, **as_reader)
    assert response.status_code == 400 and "same paper" in response.json()["detail"]


def test_only_the_author_edits_and_deletes(client, papers, reader, as_reader, as_other):
    comment = comments.add_comment(reader, papers["arxiv:2401.00001"], "Frist.")
    url = f"/api/comments/{comment.pk}"
    other_edit = patch_json(client, url, {"body": "Hijacked."}, **as_other)
    assert other_edit.status_code == 403 and other_edit.json() == {
        "detail": "only its author can edit a comment"
    }
    assert client.delete(url, headers=as_other).status_code == 403
    edited = patch_json(client, url, {"body": "First."}, **as_reader)
    assert edited.status_code == 200
    assert edited.json()["body"] == "First." and edited.json()["edited_at"] is not None
    too_long = patch_json(client, url, {"body": "y" * 10_001}, **as_reader)
    assert too_long.status_code == 400
    comment.refresh_from_db()
    assert comment.body == "First."
    deleted = client.delete(url, headers=as_reader)
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get(COMMENTS).json() == []
    assert client.get("/api/papers/2401.00001").json()["comment_count"] == 0


def test_a_deleted_comment_with_replies_stays_as_a_placeholder(
    client, papers, reader, other_reader, as_reader
):
    paper = papers["arxiv:2401.00001"]
    parent = comments.add_comment(reader, paper, "Secret opinion.")
    comments.add_comment(other_reader, paper, "A reply.", parent)
    client.delete(f"/api/comments/{parent.pk}", headers=as_reader)
    [node] = client.get(COMMENTS).json()
    assert (node["state"], node["author"], node["body"], node["html"]) == ("deleted", None, "", "")
    assert node["replies"][0]["body"] == "A reply."
    assert patch_json(client, f"/api/comments/{parent.pk}", {"body": "Back."}, **as_reader).status_code == 400


def test_unknown_comment_is_404(client, papers, as_reader, as_moderator):
    assert patch_json(client, "/api/comments/999", {"body": "x"}, **as_reader).status_code == 404
    assert client.delete("/api/comments/999", headers=as_reader).json() == {"detail": "no comment 999"}
    assert client.post("/api/comments/999/hide", headers=as_moderator).status_code == 404


def test_only_moderators_hide_and_show(client, papers, reader, as_reader, as_moderator, moderator):
    comment = comments.add_comment(reader, papers["arxiv:2401.00001"], "Buy cheap pills.")
    refused = client.post(f"/api/comments/{comment.pk}/hide", headers=as_reader)
    assert refused.status_code == 403 and refused.json() == {"detail": "only moderators can hide comments"}
    hidden = client.post(f"/api/comments/{comment.pk}/hide", headers=as_moderator)
    assert hidden.status_code == 200 and hidden.json()["state"] == "hidden"
    assert client.get(COMMENTS).json() == []
    seen_by_moderator = client.get(COMMENTS, headers=as_moderator).json()
    assert seen_by_moderator[0]["state"] == "hidden" and seen_by_moderator[0]["body"] == "Buy cheap pills."
    assert client.get("/api/papers/2401.00001").json()["comment_count"] == 0
    assert client.post(f"/api/comments/{comment.pk}/show", headers=as_reader).status_code == 403
    shown = client.post(f"/api/comments/{comment.pk}/show", headers=as_moderator)
    assert shown.status_code == 200 and shown.json()["state"] == "visible"
    assert client.get(COMMENTS).json()[0]["body"] == "Buy cheap pills."


def test_a_hidden_comment_with_replies_is_a_placeholder_for_readers(client, papers, reader, moderator):
    paper = papers["arxiv:2401.00001"]
    spam = comments.add_comment(reader, paper, "Spam.")
    comments.add_comment(moderator, paper, "Please don't.", spam)
    comments.set_hidden(moderator, spam, True)
    [node] = client.get(COMMENTS).json()
    assert (node["state"], node["author"], node["body"]) == ("hidden", None, "")
    assert node["replies"][0]["body"] == "Please don't."


def test_over_limit_comments_get_429(client, papers, as_reader, settings):
    settings.PAPERHAUL_RATE_COMMENTS = "2/m"
    statuses = [
        post_json(client, COMMENTS, {"body": f"comment {i}"}, **as_reader).status_code for i in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert Comment.objects.count() == 2


# Submissions to the daily list

SUBMISSIONS = "/api/daily/submissions"


def test_submit_a_recent_paper(client, db, as_reader):
    Library().upsert([record("arxiv:2401.00009", "A Paper From Last Week", days_ago=7)])
    response = post_json(client, SUBMISSIONS, {"target": "https://arxiv.org/pdf/2401.00009v2"}, **as_reader)
    assert response.status_code == 201
    body = response.json()
    assert body["day"] == timezone.localdate().isoformat()
    assert body["paper"]["key"] == "arxiv:2401.00009" and body["paper"]["upvotes"] == 0
    assert [p["key"] for p in client.get("/api/daily").json()["papers"]] == ["arxiv:2401.00009"]
    again = post_json(client, SUBMISSIONS, {"target": "arXiv:2401.00009"}, **as_reader)
    assert again.status_code == 400 and "already on the list" in again.json()["detail"]
    assert Submission.objects.count() == 1


def test_submit_refuses_old_papers(client, papers, as_reader):
    response = post_json(client, SUBMISSIONS, {"target": "2312.00005"}, **as_reader)
    assert response.status_code == 400
    assert "more than 14 days ago: only recent papers can be submitted" in response.json()["detail"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("target", "detail"), [("  ", "paste an arXiv id"), ("not a paper at all", "not an arXiv id, DOI or URL")]
)
def test_submit_nothing_or_garbage(client, db, as_reader, target, detail):
    response = post_json(client, SUBMISSIONS, {"target": target}, **as_reader)
    assert response.status_code == 400 and detail in response.json()["detail"]


def test_submit_with_an_unreachable_source_is_502(client, db, as_reader, unreachable_arxiv):
    response = post_json(client, SUBMISSIONS, {"target": "2401.99999"}, **as_reader)
    assert response.status_code == 502
    assert unreachable_arxiv in response.json()["detail"]
    assert not Submission.objects.exists()
    assert client.get("/api/daily").status_code == 200


def test_submit_needs_an_account_and_is_rate_limited(client, db, as_reader, settings):
    assert post_json(client, SUBMISSIONS, {"target": "2401.00001"}).status_code == 401
    settings.PAPERHAUL_RATE_SUBMISSIONS = "2/m"
    statuses = [post_json(client, SUBMISSIONS, {"target": ""}, **as_reader).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
