"""Replies to a reader's comment: e-mailed once through a real SMTP server, never for their own
replies or when they turned it off, listed on their profile, and stopped by the e-mail's link."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from paperhaul.community.comments import add_comment, delete_comment
from paperhaul.notify.models import ReplyNotice
from paperhaul.notify.replies import send_reply_notice, set_wants_replies, stop_token
from paperhaul.papers.models import Paper
from tests.notify.conftest import SITE
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(papers, django_capture_on_commit_callbacks):
    """Ada's question on a paper, and a way for others to answer it as the pages do."""
    ada, bob = make_user("ada"), make_user("bob")
    paper = Paper.objects.get(key="arxiv:2401.00001")
    question = add_comment(ada, paper, "Does it work for **video** diffusion?")

    def reply(author, body="Yes, see section 5.\n\nThe FVD improves too.", parent=question):
        with django_capture_on_commit_callbacks(execute=True):
            return add_comment(author, paper, body, parent=parent)

    return ada, bob, question, reply


def run_reply_tasks() -> list[str]:
    """Run the queued reply e-mails as `paperhaul worker` would; what each said."""
    waiting = DBTaskResult.objects.filter(
        task_path=send_reply_notice.module_path, status=TaskResultStatus.READY
    )
    said = [send_reply_notice.call(*result.args_kwargs["args"]) for result in waiting]
    waiting.delete()
    return said


def test_a_reply_is_e_mailed_to_the_comment_s_author_once(thread, postbox):
    ada, bob, _, reply = thread
    answer = reply(bob)
    assert run_reply_tasks() == ["sent"]
    (message,) = postbox.to("ada@example.org")
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "bob replied to your comment on “Direct Preference Optimization for Diffusion Models”"
    body = message.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert "> Yes, see section 5.\n>\n> The FVD improves too." in body
    assert "> Does it work for **video** diffusion?" in body
    assert f"{SITE}/papers/2401.00001#comment-{answer.pk}" in body
    stop = f"{SITE}/replies/stop/{stop_token(ada)}/"
    assert stop in body and "".join(message["List-Unsubscribe"].split()) == f"<{stop}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert send_reply_notice.call(answer.pk) == "sent before"
    assert len(postbox.messages) == 1


def test_replies_posted_while_the_first_waits_go_in_one_e_mail(
    thread, postbox, django_capture_on_commit_callbacks
):
    ada, bob, question, reply = thread
    carol = make_user("carol")
    first = reply(bob)
    waits = (
        DBTaskResult.objects.get(task_path=send_reply_notice.module_path).task.run_after - first.created_at
    )
    assert dt.timedelta(minutes=10) <= waits < dt.timedelta(minutes=11)
    second = reply(carol, "I measured it on video: +2 FVD.")
    other = add_comment(ada, Paper.objects.get(key="arxiv:2401.00002"), "And for long documents?")
    with django_capture_on_commit_callbacks(execute=True):
        third = add_comment(bob, other.paper, "Only up to 16k tokens.", parent=other)
    reply(ada, "Thanks both!", parent=question)  # her own: never e-mailed to her

    assert run_reply_tasks() == ["sent with 2 more", "sent before", "sent before", "their own reply"]

    (message,) = postbox.to("ada@example.org")
    assert str(make_header(decode_header(message["Subject"]))) == "3 replies to your comments"
    body = message.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert body.index("bob replied") < body.index("carol replied") < body.index("Only up to 16k tokens.")
    for answer in (first, second):
        assert f"{SITE}/papers/2401.00001#comment-{answer.pk}" in body
    assert f"{SITE}/papers/2401.00002#comment-{third.pk}" in body
    assert body.count("----") == 2 and body.count("To stop e-mails about replies") == 1
    assert ReplyNotice.objects.count() == 3


def test_replies_from_while_the_e_mails_were_off_are_not_sent_later(thread, postbox):
    ada, bob, _, reply = thread
    set_wants_replies(ada, False)
    reply(bob, "Posted while she had them off.")
    assert run_reply_tasks() == ["turned off"]
    set_wants_replies(ada, True)
    reply(bob, "Posted once she had them on.")
    assert run_reply_tasks() == ["sent"]
    body = postbox.to("ada@example.org")[0].get_payload(decode=True).decode()
    assert "Posted once she had them on." in body and "while she had them off" not in body


def test_with_no_delay_each_reply_is_sent_at_once(thread, postbox, settings):
    settings.PAPERHAUL_REPLY_EMAIL_DELAY = 0
    _, bob, _, reply = thread
    reply(bob)
    assert DBTaskResult.objects.get(task_path=send_reply_notice.module_path).task.run_after is None
    assert run_reply_tasks() == ["sent"]
    reply(bob, "And the FID.")
    assert run_reply_tasks() == ["sent"]
    assert len(postbox.to("ada@example.org")) == 2


