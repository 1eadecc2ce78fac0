"""The API tests use the web tests' library and people, plus API tokens of those people."""

from __future__ import annotations

import pytest

from paperhaul.accounts.models import ApiToken
from tests.web import conftest as web

# pytest finds fixtures by name in this module: the web tests' ones, shared rather than copied.
papers = web.papers
today = web.today
reader = web.reader
other_reader = web.other_reader
moderator = web.moderator
curator = web.curator
reader_client = web.reader_client
unreachable_arxiv = web.unreachable_arxiv


def bearer(user) -> dict[str, str]:
    """Headers that carry a new API token of ``user``."""
    _, token = ApiToken.issue(user, "tests")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def as_reader(reader) -> dict[str, str]:
    return bearer(reader)


@pytest.fixture
def as_other(other_reader) -> dict[str, str]:
    return bearer(other_reader)


@pytest.fixture
def as_moderator(moderator) -> dict[str, str]:
    return bearer(moderator)


@pytest.fixture
def as_curator(curator) -> dict[str, str]:
    return bearer(curator)
