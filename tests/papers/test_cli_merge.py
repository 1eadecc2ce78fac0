"""`paperhaul duplicates`, `paperhaul duplicates --dismiss` and `paperhaul merge`, as a curator runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperhaul.papers.models import Paper, PossibleDuplicate
from tests.cli import CliHere
from tests.papers.conftest import add_paper

PREPRINT = "arxiv:2310.01234"
FORUM = "url:https://openreview.net/forum?id=AbCdEf"


def test_a_reported_pair_is_merged_from_the_command_line(cli, tmp_path: Path):
    records = tmp_path / "records.jsonl"
    records.write_text(
        json.dumps({"id": "2310.01234", "title": "Sparse Mixtures of Adapters", "abstract": "We mix."})
        + "\n"
        + json.dumps(
            {
                "url": "https://openreview.net/forum?id=AbCdEf",
                "title": "Sparse mixtures of adapters",
                "doi": "10.1/x",
            }
        )
        + "\n"
    )
    assert cli("import", "jsonl", str(records)).code == 0
    reported = cli("duplicates", "--json").json()
    assert [(r["paper"], r["other"]) for r in reported] == [(PREPRINT, FORUM)]

    dry = cli("merge", PREPRINT, "https://openreview.net/forum?id=AbCdEf", "--dry-run", "--json")
    assert dry.code == 0 and dry.json()["dry_run"] is True and dry.json()["filled"] == ["doi"]
    assert len(cli("duplicates", "--json").json()) == 1  # nothing changed

    merged = cli("merge", PREPRINT, "https://openreview.net/forum?id=AbCdEf")
    assert merged.code == 0, merged.stderr
    assert merged.stdout.strip() == (
        f"Merged {FORUM} into {PREPRINT}; moved 1 identifier, 1 source record; filled in DOI"
    )
    shown = cli("show", "https://openreview.net/forum?id=AbCdEf", "--json").json()
    assert shown["key"] == PREPRINT and shown["doi"] == "10.1/x" and FORUM in shown["identifiers"]
    assert cli("duplicates", "--json").json() == []

    listed = cli("merges", "--json").json()
    assert [(m["absorbed"], m["key"], m["undone_at"]) for m in listed] == [(FORUM, PREPRINT, None)]
    assert f"{FORUM} into {PREPRINT}" in cli("merges").stdout
    dry = cli("unmerge", "https://openreview.net/forum?id=AbCdEf", "--dry-run")
    assert dry.code == 0 and dry.stdout.startswith(f"would be: Undid the merge of {FORUM} into {PREPRINT}")
    assert cli("show", "https://openreview.net/forum?id=AbCdEf", "--json").json()["key"] == PREPRINT

    undone = cli("unmerge", str(listed[0]["id"]))
    assert undone.code == 0, undone.stderr
    assert undone.stdout.strip() == (
        f"Undid the merge of {FORUM} into {PREPRINT}; {FORUM} has again 1 identifier, 1 source record"
    )
    shown = cli("show", "https://openreview.net/forum?id=AbCdEf", "--json").json()
    assert shown["key"] == FORUM and shown["doi"] == "10.1/x"
    assert cli("show", PREPRINT, "--json").json()["doi"] == ""
    assert len(cli("duplicates", "--json").json()) == 1  # the report is back, to be answered again
    again = cli("unmerge", str(listed[0]["id"]))
    assert again.code == 1
    assert again.stderr.strip() == f"CommandError: the merge of {FORUM} into {PREPRINT} was undone already"
    assert cli("merges", "--json").json()[0]["undone_at"] is not None


@pytest.mark.django_db
def test_dismissing_a_report_keeps_both_items(settings):
    run = CliHere()
    add_paper(PREPRINT, "Sparse Mixtures of Adapters")
    add_paper(FORUM, "Sparse mixtures of adapters", source="openreview")
    done = run("duplicates", "--dismiss", "https://openreview.net/forum?id=AbCdEf", "2310.01234")
    assert done.code == 0 and done.stdout.strip() == "0 possible duplicate(s)"
    assert "dismissed:" in done.stderr
    assert PossibleDuplicate.objects.get().status == "dismissed" and Paper.objects.count() == 2
    again = run("duplicates", "--dismiss", PREPRINT, "arxiv:2401.00001")
    assert again.code == 1 and again.stderr.strip() == "CommandError: not in the library: arxiv:2401.00001"


@pytest.mark.django_db
def test_merge_errors_are_one_line_and_change_nothing(settings):
    run = CliHere()
    add_paper(PREPRINT, "Sparse Mixtures of Adapters")
    add_paper("arxiv:2401.00002", "Something else entirely")
    unknown = run("merge", PREPRINT, "https://example.org/nowhere")
    assert unknown.code == 1
    assert unknown.stderr.strip() == "CommandError: not in the library: https://example.org/nowhere"
    same = run("merge", PREPRINT, "https://arxiv.org/pdf/2310.01234v3")
    assert same.code == 1 and "are already one item" in same.stderr
    unreported = run("duplicates", "--dismiss", PREPRINT, "arxiv:2401.00002")
    assert unreported.code == 1 and "no report says that" in unreported.stderr
    assert run("merge", PREPRINT).code == 2  # usage
    nothing = run("unmerge", "https://example.org/nowhere")
    assert nothing.code == 1
    assert nothing.stderr.strip() == "CommandError: no merge to undo names https://example.org/nowhere"
    assert run("unmerge", "12").stderr.strip() == "CommandError: no merge number 12"
    assert Paper.objects.count() == 2
