"""Digests through a real SMTP server: content, headers, no repeats, filters, failures, resuming."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from paperhaul.community import reactions
from paperhaul.enrich.models import Takeaway
from paperhaul.hauls.models import Haul
from paperhaul.notify import tokens
from paperhaul.notify.digests import Period
from paperhaul.notify.models import DeliveryFailure, Digest, NotInterested, Subscription
from paperhaul.notify.sending import send_digests
from paperhaul.papers.upsert import Library
from tests.notify.backends import crash_after_two_then_resume
from tests.notify.conftest import SITE, subscriber
from tests.web.conftest import make_user, record

pytestmark = pytest.mark.django_db

TITLES = {
    "arxiv:2401.00001": "Direct Preference Optimization for Diffusion Models",
    "arxiv:2401.00002": "Sparse Attention for Long Documents",
    "arxiv:2401.00003": "Speech Recognition with Tiny Transformers",
    "arxiv:2401.00004": "Reward Models Are Not Enough",
}


@pytest.fixture
def daily(today) -> Period:
    """The daily digests of the day the papers were added."""
    return Period("daily", today)


def parts(message) -> dict[str, str]:
    """The decoded text of each leaf part, by content type."""
    leaves = (part for part in message.walk() if not part.is_multipart())
    return {
        part.get_content_type(): part.get_payload(decode=True).decode().replace("\r\n", "\n")
        for part in leaves
    }


def header(message, name: str) -> str:
    """A header's value unfolded (long ones are folded over lines on the wire)."""
    return re.sub(r"\r?\n", "", message[name]).strip()


def text(message) -> str:
    return parts(message)["text/plain"]


def titles_in(message) -> list[str]:
    return re.findall(r"^- (.+)$", text(message), re.MULTILINE)


def add_paper(key: str, title: str, **kwargs) -> None:
    Library().upsert([record(key, title, **kwargs)])


