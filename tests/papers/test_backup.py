"""`paperhaul backup`: a whole, consistent copy of a SQLite library that opens as a library."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from paperhaul.errors import InputError
from paperhaul.papers.backup import backup
from tests.cli import Cli

RECORDS = [
    {"id": "arxiv:2311.11045", "title": "Orca 2: Teaching Small Language Models How to Reason"},
    {"id": "arxiv:2311.11077", "title": "Adapters: A Unified Library for Transfer Learning"},
]


@pytest.fixture
def library(cli, tmp_path: Path) -> Cli:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    assert cli("import", "jsonl", str(path)).code == 0
    return cli


def test_a_backup_taken_during_a_write_holds_what_was_committed_and_opens_as_a_library(library, tmp_path):
    writer = sqlite3.connect(library.home / "paperhaul.sqlite3", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM papers_paper WHERE key = 'arxiv:2311.11045'")  # not committed
    copy = tmp_path / "backups" / "library.sqlite3"
    copy.parent.mkdir()

    done = library("backup", str(copy), "--json")

    writer.execute("ROLLBACK")
    writer.close()
    assert done.code == 0, done.stderr
    assert done.json() == {
        "path": str(copy),
        "papers": 2,
        "bytes": copy.stat().st_size,
        "secret_key_file": str(library.home / "secret_key"),
    }
    assert [p.name for p in copy.parent.iterdir()] == ["library.sqlite3"], "no temporary file is left"
    restored = Cli(tmp_path / "restored")
    restored.home.mkdir()
    shutil.copy(copy, restored.home / "paperhaul.sqlite3")
    found = restored("search", "orca reason", "--mode", "lexical", "--json")
    assert [hit["key"] for hit in found.json()["hits"]] == ["arxiv:2311.11045"]


def test_the_summary_says_to_keep_the_generated_secret_key(library, tmp_path):
    copy = tmp_path / "b.sqlite3"
    done = library("backup", str(copy))
    assert done.stdout.splitlines() == [
        f"backed up 2 papers ({copy.stat().st_size / 2**20:,.1f} MiB) to {copy}",
        f"keep {library.home / 'secret_key'} with it: sign-ins and e-mailed links depend on that key",
    ]
    configured = Cli(library.home, PAPERHAUL_SECRET_KEY="configured-elsewhere")
    assert configured("backup", str(tmp_path / "c.sqlite3")).stdout.count("\n") == 1


def test_an_existing_file_or_a_missing_folder_is_refused_and_nothing_is_written(library, tmp_path):
    existing = tmp_path / "kept.sqlite3"
    existing.write_bytes(b"an earlier backup")
    refused = library("backup", str(existing))
    assert refused.code == 1
    assert (
        refused.stderr.strip()
        == f"CommandError: {existing} exists: a backup never overwrites a file, give a new name"
    )
    assert existing.read_bytes() == b"an earlier backup"
    missing = library("backup", str(tmp_path / "nope" / "b.sqlite3"))
    assert (missing.code, missing.stderr.strip()) == (1, f"CommandError: no such folder: {tmp_path / 'nope'}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (set DATABASE_URL)")
def test_on_postgresql_it_points_to_pg_dump(tmp_path):
    with pytest.raises(InputError, match="back it up with pg_dump"):
        backup(tmp_path / "b.sqlite3")
    assert not (tmp_path / "b.sqlite3").exists()
