"""Fixtures of the subscription tests: a real SMTP server that can refuse and drop, subscribers, papers."""

from __future__ import annotations

import pytest

from paperhaul.enrich.models import Topic
from paperhaul.notify import subscriptions
from paperhaul.notify.keywords import KeywordFilter
from paperhaul.notify.models import Subscription
from tests.local_servers import Mailbox, smtp_server
from tests.web.conftest import papers, today  # noqa: F401  (the five papers of the web tests, their day)

SITE = "https://papers.example.org"


class Postbox(Mailbox):
    """An SMTP server's handler that keeps what it accepts, refuses the recipients in ``refuse``
    (address -> SMTP reply) and drops the connection instead of answering the messages whose
    number (counted from 1, over every message it was sent) is in ``drop``."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: dict[str, str] = {}
        self.drop: set[int] = set()
        self.attempts = 0
        self.peers: list[tuple] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        reply = self.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.attempts += 1
        if self.attempts in self.drop:
            server.transport.close()
            return "421 closing"
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    @property
    def connections(self) -> int:
        return len(set(self.peers))


@pytest.fixture(autouse=True)
def _site(monkeypatch):
    """The public address every link in e-mails and feeds starts with."""
    monkeypatch.setenv("PAPERHAUL_SITE_URL", SITE)


@pytest.fixture
def postbox(settings) -> Postbox:
    """A real SMTP server on 127.0.0.1, and Django's SMTP backend pointed at it."""
    with smtp_server(settings, Postbox()) as handler:
        yield handler


def subscriber(
    email: str,
    *,
    frequency: str = "daily",
    kinds: tuple[str, ...] = ("daily",),
    categories: tuple[str, ...] = (),
    topics: tuple[Topic, ...] = (),
    search: str = "",
    **keywords: tuple[str, ...],
) -> Subscription:
    """A confirmed subscription, made through the same services as the pages."""
    prefs = subscriptions.preferences(
        frequency=frequency,
        kinds=set(kinds),
        categories=categories,
        topics=topics,
        search=search,
        keywords=KeywordFilter(**keywords),
    )
    subscription = Subscription.objects.create(email=email)
    subscriptions.apply(subscription, prefs)
    return subscriptions.confirm(subscription)
