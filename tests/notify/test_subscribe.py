"""Subscribing from the page, double opt-in through a real SMTP server, managing and unsubscribing by link."""

from __future__ import annotations

import re
import time

import pytest
from django.core import signing
from django.test import Client

from paperhaul.notify import tokens
from paperhaul.notify.models import Interest, NotInterested, Subscription
from tests.notify.conftest import SITE, subscriber

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def form(email: str = "Ada@Example.org", **extra) -> dict:
    return {"email": email, "frequency": "daily", "trending": "on", **extra}


def link(message, path: str) -> str:
    """The path of the first link to ``path`` in a plain-text e-mail (under the site's address)."""
    body = message.get_payload(decode=True).decode()
    return re.search(rf"{re.escape(SITE)}({re.escape(path)}\S+)", body).group(1)


def test_subscribe_confirm_by_link_and_receive_nothing_before(client, papers, postbox):
    page = client.get("/subscribe/")
    assert page.status_code == 200 and 'autocomplete="email"' in html(page)

    response = client.post("/subscribe/", form(categories="cs.cl, cs.LG", search="diffusion models"))
    assert response.status_code == 302 and response["Location"] == "/subscribe/sent/"
    assert "Check your e-mail" in html(client.get(response["Location"]))
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.state) == ("ada@example.org", "pending")
    assert sorted((i.kind, i.value) for i in subscription.interests.all()) == [
        ("category", "cs.CL"),
        ("category", "cs.LG"),
        ("search", "q=diffusion+models"),
        ("trending", ""),
    ]

    [message] = postbox.messages
    assert message["To"] == "ada@example.org"
    assert "Confirm your subscription" in message["Subject"]
    confirm = link(message, "/subscribe/confirm/")
    shown = client.get(confirm)  # mail scanners open links: a GET must not confirm
    assert shown.status_code == 200 and "Confirm" in html(shown)
    assert Subscription.objects.get().state == "pending"

    done = client.post(confirm)
    assert done.status_code == 302 and done["Location"].startswith("/subscriptions/")
    subscription.refresh_from_db()
    assert subscription.state == "active" and subscription.confirmed_at is not None
    manage = client.get(done["Location"])
    assert "Subscription confirmed" in html(manage) and "ada@example.org" in html(manage)


def test_subscribing_an_address_again_sends_its_manage_link_and_changes_nothing(client, papers, postbox):
    subscription = subscriber("ada@example.org", kinds=("trending",))
    response = client.post("/subscribe/", form(email="ada@example.org", daily="on", trending=""))
    assert response.status_code == 302  # the same answer as for a new address
    [message] = postbox.messages
    assert "/subscriptions/" in message.get_payload(decode=True).decode()
    manage = link(message, "/subscriptions/")
    assert tokens.from_manage_token(manage.split("/")[2]) == subscription
    assert [i.kind for i in subscription.interests.all()] == ["trending"]
    assert Subscription.objects.get().state == "active"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (form(email="not an address"), "Enter a valid email address"),
        (form(trending=""), "Choose at least one thing to receive"),
        (form(categories="cs.CL nope.XX"), "No paper in the library is listed in nope.XX"),
        (form(search="https://arxiv.org/abs/2401.00001"), "names one paper"),
        (form(search="year:20x"), "year"),
        (form(include_words=", ".join(f"w{i}" for i in range(51))), "at most 50 entries"),
        (form(search="é" * 1000), "The saved search is too long"),
    ],
)
def test_a_bad_subscription_is_refused_with_the_reason_and_sends_nothing(
    client, papers, postbox, data, error
):
    response = client.post("/subscribe/", data)
    assert response.status_code == 400
    assert error in html(response)
    assert not Subscription.objects.exists() and not postbox.messages


def test_subscription_requests_are_rate_limited(client, papers, postbox, settings):
    settings.PAPERHAUL_RATE_SUBSCRIPTIONS = "2/h"
    assert client.post("/subscribe/", form(email="a@example.org")).status_code == 302
    assert client.post("/subscribe/", form(email="b@example.org")).status_code == 302
    refused = client.post("/subscribe/", form(email="c@example.org"))
    assert refused.status_code == 429 and "subscription requests" in html(refused)
    assert len(postbox.messages) == 2


