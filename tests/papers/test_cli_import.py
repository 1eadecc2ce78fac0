"""`paperhaul import/export/show/list` end to end, as a user runs them."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest


def snapshot_line(arxiv_id: str, title: str, **extra) -> str:
    record = {
        "id": arxiv_id,
        "submitter": "A. Person",
        "authors": "Ada Lovelace and Alan Turing",
        "title": title,
        "comments": "12 pages",
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": "cs.CL cs.LG",
        "license": None,
        "abstract": "  We study things.\nAcross lines.  ",
        "versions": [
            {"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"},
            {"version": "v2", "created": "Tue, 24 Jul 2007 20:10:27 GMT"},
        ],
        "update_date": "2008-11-13",
        "authors_parsed": [["Lovelace", "Ada", ""], ["Turing", "Alan", ""]],
        **extra,
    }
    return json.dumps(record) + "\n"


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "snapshot.jsonl.gz"
    with gzip.open(path, "wt") as out:
        out.write(snapshot_line("0704.0001", "Calculation of prompt diphoton production"))
        out.write(snapshot_line("hep-th/9901001", "Old style id"))
        out.write(snapshot_line("math/0309136", "Old style with subject class"))
    return path


def test_snapshot_import_keeps_ids_as_strings_and_is_idempotent(cli, snapshot):
    first = cli("import", "snapshot", str(snapshot))
    assert first.code == 0, first.stderr
    assert first.stdout.strip().endswith("added 3 / updated 0 / unchanged 0 / failed 0")
    again = cli("import", "snapshot", str(snapshot))
    assert again.stdout.strip().endswith("added 0 / updated 0 / unchanged 3 / failed 0")

    shown = cli("show", "https://arxiv.org/abs/0704.0001v2", "--json").json()
    assert shown["key"] == "arxiv:0704.0001"
    assert shown["authors"] == ["Ada Lovelace", "Alan Turing"]
    assert shown["abstract"] == "We study things. Across lines."
    assert shown["published"] == "2007-04-02" and shown["updated"] == "2007-07-24"
    assert [v["version"] for v in shown["versions"]] == ["v1", "v2"]
    assert shown["categories"] == ["cs.CL", "cs.LG"]
    assert cli("show", "arXiv:math.GT/0309136", "--json").json()["key"] == "arxiv:math/0309136"
    assert cli("show", "hep-th/9901001", "--json").json()["title"] == "Old style id"


def test_list_filters_and_json(cli, snapshot, tmp_path):
    empty = cli("list")
    assert (empty.code, empty.stdout, empty.stderr) == (0, "", "the library is empty\n")
    cli("import", "snapshot", str(snapshot))
    none = cli("list", "--category", "q-bio.NC")
    assert (none.code, none.stdout, none.stderr) == (0, "", "no papers match\n")
    listed = cli("list", "--category", "cs.CL", "--json").json()
    assert {p["key"] for p in listed} == {"arxiv:0704.0001", "arxiv:hep-th/9901001", "arxiv:math/0309136"}
    assert cli("list", "--category", "q-bio.NC", "--json").json() == []
    assert cli("list", "--since", "2008-01-01", "--json").json() == []
    assert len(cli("list", "--source", "arxiv-snapshot", "--limit", "2", "--json").json()) == 2
    bad = cli("list", "--since", "yesterday")
    assert bad.code != 0 and "not a date" in bad.stderr


def test_export_jsonl_round_trips_through_import(cli, snapshot, tmp_path):
    cli("import", "snapshot", str(snapshot))
    out = tmp_path / "out.jsonl"
    exported = cli("export", "jsonl", str(out))
    assert exported.code == 0, exported.stderr
    lines = out.read_text().splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert first["id"] == "arxiv:0704.0001" and first["authors"] == ["Ada Lovelace", "Alan Turing"]

    from tests.cli import Cli

    other = Cli(tmp_path / "other-home")
    imported = other("import", "jsonl", str(out))
    assert imported.stdout.strip().endswith("added 3 / updated 0 / unchanged 0 / failed 0")
    assert other("show", "arxiv:0704.0001", "--json").json()["categories"] == ["cs.CL", "cs.LG"]


def test_missing_file_unknown_format_and_bad_records_fail_cleanly(cli, tmp_path):
    missing = cli("import", "jsonl", str(tmp_path / "nope.jsonl"))
    assert missing.code == 1
    assert "no such file" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1

    unknown = cli("import", "yaml", str(tmp_path / "nope.jsonl"))
    assert unknown.code == 1 and "unknown format 'yaml'" in unknown.stderr

    path = tmp_path / "records.jsonl"
    path.write_text('{"title": "Good one"}\n{"title": \n{"title": "Another good one"}\n')
    stopped = cli("import", "jsonl", str(path))
    assert stopped.code == 1
    assert f"{path}:2:" in stopped.stderr
    assert cli("list", "--json").json() == [], "nothing of the failed batch was written"

    skipped = cli("import", "jsonl", str(path), "--skip-bad")
    assert skipped.code == 0
    assert skipped.stdout.strip().endswith("added 2 / updated 0 / unchanged 0 / failed 1")
    assert f"{path}:2:" in skipped.stderr


def test_truncated_gzip_is_a_clear_error(cli, snapshot, tmp_path):
    data = snapshot.read_bytes()
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(data[: len(data) // 2])
    result = cli("import", "snapshot", str(broken))
    assert result.code == 1
    assert "truncated or corrupt" in result.stderr
    assert cli("list", "--json").json() == []


def test_show_unknown_paper(cli):
    result = cli("show", "arxiv:2401.99999")
    assert result.code == 1 and "not in the library" in result.stderr


def test_show_a_paper_known_only_by_a_link_says_how_to_complete_it(cli, tmp_path):
    links = tmp_path / "links.json"
    entry = {
        "blog": "https://blog.example.com/1",
        "src": "https://arxiv.org/pdf/2311.11045v2",
        "title": "Orca 2",
    }
    links.write_text(json.dumps([entry]))
    cli("import", "links", str(links))

    shown = cli("show", "arxiv:2311.11045")

    assert shown.stdout.splitlines() == [
        "Orca 2",
        "arxiv:2311.11045  https://arxiv.org/abs/2311.11045",
        "",
        "known only by a link, a citation or a title: `paperhaul refresh arxiv:2311.11045` fetches its"
        " authors, dates and abstract",
    ]


def test_daily_papers_sample_imports_as_records(cli, shared):
    sample = shared / "data" / "daily-papers-sample.jsonl"
    first = cli("import", "jsonl", str(sample))
    assert first.code == 0, first.stderr
    assert first.stdout.strip().endswith("added 134 / updated 0 / unchanged 0 / failed 0")
    again = cli("import", "jsonl", str(sample), "--json").json()
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 134)


@pytest.mark.django_db
def test_large_files_are_parsed_in_a_worker_with_file_line_numbers(tmp_path, monkeypatch):
    """The worker path gives the same library and the same line numbers as the in-process one."""
    from paperhaul.errors import RecordError
    from paperhaul.papers import importing
    from paperhaul.papers.ingest import parallel
    from paperhaul.papers.models import Paper

    monkeypatch.setattr(importing, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "CHUNK_LINES", 4)
    path = tmp_path / "snapshot.jsonl"
    lines = [snapshot_line(f"2311.{n:05d}", f"Paper number {n}") for n in range(1, 11)]
    lines.insert(6, "{not json\n")
    path.write_text("".join(lines))
    with pytest.raises(RecordError, match=r"snapshot\.jsonl:7: not JSON"):
        importing.import_file("snapshot", path)
    result = importing.import_file("snapshot", path, skip_bad=True)
    assert (result.stats.added, result.stats.failed) == (10, 1)
    assert result.stats.errors[0].startswith(f"{path}:7: not JSON")
    assert Paper.objects.get(key="arxiv:2311.00010").authors == ["Ada Lovelace", "Alan Turing"]


def test_the_import_bar_says_finishing_once_every_record_is_written(db, tmp_path, capsys):
    from paperhaul.papers import importing
    from paperhaul.progress import progress_bar

    path = tmp_path / "snapshot.jsonl"
    path.write_text("".join(snapshot_line(f"2311.{n:05d}", f"Paper number {n}") for n in range(1, 4)))
    with progress_bar("import snapshot.jsonl", enabled=True) as bar:
        importing.import_file("snapshot", path, bar=bar)
    assert "import snapshot.jsonl (finishing: search indexes)" in capsys.readouterr().err


def test_a_links_import_says_how_to_fetch_the_papers_it_only_links_to(cli, tmp_path):
    path = tmp_path / "links.json"
    path.write_text(
        '[{"blog": "https://blog.example/1", "src": "arxiv.org/abs/2311.11077", "title": "Experts"},]'
    )
    done = cli("import", "links", str(path))
    assert done.code == 0, done.stderr
    assert done.stderr.strip() == (
        "1 paper is known only by a link, a citation or a title: `paperhaul refresh --incomplete` fetches "
        "their authors, dates and abstracts"
    )
    again = cli("import", "links", str(path))
    assert again.stderr == "", "nothing new: no hint"
