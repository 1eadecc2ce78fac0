"""Comments on the paper page: write, reply, edit and delete one's own, moderators hide; all safely."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from paperhaul.community import comments
from paperhaul.community.models import Comment

pytestmark = pytest.mark.django_db

DPO = "/papers/2401.00001"


@pytest.fixture
def dpo(papers):
    return papers["arxiv:2401.00001"]


def post_comment(client, paper, body, parent=None):
    data = {"body": body} | ({"parent": parent} if parent is not None else {})
    return client.post(f"/p/{paper.pk}/comments/", data)


def test_comment_is_saved_rendered_and_anchored(reader_client, dpo):
    response = post_comment(reader_client, dpo, "Nice **result**, see [the code](https://example.org/c).")
    made = Comment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{DPO}#comment-{made.pk}"
    html = reader_client.get(DPO).content.decode()
    assert f'id="comment-{made.pk}"' in html
    assert "<strong>result</strong>" in html
    assert 'href="https://example.org/c" rel="nofollow ugc noopener noreferrer"' in html
    assert '<a href="/u/reader/">reader</a>' in html
    assert "Comments (1)" in html


def test_replies_nest_under_the_comment_they_answer(client, reader, other_reader, dpo):
    client.force_login(reader)
    post_comment(client, dpo, "First thoughts")
    first = Comment.objects.get()
    client.force_login(other_reader)
    response = post_comment(client, dpo, "A reply", parent=first.pk)
    reply = Comment.objects.get(parent=first)
    assert response["Location"] == f"{DPO}#comment-{reply.pk}"
    page = client.get(DPO)
    thread = page.context["thread"]
    assert [n.comment.body for n in thread] == ["First thoughts"]
    assert [n.comment.body for n in thread[0].replies] == ["A reply"]
    html = page.content.decode()
    start, end = html.index(f'id="comment-{first.pk}"'), html.index(f'id="comment-{reply.pk}"')
    assert '<ol class="comment-thread" aria-label="Replies">' in html[start:end]
    assert f'<input type="hidden" name="parent" value="{first.pk}">' in html
    assert "<summary>Reply</summary>" in html


def test_anonymous_cannot_comment(client, dpo):
    response = post_comment(client, dpo, "hello")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "a comment needs some text"),
        ("   \n  ", "a comment needs some text"),
        ("x" * 10_001, "a comment is at most 10,000 characters (this one has 10,001)"),
    ],
)
def test_empty_or_oversized_comment_is_refused_with_its_text_kept(reader_client, dpo, body, message):
    response = post_comment(reader_client, dpo, body)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<p class="error" role="alert" id="comment-error-new">{message}</p>' in html
    assert 'aria-invalid="true"' in html
    if body.strip():
        assert body in html
    assert not Comment.objects.exists()


def test_a_refused_reply_shows_its_error_in_the_reply_form(reader_client, reader, dpo):
    first = comments.add_comment(reader, dpo, "First")
    response = post_comment(reader_client, dpo, "", parent=first.pk)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<details class="reply" open>' in html
    assert f'id="comment-error-{first.pk}"' in html
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("parent", ["999999", "abc"])
def test_reply_to_a_missing_comment_is_refused(reader_client, dpo, parent):
    response = post_comment(reader_client, dpo, "hello", parent=parent)
    assert response.status_code == 400
    assert "the comment you replied to no longer exists" in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_must_be_on_the_same_paper(reader_client, reader, papers, dpo):
    elsewhere = comments.add_comment(reader, papers["arxiv:2401.00002"], "Elsewhere")
    response = post_comment(reader_client, dpo, "hello", parent=elsewhere.pk)
    assert response.status_code == 400
    assert Comment.objects.count() == 1


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
    "[y](JaVaScRiPt:alert(1)) <svg onload=alert(1)>",
]
# What would run: a script element, an event handler on a real tag, a javascript: address in one.
ACTIVE = [
    re.compile(r"<script", re.IGNORECASE),
    re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    re.compile(r"<[a-z][^>]*=\s*[\"']?\s*javascript:", re.IGNORECASE),
    re.compile(r"<(img|svg)", re.IGNORECASE),
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_comments_render_inert(reader_client, dpo, body):
    post_comment(reader_client, dpo, body)
    for url in (DPO, "/u/reader/?show=comments"):
        html = reader_client.get(url).content.decode()
        main = html[html.index("<main") : html.index("</main>")]
        if "<" in body:
            assert body not in main  # escaped, not passed through
        assert [pattern.pattern for pattern in ACTIVE if pattern.search(main)] == []
        assert "alert(1)" in main  # shown as text


def test_author_edits_their_comment(reader_client, reader, dpo):
    made = comments.add_comment(reader, dpo, "Frist")
    form = reader_client.get(f"/comments/{made.pk}/edit/")
    assert form.status_code == 200
    assert ">Frist</textarea>" in form.content.decode()
    response = reader_client.post(f"/comments/{made.pk}/edit/", {"body": "First, *fixed*"})
    assert response["Location"] == f"{DPO}#comment-{made.pk}"
    made.refresh_from_db()
    assert made.body == "First, *fixed*" and made.edited_at is not None
    html = reader_client.get(DPO).content.decode()
    assert "<em>fixed</em>" in html and "<span>edited</span>" in html


def test_an_edit_to_nothing_is_refused_and_changes_nothing(reader_client, reader, dpo):
    made = comments.add_comment(reader, dpo, "Keep me")
    response = reader_client.post(f"/comments/{made.pk}/edit/", {"body": "  "})
    assert response.status_code == 400
    assert "a comment needs some text" in response.content.decode()
    made.refresh_from_db()
    assert made.body == "Keep me" and made.edited_at is None


def test_others_cannot_edit_or_delete(client, reader, other_reader, moderator, dpo):
    made = comments.add_comment(reader, dpo, "Mine")
    for user in (other_reader, moderator):
        client.force_login(user)
        assert client.get(f"/comments/{made.pk}/edit/").status_code == 403
        assert client.post(f"/comments/{made.pk}/edit/", {"body": "Theirs"}).status_code == 403
        assert client.post(f"/comments/{made.pk}/delete/").status_code == 403
        html = client.get(DPO).content.decode()
        assert f"/comments/{made.pk}/edit/" not in html
        assert f"/comments/{made.pk}/delete/" not in html
    made.refresh_from_db()
    assert made.body == "Mine" and made.deleted_at is None
    anonymous = Client()
    assert anonymous.get(f"/comments/{made.pk}/edit/")["Location"].startswith("/accounts/login/")


def test_author_deletes_their_comment_and_replies_stay(reader_client, reader, other_reader, dpo):
    made = comments.add_comment(reader, dpo, "Regrettable")
    comments.add_comment(other_reader, dpo, "An answer", parent=made)
    response = reader_client.post(f"/comments/{made.pk}/delete/")
    assert response["Location"] == f"{DPO}#comment-{made.pk}"
    html = reader_client.get(DPO).content.decode()
    assert "Regrettable" not in html
    assert "Deleted comment" in html and "An answer" in html
    lonely = comments.add_comment(reader, dpo, "Alone")
    reader_client.post(f"/comments/{lonely.pk}/delete/")
    assert f'id="comment-{lonely.pk}"' not in reader_client.get(DPO).content.decode()


def test_a_deleted_comment_cannot_be_edited(reader_client, reader, dpo):
    made = comments.add_comment(reader, dpo, "Gone soon")
    comments.delete_comment(reader, made)
    response = reader_client.get(f"/comments/{made.pk}/edit/")
    assert response.status_code == 400
    assert "a deleted or hidden comment cannot be edited" in response.content.decode()
    assert "<textarea" not in response.content.decode().split("<main")[1]


def test_moderator_hides_and_shows_a_comment(client, reader, other_reader, moderator, dpo):
    made = comments.add_comment(reader, dpo, "Buy cheap pills")
    comments.add_comment(other_reader, dpo, "Reported", parent=made)
    client.force_login(moderator)
    assert f"/comments/{made.pk}/hide/" in client.get(DPO).content.decode()
    response = client.post(f"/comments/{made.pk}/hide/", {"hidden": "1"})
    assert response["Location"] == f"{DPO}#comment-{made.pk}"
    html = client.get(DPO).content.decode()
    assert "Buy cheap pills" in html and "Hidden from readers" in html and "Show to readers" in html
    client.force_login(other_reader)
    html = client.get(DPO).content.decode()
    assert "Buy cheap pills" not in html
    assert "Comment hidden by a moderator" in html and "Reported" in html
    assert "/hide/" not in html
    assert "Buy cheap pills" not in Client().get(DPO).content.decode()
    client.force_login(moderator)
    client.post(f"/comments/{made.pk}/hide/", {"hidden": "0"})
    client.force_login(other_reader)
    assert "Buy cheap pills" in client.get(DPO).content.decode()


def test_readers_cannot_hide_and_bad_values_are_refused(client, reader, moderator, dpo):
    made = comments.add_comment(reader, dpo, "Fine comment")
    client.force_login(reader)
    assert client.post(f"/comments/{made.pk}/hide/", {"hidden": "1"}).status_code == 403
    client.force_login(moderator)
    response = client.post(f"/comments/{made.pk}/hide/", {"hidden": "yes"})
    assert response.status_code == 400
    made.refresh_from_db()
    assert made.hidden_at is None


@pytest.mark.parametrize(
    "path",
    ["/p/{paper}/comments/", "/comments/{comment}/delete/", "/comments/{comment}/hide/"],
)
def test_get_on_state_changing_addresses_is_405(client, reader, moderator, dpo, path):
    made = comments.add_comment(reader, dpo, "Stay")
    client.force_login(moderator)
    assert client.get(path.format(paper=dpo.pk, comment=made.pk)).status_code == 405
    made.refresh_from_db()
    assert made.visible


def test_too_many_comments_get_429(reader_client, dpo, settings):
    settings.PAPERHAUL_RATE_COMMENTS = "2/m"
    assert post_comment(reader_client, dpo, "one").status_code == 302
    assert post_comment(reader_client, dpo, "two").status_code == 302
    response = post_comment(reader_client, dpo, "three")
    assert response.status_code == 429
    assert "too many comments" in response.content.decode()
    assert list(Comment.objects.values_list("body", flat=True)) == ["one", "two"]


def test_comment_without_csrf_token_is_refused(reader, dpo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = post_comment(client, dpo, "sneaky")
    assert response.status_code == 403
    made = comments.add_comment(reader, dpo, "Mine")
    assert client.post(f"/comments/{made.pk}/delete/").status_code == 403
    assert client.post(f"/comments/{made.pk}/edit/", {"body": "changed"}).status_code == 403
    made.refresh_from_db()
    assert list(Comment.objects.values_list("body", flat=True)) == ["Mine"]