def test_an_unreachable_mail_server_is_reported(client, papers, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    response = client.post("/subscribe/", form())
    assert response.status_code == 503 and "could not be sent" in html(response)


def test_forged_garbled_and_expired_links_are_refused(client, papers):
    subscription = Subscription.objects.create(email="ada@example.org")
    manage = tokens.manage_token(subscription)
    assert client.get(f"/subscriptions/{manage[:-2]}xx/").status_code == 404
    assert client.get("/subscriptions/garbage/unsubscribe/").status_code == 404
    # A management token is not a confirmation token.
    assert client.post(f"/subscribe/confirm/{manage}/").status_code == 404

    class EightDaysAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 8 * 86400)

    old = EightDaysAgo(salt="paperhaul.notify.confirm").sign_object(
        [subscription.pk, subscription.secret], compress=True
    )
    expired = client.post(f"/subscribe/confirm/{old}/")
    assert expired.status_code == 404 and "expired" in html(expired)
    assert Subscription.objects.get().state == "pending"

    subscription.secret = "rotated"
    subscription.save()
    assert client.get(f"/subscriptions/{manage}/").status_code == 404  # a new secret voids old links


def test_manage_page_changes_preferences_and_needs_its_form_token(papers):
    subscription = subscriber("ada@example.org", kinds=("trending",))
    url = f"/subscriptions/{tokens.manage_token(subscription)}/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and 'name="trending"' in html(page) and "checked" in html(page)
    data = {
        "frequency": "weekly",
        "daily": "on",
        "categories": "cs.CV",
        "exclude_words": "diffusion, reward model",
        "include_authors": "Iz Beltagy",
    }
    assert client.post(url, data).status_code == 403  # no CSRF token
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(page)).group(1)
    saved = client.post(url, {**data, "csrfmiddlewaretoken": csrf})
    assert saved.status_code == 302
    subscription.refresh_from_db()
    assert subscription.frequency == "weekly"
    assert sorted((i.kind, i.value) for i in subscription.interests.all()) == [
        ("category", "cs.CV"),
        ("daily", ""),
    ]
    assert subscription.exclude_words == ["diffusion", "reward model"]
    assert subscription.include_authors == ["Iz Beltagy"]
    assert "Preferences saved" in html(client.get(url))


def test_unsubscribe_page_asks_first_then_unsubscribes_and_can_be_undone(client, papers):
    subscription = subscriber("ada@example.org")
    token = tokens.manage_token(subscription)
    page = client.get(f"/subscriptions/{token}/unsubscribe/")
    assert page.status_code == 200 and "Unsubscribe" in html(page)
    assert Subscription.objects.get().state == "active"

    done = client.post(f"/subscriptions/{token}/unsubscribe/")
    assert done.status_code == 200 and "no more digests" in html(done)
    assert Subscription.objects.get().state == "unsubscribed"

    again = client.post(f"/subscriptions/{token}/", {"action": "resubscribe"})
    assert again.status_code == 302
    assert Subscription.objects.get().state == "active"


def test_one_click_unsubscribe_post_needs_no_csrf_token_nor_cookie(papers):
    subscription = subscriber("ada@example.org")
    client = Client(enforce_csrf_checks=True)  # a mail client's POST (RFC 8058): no cookie, no form token
    response = client.post(
        f"/subscriptions/{tokens.manage_token(subscription)}/unsubscribe/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Subscription.objects.get().state == "unsubscribed"
    assert not response.cookies.get("csrftoken")


def test_not_interested_link_asks_then_records(client, papers):
    subscription = subscriber("ada@example.org")
    paper = papers["arxiv:2401.00001"]
    url = f"/subscriptions/{tokens.manage_token(subscription)}/not-interested/{paper.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and paper.title in html(page)
    assert not NotInterested.objects.exists()
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # twice is once
    assert list(NotInterested.objects.values_list("paper_id", flat=True)) == [paper.pk]
    assert client.get(url.replace(f"/{paper.pk}/", "/999999/")).status_code == 404


def test_the_subscribe_page_takes_a_search_from_the_address(client, papers):
    page = html(client.get("/subscribe/?q=sparse+attention&category=cs.CL"))
    assert 'value="sparse attention"' in page and 'value="cs.CL"' in page
    assert Interest.Kind.SEARCH.label.capitalize() in page