def test_a_digest_is_multipart_with_one_click_unsubscribe_and_absolute_links(papers, postbox, daily, today):
    subscription = subscriber("ada@example.org", kinds=("daily", "trending"))
    for name in ("u1", "u2"):
        reactions.set_upvote(make_user(name), papers["arxiv:2401.00002"], True)

    stats = send_digests(daily)

    assert (stats.sent_now, stats.sent, stats.pending) == (1, 1, 0)
    [message] = postbox.messages
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == f"paperhaul daily digest, {today.day} {today:%B %Y}: 4 new"
    assert message.get_content_type() == "multipart/alternative"
    assert list(parts(message)) == ["text/plain", "text/html"]
    token = tokens.manage_token(subscription)
    assert header(message, "List-Unsubscribe") == f"<{SITE}/subscriptions/{token}/unsubscribe/>"
    assert header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"

    plain = text(message)
    trending, daily_list = plain.split("\nThe daily list\n")
    assert "\nTrending\n" in trending and TITLES["arxiv:2401.00002"] in trending
    assert TITLES["arxiv:2401.00002"] not in daily_list  # a paper is in one section only
    assert all(TITLES[k] in daily_list for k in ("arxiv:2401.00001", "arxiv:2401.00003", "arxiv:2401.00004"))
    assert "An Old Paper About Tokenizers" not in plain  # a month old: not in a daily digest
    assert f"{SITE}/papers/2401.00002" in plain
    assert f"Not interested: {SITE}/subscriptions/{token}/not-interested/" in plain
    assert f"Unsubscribe: {SITE}/subscriptions/{token}/unsubscribe/" in plain

    page = parts(message)["text/html"]
    assert "<style" not in page and 'style="' in page  # styles inlined for mail clients
    links = re.findall(r'href="([^"]+)"', page)
    assert links and all(link.startswith(SITE + "/") for link in links)
    assert f'href="{SITE}/papers/2401.00001"' in page

    # The mail client's one-click POST to the header's address unsubscribes.
    one_click = header(message, "List-Unsubscribe").strip("<>").removeprefix(SITE)
    response = Client(enforce_csrf_checks=True).post(
        one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscription.objects.get().state == "unsubscribed"
    assert send_digests(Period("daily", today + dt.timedelta(days=1))).sent_now == 0


def test_a_paper_is_summed_up_by_its_takeaway_else_by_its_abstract(papers, postbox, daily):
    subscriber("ada@example.org", kinds=("daily",))
    Takeaway.objects.create(
        paper=papers["arxiv:2401.00001"], method=Takeaway.Method.PERSON, text="DPO aligns diffusion too."
    )
    send_digests(daily)
    plain = text(postbox.messages[0])
    assert "DPO aligns diffusion too." in plain
    assert plain.count(papers["arxiv:2401.00002"].abstract[:40]) == 1  # no takeaway yet: its abstract


def test_a_counted_paper_says_how_often_it_is_cited(papers, postbox, daily):
    from paperhaul.papers.models import SourceRecord

    subscriber("ada@example.org", kinds=("daily",))
    SourceRecord.objects.create(
        paper=papers["arxiv:2401.00001"],
        source="semantic-scholar",
        source_id="arxiv:2401.00001",
        fetched_at=timezone.now(),
        payload_hash="x",
        data={"citations": 1234, "paper_id": "abc"},
    )
    send_digests(daily)
    message = postbox.messages[0]
    assert text(message).count("cited by 1,234") == 1 and "cited by 1,234" in parts(message)["text/html"]


def test_no_paper_is_sent_twice_and_a_period_only_once(papers, postbox, daily, today):
    subscriber("ada@example.org")
    assert send_digests(daily).sent_now == 1
    assert sorted(titles_in(postbox.messages[0])) == sorted(TITLES.values())

    again = send_digests(daily)
    assert (again.sent_now, again.sent) == (0, 1) and len(postbox.messages) == 1

    add_paper("arxiv:2401.00009", "A Paper That Came Later")
    tomorrow = send_digests(Period("daily", today + dt.timedelta(days=1)))
    assert tomorrow.sent_now == 1
    assert titles_in(postbox.messages[1]) == ["A Paper That Came Later"]

    nothing_new = send_digests(Period("daily", today + dt.timedelta(days=2)))
    assert (nothing_new.sent_now, nothing_new.empty) == (0, 1) and len(postbox.messages) == 2


def test_keyword_filters_and_not_interested_leave_papers_out(papers, postbox, daily):
    subscriber("nodiffusion@example.org", exclude_words=("diffusion",))
    subscriber("beltagy@example.org", include_authors=("beltagy",))
    subscriber("speech@example.org", include_words=("speech recognition", "reward models"))
    subscriber("notwallace@example.org", exclude_authors=("Bram Wallace",), exclude_words=("speech",))
    dismissing = subscriber("dismissing@example.org")
    NotInterested.objects.create(subscription=dismissing, paper=papers["arxiv:2401.00002"])
    subscriber("quantum@example.org", include_words=("quantum",))

    stats = send_digests(daily)

    assert (stats.sent, stats.empty) == (5, 1)
    received = {m["To"]: sorted(titles_in(m)) for m in postbox.messages}
    everything = set(TITLES.values())
    assert received == {
        "nodiffusion@example.org": sorted(everything - {TITLES["arxiv:2401.00001"]}),
        "beltagy@example.org": [TITLES["arxiv:2401.00002"]],
        "speech@example.org": sorted([TITLES["arxiv:2401.00003"], TITLES["arxiv:2401.00004"]]),
        "notwallace@example.org": sorted([TITLES["arxiv:2401.00002"], TITLES["arxiv:2401.00004"]]),
        "dismissing@example.org": sorted(everything - {TITLES["arxiv:2401.00002"]}),
    }


def test_categories_saved_search_and_new_hauls_make_sections(papers, postbox, daily, today):
    Haul.objects.create(
        number=7,
        title="ML Arxiv Haul #7",
        slug="ml-arxiv-haul-7",
        status="published",
        published_at=timezone.now(),
        snippet="Preference tuning everywhere",
    )
    Haul.objects.create(number=8, title="A draft", slug="a-draft")
    subscriber("ada@example.org", kinds=("hauls",), categories=("cs.lg",), search="sparse attention")

    send_digests(daily)

    plain = text(postbox.messages[0])
    hauls, rest = plain.split("\nNew in cs.LG\n")
    category, search = rest.split("\nSaved search: sparse attention\n")
    assert "New hauls" in hauls and "ML Arxiv Haul #7" in hauls and f"{SITE}/hauls/ml-arxiv-haul-7/" in hauls
    assert "A draft" not in plain
    assert TITLES["arxiv:2401.00001"] in category and TITLES["arxiv:2401.00004"] in category
    assert TITLES["arxiv:2401.00002"] in search and TITLES["arxiv:2401.00003"] not in plain

    send_digests(Period("daily", today + dt.timedelta(days=1)))
    assert len(postbox.messages) == 1  # the haul was sent once


def test_daily_and_weekly_subscribers_get_their_own_periods(papers, postbox, daily, today):
    subscriber("daily@example.org")
    subscriber("weekly@example.org", frequency="weekly")
    assert [m["To"] for m in postbox.messages] == [] and send_digests(daily).sent_now == 1
    weekly = send_digests(Period("weekly", today))
    year, week, _ = today.isocalendar()
    assert weekly.period == f"weekly:{year}-W{week:02d}" and weekly.sent_now == 1
    assert [m["To"] for m in postbox.messages] == ["daily@example.org", "weekly@example.org"]
    assert "weekly digest, week" in postbox.messages[1]["Subject"]


def test_a_refused_recipient_is_recorded_and_suspended_after_repeated_refusals(
    papers, postbox, settings, daily, today
):
    settings.PAPERHAUL_DIGEST_MAX_FAILURES = 2
    subscriber("good@example.org")
    bad = subscriber("bad@example.org")
    postbox.refuse["bad@example.org"] = "550 5.1.1 no such mailbox"

    stats = send_digests(daily)

    assert (stats.sent, stats.failed) == (1, 1)
    assert [m["To"] for m in postbox.messages] == ["good@example.org"]
    [failure] = DeliveryFailure.objects.all()
    assert (failure.subscription, failure.hard, failure.code) == (bad, True, 550)
    assert "no such mailbox" in failure.message
    bad.refresh_from_db()
    assert (bad.state, bad.hard_failures) == ("active", 1)

    add_paper("arxiv:2401.00009", "A Paper That Came Later")
    send_digests(Period("daily", today + dt.timedelta(days=1)))
    bad.refresh_from_db()
    assert (bad.state, bad.hard_failures) == ("suspended", 2) and bad.suspended_at is not None

    add_paper("arxiv:2401.00010", "Yet Another Paper")
    send_digests(Period("daily", today + dt.timedelta(days=2)))
    assert not Digest.objects.filter(
        subscription=bad, period=f"daily:{today + dt.timedelta(days=2)}"
    ).exists()
    assert len(postbox.to("good@example.org")) == 3


def test_a_temporary_refusal_leaves_the_digest_for_the_next_run(papers, postbox, daily):
    subscriber("busy@example.org")
    postbox.refuse["busy@example.org"] = "450 4.2.1 mailbox busy, try later"
    stats = send_digests(daily)
    assert (stats.sent, stats.pending) == (0, 1) and not postbox.messages
    assert DeliveryFailure.objects.get().hard is False

    del postbox.refuse["busy@example.org"]
    assert send_digests(daily).sent == 1
    assert len(postbox.to("busy@example.org")) == 1
    assert Subscription.objects.get().hard_failures == 0


def test_a_dropped_connection_is_reopened_and_nobody_gets_two(papers, postbox, daily):
    emails = [f"reader{i}@example.org" for i in range(4)]
    for email in emails:
        subscriber(email)
    postbox.drop = {2}  # the server hangs up instead of answering the second message

    stats = send_digests(daily)

    assert (stats.sent, stats.pending, stats.stopped) == (4, 0, "")
    assert sorted(m["To"] for m in postbox.messages) == emails
    assert postbox.connections == 2
    [failure] = DeliveryFailure.objects.all()
    assert failure.subscription.email == "reader1@example.org" and not failure.hard
    assert "connection lost" in failure.message


def test_a_server_that_keeps_dropping_stops_the_run_and_the_next_run_resumes(papers, postbox, daily):
    emails = [f"reader{i}@example.org" for i in range(4)]
    for email in emails:
        subscriber(email)
    postbox.drop = {2, 3}

    with pytest.raises(CommandError, match="mail server unavailable"):
        call_command("digest", "send", "--frequency", "daily")

    assert [m["To"] for m in postbox.messages] == ["reader0@example.org"]
    assert Digest.objects.filter(state="pending").count() == 3

    postbox.drop = set()
    stats = send_digests(daily)
    assert (stats.sent_now, stats.sent, stats.pending) == (3, 4, 0)
    assert sorted(m["To"] for m in postbox.messages) == emails


def test_a_crash_in_the_middle_of_a_batch_is_resumed_without_sending_anyone_the_same_digest_twice(
    papers, postbox, settings, daily
):
    emails = [f"reader{i}@example.org" for i in range(5)]
    for email in emails:
        subscriber(email)
    stats = crash_after_two_then_resume(lambda: send_digests(daily), emails, postbox, settings)
    assert (stats.sent_now, stats.sent, stats.interrupted, stats.pending) == (3, 4, 1, 0)
    assert Digest.objects.get(state="sending").subscription.email == "reader1@example.org"


def test_each_batch_is_sent_over_one_connection(papers, postbox, settings, daily):
    settings.PAPERHAUL_DIGEST_BATCH = 2
    for i in range(5):
        subscriber(f"reader{i}@example.org")
    assert send_digests(daily).sent == 5
    assert postbox.connections == 3
