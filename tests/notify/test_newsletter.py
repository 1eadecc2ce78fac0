"""A haul sent as the newsletter through a real SMTP server: who gets it, its links and headers,
never twice, resuming after a crash, and a draft refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from paperhaul.errors import InputError
from paperhaul.hauls import authoring
from paperhaul.hauls.models import Haul
from paperhaul.notify import tokens
from paperhaul.notify.digests import Period
from paperhaul.notify.models import DeliveryFailure, Digest, Subscription
from paperhaul.notify.newsletter import send_newsletter, still_to_receive
from paperhaul.notify.sending import send_digests
from paperhaul.notify.subscriptions import unsubscribe
from tests.notify.backends import crash_after_two_then_resume
from tests.notify.conftest import SITE, subscriber
from tests.notify.test_digests import header, parts, text

pytestmark = pytest.mark.django_db

COMMENTARY = "A **sharp** take on long documents."


def make_haul(number: int = 9, *, published: bool = True) -> Haul:
    """A haul of two papers of the web tests' library, with the curator's commentary."""
    haul = authoring.new_haul(f"ML Arxiv Haul #{number}", number=number, snippet="Attention, everywhere")
    authoring.add_section(haul, "Papers")
    authoring.add_item(haul, "https://arxiv.org/abs/2401.00002", COMMENTARY)
    authoring.add_item(haul, "https://arxiv.org/abs/2401.00003", "Small and fast.")
    if published:
        authoring.publish(haul)
    return Haul.objects.get(pk=haul.pk)


@pytest.fixture
def haul(papers) -> Haul:
    return make_haul()


@pytest.fixture
def audience(papers) -> list[Subscription]:
    """Three newsletter subscribers, and addresses that must not get it."""
    readers = [
        subscriber("ada@example.org", kinds=("newsletter",)),
        subscriber("grace@example.org", kinds=("newsletter", "hauls"), frequency="weekly"),
        subscriber("alan@example.org", kinds=("daily", "newsletter")),
    ]
    subscriber("digest-only@example.org", kinds=("hauls", "daily"))  # a link in a digest instead
    unsubscribe(subscriber("gone@example.org", kinds=("newsletter",)))
    pending = Subscription.objects.create(email="pending@example.org")
    pending.interests.create(kind="newsletter")
    return readers


def test_the_newsletter_reaches_exactly_its_subscribers_once_with_working_links(haul, audience, postbox):
    stats = send_newsletter(haul)

    assert (stats.period, stats.sent_now, stats.sent, stats.failed, stats.pending) == (
        f"haul:{haul.pk}",
        3,
        3,
        0,
        0,
    )
    assert sorted(m["To"] for m in postbox.messages) == sorted(s.email for s in audience)
    message = postbox.to("ada@example.org")[0]
    assert message["Subject"] == "ML Arxiv Haul #9"
    assert list(parts(message)) == ["text/plain", "text/html"]
    plain, page = text(message), parts(message)["text/html"]
    assert "Sparse Attention for Long Documents" in plain and "Small and fast." in plain
    assert "<strong>sharp</strong>" in page and "<style" not in page  # the haul's own e-mail

    token = tokens.manage_token(audience[0])
    unsubscribe_url = f"{SITE}/subscriptions/{token}/unsubscribe/"
    assert header(message, "List-Unsubscribe") == f"<{unsubscribe_url}>"
    assert header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert f"Unsubscribe: {unsubscribe_url}" in plain
    assert f"Change what you receive: {SITE}/subscriptions/{token}/" in plain
    assert f'href="{unsubscribe_url}"' in page and f'href="{SITE}/subscriptions/{token}/"' in page
    # Each subscriber's own links: Grace's message carries hers, not Ada's.
    assert token not in postbox.to("grace@example.org")[0].as_string()

    manage = Client().get(f"/subscriptions/{token}/")
    assert manage.status_code == 200 and "ada@example.org" in manage.content.decode()
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe_url.removeprefix(SITE),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert Subscription.objects.get(email="ada@example.org").state == "unsubscribed"

    again = send_newsletter(haul)  # pressing "send" again sends nobody anything
    assert (again.sent_now, again.sent) == (0, 3) and len(postbox.messages) == 3
    assert still_to_receive(haul) == 0


def test_a_new_subscriber_gets_it_on_the_next_send_and_nobody_else_again(haul, audience, postbox):
    send_newsletter(haul)
    subscriber("late@example.org", kinds=("newsletter",))
    assert still_to_receive(haul) == 1
    stats = send_newsletter(haul)
    assert (stats.sent_now, stats.sent) == (1, 4)
    assert [m["To"] for m in postbox.messages[3:]] == ["late@example.org"]


def test_a_haul_received_as_the_newsletter_is_not_listed_again_in_a_digest(haul, audience, postbox):
    send_newsletter(haul)
    send_digests(Period("weekly", timezone.localdate()))
    # Grace chose new hauls too: the haul she received whole is nothing new for her digest.
    assert [m["Subject"] for m in postbox.to("grace@example.org")] == ["ML Arxiv Haul #9"]
    assert (
        Digest.objects.get(subscription__email="grace@example.org", period__startswith="weekly").state
        == "empty"
    )

    send_digests(Period("daily", timezone.localdate()))
    digest_only = postbox.to("digest-only@example.org")
    assert len(digest_only) == 1 and "ML Arxiv Haul #9" in text(digest_only[0])  # a link in theirs


def test_newsletter_subscribers_alone_get_no_empty_digests(haul, postbox):
    subscriber("ada@example.org", kinds=("newsletter",))
    stats = send_digests(Period("daily", timezone.localdate()))
    assert (stats.sent, stats.empty) == (0, 0) and not Digest.objects.exists()


def test_a_crash_mid_batch_is_resumed_without_duplicates(haul, papers, postbox, settings):
    emails = [f"reader{i}@example.org" for i in range(5)]
    for email in emails:
        subscriber(email, kinds=("newsletter",))
    stats = crash_after_two_then_resume(lambda: send_newsletter(haul), emails, postbox, settings)
    assert (stats.sent_now, stats.sent, stats.interrupted, stats.pending) == (3, 4, 1, 0)
    assert send_newsletter(haul).sent_now == 0 and len(postbox.messages) == 5


def test_a_refused_address_is_recorded_and_the_rest_are_sent(haul, papers, postbox):
    subscriber("good@example.org", kinds=("newsletter",))
    bad = subscriber("bad@example.org", kinds=("newsletter",))
    postbox.refuse["bad@example.org"] = "550 5.1.1 no such mailbox"
    stats = send_newsletter(haul)
    assert (stats.sent, stats.failed) == (1, 1)
    [failure] = DeliveryFailure.objects.all()
    assert (failure.subscription, failure.code, failure.hard) == (bad, 550, True)
    assert failure.digest.period == f"haul:{haul.pk}"


def test_a_draft_is_never_sent(papers, postbox):
    subscriber("ada@example.org", kinds=("newsletter",))
    draft = make_haul(10, published=False)
    with pytest.raises(InputError, match="haul 10 is a draft: publish it before sending"):
        send_newsletter(draft)
    assert not postbox.messages and not Digest.objects.exists()


def test_the_newsletter_is_a_choice_of_its_own_on_the_subscription_pages(client, papers, postbox):
    page = client.get("/subscribe/").content.decode()
    assert "The newsletter (each haul in full)" in page and "New hauls" in page
    client.post("/subscribe/", {"email": "ada@example.org", "frequency": "weekly", "newsletter": "on"})
    subscription = Subscription.objects.get()
    assert [i.kind for i in subscription.interests.all()] == ["newsletter"]
    token = tokens.manage_token(subscription)
    manage = client.get(f"/subscriptions/{token}/").content.decode()
    assert re.search(r'name="newsletter"[^>]*checked', manage)


def test_each_copy_is_the_haul_rendered_for_its_reader_alone(haul, papers):
    """Copies come from one rendering with the footer filled in per reader; each must be exactly
    the message rendered for that reader alone, an address that HTML escapes included."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from paperhaul.hauls.email import Footer, haul_message
    from paperhaul.notify import mail

    readers = [
        subscriber("o'brien&co@example.org", kinds=("newsletter",)),
        subscriber("ada@example.org", kinds=("newsletter",)),
    ]
    compose = mail.newsletter_composer(haul)
    assert "o'brien&amp;co@example.org" in compose(readers[0]).alternatives[0][0]
    for reader in readers:
        copy = compose(reader)
        context = mail._context(reader)
        footer = Footer(
            render_to_string("notify/email/newsletter_footer.txt", context).strip(),
            mark_safe(render_to_string("notify/email/newsletter_footer.html", context).strip()),
        )
        alone = haul_message(haul, [reader.email], footer=footer)
        assert (copy.subject, copy.to, copy.body) == (alone.subject, alone.to, alone.body)
        assert copy.alternatives == alone.alternatives
        assert copy.extra_headers == mail.unsubscribe_headers(reader)
        assert "paperhaul-" not in copy.body + copy.alternatives[0][0]  # no stand-in left
