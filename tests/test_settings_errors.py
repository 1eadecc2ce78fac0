"""A malformed setting is a clear one-line error from the command, never a traceback."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PAPERHAUL_IMPORT_BATCH", "lots", "must be a whole number, not 'lots'"),
        ("PAPERHAUL_EMBEDDING_THREADS", "2.5", "must be a whole number, not '2.5'"),
        ("PAPERHAUL_HTTP_BACKOFF", "soon", "must be a number, not 'soon'"),
    ],
)
def test_a_malformed_number_names_the_setting(cli, name, value, message):
    cli.env[name] = value
    done = cli("list")
    assert done.code == 1
    assert done.stderr.strip() == f"paperhaul: {name} {message}"
    assert not (cli.home / "paperhaul.sqlite3").exists()  # stopped before touching the library
