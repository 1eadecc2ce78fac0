"""The synthetic arXiv snapshot has the real snapshot's shape and is reproducible."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import subprocess
import sys
from email.utils import parsedate_to_datetime
from itertools import islice
from pathlib import Path

import pytest

from bench import synthetic
from bench.synthetic import generate_snapshot, main
from paperhaul.papers import ids

N = 400
KEYS = ["id", "submitter", "authors", "title", "comments", "journal-ref", "doi", "report-no"]
KEYS += ["categories", "license", "abstract", "versions", "update_date", "authors_parsed"]
OPTIONAL_STRINGS = ["submitter", "comments", "journal-ref", "doi", "report-no", "license"]
CATEGORY = re.compile(r"^[a-z]+(-[a-z]+)?(\.[A-Za-z]+(-[a-z]+)?)?$")
LICENSES = {
    None,
    "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
    "http://creativecommons.org/licenses/by/4.0/",
    "http://creativecommons.org/licenses/by-sa/4.0/",
    "http://creativecommons.org/licenses/by-nc-sa/4.0/",
    "http://creativecommons.org/licenses/by-nc-nd/4.0/",
    "http://creativecommons.org/publicdomain/zero/1.0/",
    "http://creativecommons.org/licenses/by/3.0/",
    "http://creativecommons.org/licenses/by-nc-sa/3.0/",
}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return list(generate_snapshot(N, seed=0))


def test_every_record_has_the_snapshot_keys_and_types(records: list[dict]) -> None:
    assert len(records) == N
    for rec in records:
        assert list(rec) == KEYS
        for key in ("id", "authors", "title", "categories", "abstract", "update_date"):
            assert isinstance(rec[key], str) and rec[key].strip(), key
        for key in OPTIONAL_STRINGS:
            assert rec[key] is None or (isinstance(rec[key], str) and rec[key]), key
        assert rec["license"] in LICENSES
        assert json.loads(json.dumps(rec)) == rec


def test_ids_are_unique_increasing_arxiv_ids(records: list[dict]) -> None:
    idents = [rec["id"] for rec in records]
    assert len(set(idents)) == N
    old = [i for i in idents if "/" in i]
    assert 0.02 * N <= len(old) <= 0.04 * N
    assert idents[: len(old)] == old  # old-style ids come first
    new = idents[len(old) :]
    assert new == sorted(new)
    for rec in records:
        assert ids.canonical_key(rec["id"]) == f"arxiv:{rec['id']}"
        if "/" in rec["id"]:
            archive, number = rec["id"].split("/")
            assert re.fullmatch(r"\d{7}", number)
            assert rec["categories"].split()[0].split(".")[0] == archive
        else:
            assert re.fullmatch(r"\d{4}\.\d{4,5}", rec["id"])


def test_text_fields_look_like_arxiv(records: list[dict]) -> None:
    for rec in records:
        assert 5 <= len(rec["title"].split()) <= 20
        assert 80 <= len(rec["abstract"].split()) <= 250
        assert rec["abstract"].startswith("  ") and rec["abstract"].endswith("\n")
        assert "\n" in rec["abstract"].strip()  # hard line breaks inside, as arXiv has them
        categories = rec["categories"].split(" ")
        assert 1 <= len(categories) <= 5 and len(set(categories)) == len(categories)
        assert all(CATEGORY.match(c) for c in categories), categories
    assert len({rec["title"] for rec in records}) == N
    assert len({rec["abstract"] for rec in records}) == N


def test_authors_string_matches_authors_parsed(records: list[dict]) -> None:
    counts = []
    for rec in records:
        names = re.split(r", | and ", rec["authors"])
        parsed = rec["authors_parsed"]
        assert 1 <= len(parsed) == len(names) <= 30
        for entry, name in zip(parsed, names, strict=True):
            assert isinstance(entry, list) and len(entry) == 3
            assert all(isinstance(part, str) for part in entry)
            last, first, _ = entry
            assert last and first and name.startswith(first) and last in name
        counts.append(len(parsed))
    assert 2 <= sorted(counts)[N // 2] <= 6  # skewed towards small teams


def test_versions_and_dates(records: list[dict]) -> None:
    for rec in records:
        versions = rec["versions"]
        assert 1 <= len(versions) <= 4
        assert [v["version"] for v in versions] == [f"v{k}" for k in range(1, len(versions) + 1)]
        created = []
        for v in versions:
            assert list(v) == ["version", "created"] and v["created"].endswith(" GMT")
            when = parsedate_to_datetime(v["created"])
            assert when.utcoffset() == dt.timedelta(0)
            assert when.strftime("%a") == v["created"][:3]  # the weekday is the date's
            created.append(when)
        assert created == sorted(created)
        update = dt.date.fromisoformat(rec["update_date"])
        assert update >= created[-1].date()
        if "/" not in rec["id"]:  # a new-style id names the month of its first version
            assert created[0].strftime("%y%m") == rec["id"][:4]


def test_field_frequencies(records: list[dict]) -> None:
    def share(key: str) -> float:
        return sum(rec[key] is not None for rec in records) / N

    assert 0.2 <= share("doi") <= 0.4
    assert 0.12 <= share("journal-ref") <= 0.3
    assert 0.5 <= share("comments") <= 0.7
    dois = [rec["doi"] for rec in records if rec["doi"]]
    assert len(set(dois)) == len(dois)
    assert all(ids.canonical_key(doi) == f"doi:{doi.lower()}" for doi in dois)


def test_same_seed_same_output(records: list[dict]) -> None:
    synthetic._model.cache_clear()  # rebuild the vocabulary, tapes and pools too
    assert list(generate_snapshot(N, seed=0)) == records
    other = list(islice(generate_snapshot(N, seed=1), 50))
    assert [r["title"] for r in other] != [r["title"] for r in records[:50]]


def test_cli_writes_json_lines_the_same_in_another_process(tmp_path: Path) -> None:
    """``python -m bench.synthetic``, with another string hash seed: no set order leaks in."""
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = Path(synthetic.__file__).resolve().parents[1]
    cmd = [sys.executable, "-m", "bench.synthetic", "60", str(out), "--seed", "3"]
    subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True, timeout=60)
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written == list(generate_snapshot(60, seed=3))


def test_cli_writes_gzip(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl.gz"
    assert main(["50", str(out)]) == 0
    with gzip.open(out, "rt", encoding="utf-8") as lines:
        assert [json.loads(line) for line in lines] == list(generate_snapshot(50, seed=0))
