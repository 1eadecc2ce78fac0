"""`paperhaul digest` as a user runs it: a fresh home, the SMTP server from the settings, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from tests.cli import Cli

SUBSCRIBE = """
from paperhaul.notify import subscriptions
from paperhaul.notify.models import Subscription
prefs = subscriptions.preferences(frequency="daily", kinds={"daily"})
subscription = Subscription.objects.create(email="ada@example.org")
subscriptions.apply(subscription, prefs)
subscriptions.confirm(subscription)
"""


@pytest.fixture
def home_with_a_subscriber(tmp_path: Path, postbox, settings) -> Cli:
    cli = Cli(
        tmp_path / "home",
        PAPERHAUL_SMTP_HOST="127.0.0.1",
        PAPERHAUL_SMTP_PORT=str(settings.EMAIL_PORT),
        PAPERHAUL_SITE_URL="https://papers.example.org",
    )
    today = timezone.localdate().isoformat()
    records = tmp_path / "papers.jsonl"
    records.write_text(
        "\n".join(
            json.dumps(
                {"id": f"arxiv:2401.0000{i}", "title": title, "published": today, "categories": ["cs.CL"]}
            )
            for i, title in enumerate(["Sparse Attention for Long Documents", "Tiny Speech Models"], start=1)
        )
    )
    assert cli("import", "jsonl", str(records)).code == 0
    done = cli("shell", "-c", SUBSCRIBE)
    assert done.code == 0, done.stderr
    return cli


def test_digest_send_through_the_configured_smtp_server_and_again_sends_nothing(
    home_with_a_subscriber, postbox
):
    cli = home_with_a_subscriber
    preview = cli("digest", "preview", "ADA@example.org")
    assert preview.code == 0 and "Sparse Attention for Long Documents" in preview.stdout
    assert not postbox.messages  # a preview sends nothing

    first = cli("digest", "send", "--frequency", "daily", "--json")
    assert first.code == 0, first.stderr
    assert first.json()["sent_now"] == 1
    [message] = postbox.messages
    assert message["To"] == "ada@example.org"
    assert "https://papers.example.org/papers/2401.00001" in message.as_string()

    again = cli("digest", "send", "--frequency", "daily")
    assert again.code == 0
    assert again.stdout.strip().endswith("sent 1 (0 now) / empty 0 / failed 0 / waiting 0 / interrupted 0")
    assert len(postbox.messages) == 1


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("digest", "send", "--frequency", "daily", "--date", "yesterday"),
            "not a date (YYYY-MM-DD): 'yesterday'",
        ),
        (("digest", "preview", "nobody@example.org"), "no subscription for nobody@example.org"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_a_failing_exit(cli, args, error):
    result = cli(*args)
    assert result.code == 1
    assert result.stderr.strip() == f"CommandError: {error}"


def test_an_unreachable_mail_server_fails_the_run_and_keeps_the_digest(home_with_a_subscriber, postbox):
    cli = Cli(home_with_a_subscriber.home, PAPERHAUL_SMTP_HOST="127.0.0.1", PAPERHAUL_SMTP_PORT="9")
    result = cli("digest", "send", "--frequency", "daily")
    assert result.code == 1
    assert "mail server unavailable" in result.stderr and "run again" in result.stderr
    assert "waiting 1" in result.stdout
    resumed = home_with_a_subscriber("digest", "send", "--frequency", "daily", "--json")
    assert resumed.json()["sent_now"] == 1 and len(postbox.messages) == 1


NEWSLETTER = """
from paperhaul.hauls import authoring
from paperhaul.notify import subscriptions
from paperhaul.notify.models import Subscription
for email in ("grace@example.org", "alan@example.org"):
    subscription = Subscription.objects.create(email=email)
    subscriptions.apply(subscription, subscriptions.preferences(frequency="weekly", kinds={"newsletter"}))
    subscriptions.confirm(subscription)
published = authoring.new_haul("ML Arxiv Haul #12", number=12)
authoring.add_item(published, "https://arxiv.org/abs/2401.00001", "Long documents, at last.")
authoring.publish(published)
authoring.new_haul("Work in progress", number=13)
"""


def test_digest_haul_sends_the_newsletter_once_and_refuses_a_draft(home_with_a_subscriber, postbox):
    cli = home_with_a_subscriber
    done = cli("shell", "-c", NEWSLETTER)
    assert done.code == 0, done.stderr

    first = cli("digest", "haul", "12", "--json")
    assert first.code == 0, first.stderr
    assert {k: first.json()[k] for k in ("haul", "sent_now", "sent", "failed", "pending")} == {
        "haul": 12,
        "sent_now": 2,
        "sent": 2,
        "failed": 0,
        "pending": 0,
    }
    assert sorted(m["To"] for m in postbox.messages) == ["alan@example.org", "grace@example.org"]
    assert all(m["Subject"] == "ML Arxiv Haul #12" and m["List-Unsubscribe-Post"] for m in postbox.messages)

    again = cli("digest", "haul", "12")
    assert again.code == 0
    assert again.stdout.strip() == "haul 12: sent 2 (0 now) / failed 0 / waiting 0 / interrupted 0"
    assert len(postbox.messages) == 2

    draft = cli("digest", "haul", "13")
    assert draft.code == 1
    assert draft.stderr.strip() == (
        "CommandError: haul 13 is a draft: publish it before sending it as the newsletter"
    )
    unknown = cli("digest", "haul", "99")
    assert (unknown.code, unknown.stderr.strip()) == (1, "CommandError: no haul 99")
    assert len(postbox.messages) == 2
