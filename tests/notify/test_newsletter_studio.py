"""The studio's "Send as newsletter": staff only, CSRF-protected, a confirmation step that says whom it
reaches, sending by the worker through a real SMTP server, then the summary."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from paperhaul.notify.tasks import send_haul_newsletter
from tests.notify.conftest import subscriber
from tests.notify.test_newsletter import make_haul
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db


def queued() -> list[list]:
    runs = DBTaskResult.objects.filter(task_path=send_haul_newsletter.module_path).order_by("enqueued_at")
    return [run.args_kwargs["args"] for run in runs]


def run_worker() -> None:
    """`paperhaul worker --batch`, without the embedding and enrichment the new papers queued."""
    DBTaskResult.objects.exclude(task_path=send_haul_newsletter.module_path).delete()
    call_command("worker", batch=True)


def page(response) -> str:
    return response.content.decode()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def curator_client(db) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("curator", is_staff=True))
    return client


@pytest.fixture
def two_subscribers(papers) -> None:
    subscriber("ada@example.org", kinds=("newsletter",))
    subscriber("grace@example.org", kinds=("newsletter", "daily"), frequency="weekly")
    subscriber("alan@example.org", kinds=("hauls",))


def test_only_staff_reach_the_newsletter_page_and_its_button(client, papers, two_subscribers):
    make_haul()
    assert client.get("/studio/9/newsletter/").status_code == 302  # to the login page
    assert client.post("/studio/9/newsletter/").status_code == 302
    client.force_login(make_user("reader"))
    assert client.get("/studio/9/newsletter/").status_code == 403
    assert client.post("/studio/9/newsletter/").status_code == 403
    assert queued() == []


def test_a_post_without_the_csrf_token_is_refused(curator_client, papers, two_subscribers):
    make_haul()
    assert curator_client.post("/studio/9/newsletter/").status_code == 403
    assert queued() == []


def test_a_draft_has_no_button_and_is_refused(curator_client, papers, two_subscribers):
    make_haul(10, published=False)
    editor = page(curator_client.get("/studio/10/"))
    assert "Send as newsletter" not in editor
    shown = page(curator_client.get("/studio/10/newsletter/"))
    assert "is a draft: publish it before sending it as the newsletter" in shown
    assert "Send to" not in shown
    refused = curator_client.post("/studio/10/newsletter/", {"csrfmiddlewaretoken": csrf_token(editor)})
    assert refused.status_code == 400
    assert "haul 10 is a draft: publish it before sending it as the newsletter" in page(refused)
    assert queued() == []


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it stops
def test_send_from_the_studio_is_confirmed_sent_by_the_worker_and_summarised(
    curator_client, papers, two_subscribers, postbox
):
    haul = make_haul()
    editor = page(curator_client.get("/studio/9/"))
    assert "2 subscribers chose the newsletter" in editor
    assert 'href="/studio/9/newsletter/"' in editor

    confirm = page(curator_client.get("/studio/9/newsletter/"))
    assert "2 subscribers chose the newsletter; 2 of them have not received this haul" in confirm
    assert "Send to 2 subscribers</button>" in confirm
    assert not postbox.messages  # asking is not sending

    sent = curator_client.post("/studio/9/newsletter/", {"csrfmiddlewaretoken": csrf_token(confirm)})
    assert sent.status_code == 302 and sent["Location"] == "/studio/9/newsletter/"
    assert queued() == [[haul.pk]]
    waiting = page(curator_client.get(sent["Location"]))
    assert "Queued: the worker sends it now" in waiting and "Queued</span> since" in waiting
    again = curator_client.post("/studio/9/newsletter/", {"csrfmiddlewaretoken": csrf_token(waiting)})
    assert again.status_code == 302 and queued() == [[haul.pk]]  # one send at a time

    run_worker()

    assert sorted(m["To"] for m in postbox.messages) == ["ada@example.org", "grace@example.org"]
    summary = page(curator_client.get("/studio/9/newsletter/"))
    assert "Sent 2 · refused 0 · waiting 0 · interrupted 0" in summary
    assert "2 subscribers chose the newsletter; every one of them has received this haul" in summary
    assert "Send to" not in summary  # nobody left to send to
    assert "2 received this haul" in page(curator_client.get("/studio/9/"))


@pytest.mark.django_db(transaction=True)
def test_a_send_the_mail_server_stopped_waits_for_a_retry_and_says_why(
    curator_client, papers, two_subscribers, settings
):
    haul = make_haul()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    send_haul_newsletter.enqueue(haul.pk)
    run_worker()
    assert queued() == [[haul.pk], [haul.pk, 1]]  # the send, and its retry for later

    shown = page(curator_client.get("/studio/9/newsletter/"))
    assert "Waiting</span> to go on at" in shown and "the last send stopped (mail server unavailable" in shown
    assert "Sent 0 · refused 0 · waiting 2 · interrupted 0" in shown
    pressed = curator_client.post("/studio/9/newsletter/", {"csrfmiddlewaretoken": csrf_token(shown)})
    assert pressed.status_code == 302 and queued() == [[haul.pk], [haul.pk, 1], [haul.pk]]  # now, not later
