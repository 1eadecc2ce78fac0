"""docs/subscriptions.md states the code's numbers."""

from __future__ import annotations

from pathlib import Path

from paperhaul.notify import digests, feeds, keywords, recommend, sending, tasks, tokens, views

DOC = (Path(__file__).resolve().parents[2] / "docs" / "subscriptions.md").read_text()


def test_the_documented_limits_are_the_code_s():
    lookback = digests.LOOKBACK_DAYS
    stated = [
        f"works for {tokens.CONFIRM_MAX_AGE.days} days",
        f"at most {keywords.MAX_ENTRIES} of {keywords.MAX_ENTRY_CHARS} characters each",
        f"section of at most {digests.SECTION_LIMIT} papers",
        f"last {lookback['daily']} days for a daily digest and {lookback['weekly']} days for a weekly one",
        f"failed for now {sending.MAX_ATTEMPTS} times",
        f"queued again {tasks.RETRY_AFTER.seconds // 60} minutes later, at most {tasks.RETRIES} times",
        f"the {feeds.DAILY_FEED_DAYS - 1} days before it",
        f"at most {feeds.FEED_LIMIT} items",
        f"lists the {views.FOR_YOU_LENGTH} recent papers",
        f"the newest {recommend.POOL} papers",
        f"counting {recommend.DISMISSED_WEIGHT:g} times as much",
        f"+ {recommend.TRENDING_WEIGHT:g} \N{MULTIPLICATION SIGN} its trending score",
    ]
    missing = [sentence for sentence in stated if sentence not in " ".join(DOC.split())]
    assert not missing
