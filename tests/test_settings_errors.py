"""A malformed setting is a clear one-line error from the command, never a traceback."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PAPERHAUL_IMPORT_BATCH", "lots", " must be a whole number, not 'lots'"),
        ("PAPERHAUL_EMBEDDING_THREADS", "2.5", " must be a whole number, not '2.5'"),
        ("PAPERHAUL_HTTP_BACKOFF", "soon", " must be a number, not 'soon'"),
        ("PAPERHAUL_FETCH_HOUR", "25", " must be an hour from 0 to 23, not 25"),
        ("PAPERHAUL_DIGEST_HOUR", "-1", " must be an hour from 0 to 23, not -1"),
        (
            "PAPERHAUL_FETCH_SOURCES",
            "arxiv,biorxiv",
            ": unknown 'biorxiv'; use arxiv, daily, openreview, semantic-scholar",
        ),
    ],
)
def test_a_malformed_number_names_the_setting(cli, name, value, message):
    cli.env[name] = value
    done = cli("list")
    assert done.code == 1
    assert done.stderr.strip() == f"paperhaul: {name}{message}"
    assert not (cli.home / "paperhaul.sqlite3").exists()  # stopped before touching the library
