"""Following a shared list by e-mail: the papers put on it since the last digest, in their own
section; a list made private is no longer sent, and only lists that may be shared are offered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from paperhaul.community import collections
from paperhaul.community.models import CollectionItem
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


@pytest.mark.parametrize("visibility", ["private", "unlisted"])
def test_a_list_no_longer_public_is_neither_offered_nor_sent(
    client, group_list, postbox, papers, visibility, today
):
    """An unlisted list is not offered either: the form names lists by number, anyone could count."""
    group_list.visibility = visibility
    group_list.save()
    assert "Reading group: speech" not in html(client.get(f"/subscribe/?list={group_list.pk}"))
    list_page = client.get("/u/hopper/lists/reading-group-speech/")
    assert list_page.status_code == (404 if visibility == "private" else 200)
    assert f"/subscribe/?list={group_list.pk}" not in html(list_page)
    refused = client.post("/subscribe/", form(trending="", lists=str(group_list.pk)))
    assert refused.status_code == 400 and not Subscription.objects.exists()
    subscription = Subscription.objects.create(
        email="ada@example.org", state="active", confirmed_at=timezone.now()
    )
    Interest.objects.create(subscription=subscription, kind="list", value=str(group_list.pk))
    send_digests(Period("daily", today))
    assert postbox.messages == [], "no longer public after she followed it: nothing is sent"