def test_no_e_mail_for_one_s_own_reply_a_deleted_reply_or_when_turned_off(thread, postbox):
    ada, bob, question, reply = thread
    reply(ada, "Answering myself: it does.")
    gone = reply(bob, "Oops, wrong thread.")
    delete_comment(bob, gone)
    assert run_reply_tasks() == ["their own reply", "no longer in view"]
    set_wants_replies(ada, False)
    reply(bob)
    assert run_reply_tasks() == ["turned off"]
    top = add_comment(bob, question.paper, "A comment, not a reply.")
    assert top.parent is None and run_reply_tasks() == []
    assert postbox.messages == []


def test_a_title_with_a_line_break_makes_a_one_line_subject(thread, postbox):
    _, bob, question, reply = thread
    Paper.objects.filter(pk=question.paper_id).update(title="Direct Preference\nOptimization " + "x" * 100)
    reply(bob)
    assert run_reply_tasks() == ["sent"]
    subject = str(make_header(decode_header(postbox.messages[0]["Subject"])))
    assert subject.startswith("bob replied to your comment on “Direct Preference Optimization xxx")
    assert subject.endswith("…”") and "\n" not in subject


def test_a_mail_server_that_refuses_is_noted_and_the_reply_stands(thread, postbox, admin_client):
    _, bob, _, reply = thread
    postbox.refuse["ada@example.org"] = "550 no such mailbox"
    answer = reply(bob)
    assert run_reply_tasks() == ["refused"]
    assert "could not be sent" in ReplyNotice.objects.get(comment=answer).error
    assert answer.visible
    assert "SMTPRecipientsRefused" in admin_client.get("/admin/notify/replynotice/").content.decode()


def test_the_e_mail_s_link_stops_them_in_one_click(thread, postbox):
    ada, bob, _, reply = thread
    anonymous = Client()
    url = f"/replies/stop/{stop_token(ada)}/"
    assert "Stop e-mailing replies to the comments of" in anonymous.get(url).content.decode()
    done = anonymous.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "are no longer e-mailed" in done.content.decode()
    reply(bob)
    assert run_reply_tasks() == ["turned off"]
    forged = anonymous.post(url[:-3] + "xx/")
    assert forged.status_code == 404 and "not valid" in forged.content.decode()


def test_the_profile_lists_replies_and_switches_the_e_mails(thread, client):
    ada, bob, _, reply = thread
    reply(bob, "Yes, see section 5.")
    reply(ada, "Thanks!")  # her own: not a reply to her
    client.force_login(ada)
    page = client.get("/u/ada/?show=replies").content.decode()
    assert "bob on “Direct Preference Optimization for Diffusion Models”" in page
    assert "Yes, see section 5." in page and "Thanks!" not in page
    assert "Each reply is e-mailed to ada@example.org" in page
    response = client.post("/replies/email/", {"email": "off"})
    assert response["Location"] == "/u/ada/?show=replies"
    assert "Replies are not e-mailed to you" in client.get(response["Location"]).content.decode()
    client.post("/replies/email/", {"email": "on"})
    assert "Each reply is e-mailed" in client.get("/u/ada/?show=replies").content.decode()
    client.force_login(bob)
    assert client.get("/u/ada/?show=replies").status_code == 404, "to themselves only"
    assert "?show=replies" not in client.get("/u/ada/").content.decode()


def test_the_header_announces_new_replies_until_they_are_marked_seen(thread, client):
    ada, bob, _, reply = thread
    reply(bob, "Yes, see section 5.")
    reply(bob, "And the appendix.")
    reply(ada, "Thanks!")  # her own
    client.force_login(ada)
    home = client.get("/").content.decode()
    assert '<a class="unread" href="/u/ada/?show=replies">2 new replies</a>' in home
    tab = client.get("/u/ada/?show=replies").content.decode()
    assert tab.count('<span class="tag new">new</span>') == 2 and "Mark all as seen" in tab
    assert "2 new replies" in client.get("/").content.decode(), "looking is not marking them seen"
    response = client.post("/replies/seen/")
    assert response["Location"] == "/u/ada/?show=replies"
    assert 'class="unread"' not in client.get("/").content.decode()
    assert "Mark all as seen" not in client.get("/u/ada/?show=replies").content.decode()
    reply(make_user("cy"), "One more.")
    assert "1 new reply</a>" in client.get("/").content.decode()
    client.force_login(bob)
    assert 'class="unread"' not in client.get("/").content.decode(), "nobody answered bob"
    assert Client().post("/replies/seen/")["Location"].startswith("/accounts/login/")


def test_the_api_says_which_replies_are_new(thread, client):
    from paperhaul.accounts.models import ApiToken

    ada, bob, _, reply = thread
    reply(bob, "Yes.")
    _, token = ApiToken.issue(ada, "tests")
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/me/replies", headers=headers).json()
    assert (body["unread"], [r["new"] for r in body["replies"]]) == (1, [True])
    assert client.post("/api/me/replies/seen", headers=headers).status_code == 204
    body = client.get("/api/me/replies", headers=headers).json()
    assert (body["unread"], [r["new"] for r in body["replies"]]) == (0, [False])
    assert client.post("/api/me/replies/seen").status_code == 401
