"""`paperhaul export links`: the links dataset regenerated from the published hauls, and its round
trip through `paperhaul import links` (no duplicates, nothing changed; a hand-made duplicate reported)."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import pytest

from paperhaul.hauls.document import ParsedHaul
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul
from paperhaul.hauls.parse import parse_haul, repair_mojibake
from paperhaul.hauls.plaintext import plain_title
from paperhaul.papers.exporting import links_entries
from tests.cli import Cli
from tests.hauls.conftest import block, post

SITE = "https://hauls.example.org"


def export_links(cli: Cli, path: Path) -> list[dict]:
    done = cli("export", "links", str(path))
    assert done.code == 0, done.stderr
    entries = json.loads(path.read_text(encoding="utf-8"))
    assert done.stdout.strip() == f"exported {len(entries)} entries to {path}"
    return entries


@pytest.fixture
def library(shared: Path, tmp_path: Path) -> Cli:
    """A library holding every real post (the seed posts too), on a site at SITE."""
    cli = Cli(tmp_path / "home", PAPERHAUL_SITE_URL=SITE)
    seeds = [shared / "seeds" / "000_7a0cdb1f7f7e9f58.txt", shared / "seeds" / "001_0362dc3a057e3df5.txt"]
    done = cli("import", "haul", str(shared / "data" / "hauls"), *map(str, seeds))
    assert done.code == 0, done.stderr
    return cli


def test_every_item_link_of_every_real_post_is_there_once_per_haul(library: Cli, real_posts, tmp_path: Path):
    entries = export_links(library, tmp_path / "links.json")
    slugs = {h["number"]: h["slug"] for h in library("haul", "list", "--json").json()}

    expected = []
    for number, parsed in sorted(_posts(real_posts).items(), key=lambda pair: pair[1].front.published_at):
        keys_seen = set()
        for item in parsed.items:
            if item.key in keys_seen:
                continue
            keys_seen.add(item.key)
            expected.append(
                {
                    "blog": f"{SITE}/hauls/{slugs[number]}/",
                    "src": html.unescape(item.url),
                    "title": plain_title(item.title),
                    "posted": parsed.front.published_at.date().isoformat(),
                }
            )
    assert len(expected) == 219
    assert entries == expected  # hauls oldest first, items in post order; no "updated" on a fresh import
    assert len({(e["blog"], e["src"]) for e in entries}) == len(entries)
    assert entries[0]["posted"] == "2023-01-03" and entries[-1]["posted"] == "2023-12-01"


def test_export_then_import_reports_no_duplicate_and_changes_nothing(library: Cli, tmp_path: Path):
    first = tmp_path / "links.json"
    entries = export_links(library, first)
    papers_before = tmp_path / "papers-before.jsonl"
    assert library("export", "jsonl", str(papers_before)).code == 0

    imported = library("import", "links", str(first), "--json")
    assert imported.code == 0, imported.stderr
    summary = imported.json()
    assert summary["duplicate_entries"] == []
    assert (summary["added"], summary["failed"], summary["possible_duplicates"]) == (0, 0, 0)
    again = library("import", "links", str(first), "--json").json()
    assert again["unchanged"] == len(entries) and again["updated"] == 0

    papers_after = tmp_path / "papers-after.jsonl"
    assert library("export", "jsonl", str(papers_after)).code == 0
    assert papers_after.read_text(encoding="utf-8") == papers_before.read_text(encoding="utf-8")
    second = tmp_path / "links-again.json"
    export_links(library, second)
    assert second.read_bytes() == first.read_bytes()


def test_a_hand_edited_file_reports_its_duplicate_and_exports_clean(library: Cli, tmp_path: Path):
    entries = export_links(library, tmp_path / "links.json")
    haul_20 = next(e for e in entries if e["src"] == "https://arxiv.org/abs/2306.07899")
    other_blog = "https://blog.example.org/reading-list"
    lines = [json.dumps(e, ensure_ascii=False) for e in entries]
    lines.append(json.dumps({**haul_20, "src": "https://arxiv.org/pdf/2306.07899v2.pdf"}))
    lines.append(
        f"{{blog: '{other_blog}', src: 'https://arxiv.org/abs/2306.00238', title: 'Bytes Are All You "
        "Need: Transformers Operating Directly On File Bytes', posted: '30 Oct 2021'}"
    )
    edited = tmp_path / "edited.js"  # a JavaScript wrapper, unquoted keys, trailing commas
    edited.write_text("export const posts = [\n" + ",\n".join(lines) + ",\n];\n", encoding="utf-8")
    imported = library("import", "links", str(edited))
    assert imported.code == 0, imported.stderr
    duplicates = [line for line in imported.stdout.splitlines() if line.startswith("duplicate entry:")]
    assert duplicates == [
        f"duplicate entry: {haul_20['blog']}: https://arxiv.org/abs/2306.07899 and "
        "https://arxiv.org/pdf/2306.07899v2.pdf are the same item (arxiv:2306.07899)"
    ]

    after = export_links(library, tmp_path / "after.json")
    assert after[: len(entries)] == entries  # the duplicate is not a second entry of haul ~20
    assert after[len(entries) :] == [
        {
            "blog": other_blog,
            "src": "https://arxiv.org/abs/2306.00238",
            "title": "Bytes Are All You Need: Transformers Operating Directly On File Bytes",
            "posted": "2021-10-30",
        }
    ]


@pytest.mark.django_db
def test_drafts_are_left_out_and_a_paper_twice_in_a_haul_is_one_entry(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PAPERHAUL_SITE_URL", SITE)
    twice = post(
        block("https://arxiv.org/abs/2401.00001", "One &amp; <em>Only</em>")
        + "First.\n<hr/>\n"
        + block("https://arxiv.org/pdf/2401.00001v2", "One again")
        + "Second.\n"
    )
    draft = "---\ntitle: Draft Haul ~8\n---\n\n" + block("https://arxiv.org/abs/2401.00002", "Two")
    (tmp_path / "a.md").write_text(twice, encoding="utf-8")
    (tmp_path / "b.md").write_text(draft, encoding="utf-8")
    import_hauls([tmp_path])
    expected = {
        "blog": f"{SITE}/hauls/ml-arxiv-haul-7/",
        "src": "https://arxiv.org/abs/2401.00001",
        "title": "One & Only",
        "posted": "2023-05-01",
    }
    assert links_entries() == [expected]

    # Changed after the day it was published and imported: an update, dated.
    later = dt.datetime(2030, 1, 2, 12, tzinfo=dt.UTC)
    Haul.objects.filter(number=7).update(modified_at=later)
    assert links_entries() == [{**expected, "updated": "2030-01-02"}]


def _posts(paths: list[Path]) -> dict[int, ParsedHaul]:
    """The real posts parsed, by haul number (one of the seeds is haul ~16 again)."""
    parsed = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        haul = parse_haul(repair_mojibake(text) or text, path.name)
        parsed[haul.number] = haul
    return parsed
