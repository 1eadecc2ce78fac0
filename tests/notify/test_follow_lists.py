"""Following a shared list by e-mail: the papers put on it since the last digest, in their own
section; an unlisted list only by the signed link of its page, a private one not at all."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.utils import timezone

from paperhaul.community import collections
from paperhaul.community.models import CollectionItem
from paperhaul.notify import subscriptions, tokens
from paperhaul.notify.digests import Period
from paperhaul.notify.models import Interest, Subscription
from paperhaul.notify.sending import send_digests
from tests.notify.test_digests import text, titles_in
from tests.notify.test_subscribe import form, html
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_list(papers):
    """A public list with two papers put on it today and one a month ago."""
    owner = make_user("hopper")
    made = collections.create(owner, "Reading group: speech")
    for key in ("arxiv:2401.00003", "arxiv:2401.00002", "arxiv:2312.00005"):
        collections.add(owner, made, papers[key], "Week 1." if key.endswith("3") else "")
    CollectionItem.objects.filter(paper=papers["arxiv:2312.00005"]).update(
        added_at=timezone.now() - dt.timedelta(days=30)
    )
    return made


def test_a_list_is_followed_from_its_page_and_sent_in_the_digest(client, group_list, postbox, today):
    page = client.get("/u/hopper/lists/reading-group-speech/").content.decode()
    assert f'href="/subscribe/?list={group_list.pk}">by e-mail</a>' in page
    offered = html(client.get(f"/subscribe/?list={group_list.pk}&list=99999999999999999999999"))
    assert "Reading group: speech (by hopper)" in offered and "checked" in offered.split("Shared lists")[1]
    response = client.post("/subscribe/", form(trending="", lists=str(group_list.pk)))
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert [(i.kind, i.value) for i in subscription.interests.all()] == [("list", str(group_list.pk))]
    subscription.state = Subscription.State.ACTIVE
    subscription.confirmed_at = timezone.now()
    subscription.save()
    postbox.messages.clear()
    send_digests(Period("daily", today))
    [message] = postbox.messages
    assert "List: Reading group: speech (by hopper)" in text(message)
    assert titles_in(message) == [
        "Sparse Attention for Long Documents",
        "Speech Recognition with Tiny Transformers",
    ]


def test_an_unlisted_list_is_followed_by_its_page_s_signed_link_alone(client, group_list, postbox, today):
    group_list.visibility = "unlisted"
    group_list.save()
    page = html(client.get("/u/hopper/lists/reading-group-speech/"))
    value = collections.follow_value(group_list)
    assert (
        value.startswith(f"{group_list.pk}:") and f'href="/subscribe/?list={quote(value, safe="")}"' in page
    )
    # Its number alone, or a forged signature, names no list: counting through numbers finds none.
    for guess in (str(group_list.pk), f"{group_list.pk}:forged"):
        assert "Reading group: speech" not in html(client.get("/subscribe/", {"list": guess}))
        refused = client.post("/subscribe/", form(trending="", lists=guess))
        assert refused.status_code == 400 and not Subscription.objects.exists()
    offered = html(client.get("/subscribe/", {"list": value}))
    assert "Reading group: speech (by hopper)" in offered
    assert client.post("/subscribe/", form(trending="", lists=value)).status_code == 302
    subscription = Subscription.objects.get()
    assert [(i.kind, i.value) for i in subscription.interests.all()] == [("list", str(group_list.pk))]
    subscriptions.confirm(subscription)
    postbox.messages.clear()
    send_digests(Period("daily", today))
    [message] = postbox.messages
    assert "List: Reading group: speech (by hopper)" in text(message)
    # The manage page offers it checked, and saving the preferences keeps it.
    manage = f"/subscriptions/{tokens.manage_token(subscription)}/"
    shown = html(client.get(manage)).split("Shared lists")[1]
    assert "Reading group: speech" in shown and "checked" in shown
    saved = client.post(manage, {"frequency": "weekly", "lists": value})
    assert saved.status_code == 302
    assert list(subscription.interests.values_list("kind", "value")) == [("list", str(group_list.pk))]


def test_a_private_list_is_neither_offered_nor_sent(client, group_list, postbox, papers, today):
    value = collections.follow_value(group_list)
    subscription = Subscription.objects.create(
        email="ada@example.org", state="active", confirmed_at=timezone.now()
    )
    Interest.objects.create(subscription=subscription, kind="list", value=str(group_list.pk))
    group_list.visibility = "private"
    group_list.save()
    assert "Reading group: speech" not in html(client.get("/subscribe/", {"list": value}))
    assert client.get("/u/hopper/lists/reading-group-speech/").status_code == 404
    refused = client.post("/subscribe/", form(email="bob@example.org", trending="", lists=value))
    assert refused.status_code == 400 and Subscription.objects.count() == 1
    send_digests(Period("daily", today))
    assert postbox.messages == [], "private after she followed it: nothing is sent"
