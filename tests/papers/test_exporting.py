"""The links dataset written back: each entry keeps the title its digest showed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from paperhaul.papers.exporting import export, links_entries
from paperhaul.papers.importing import import_file
from paperhaul.papers.models import Paper
from paperhaul.papers.refresh import incomplete_count
from paperhaul.papers.upsert import Library
from tests.web.conftest import record

pytestmark = pytest.mark.django_db


def test_an_imported_link_keeps_the_title_its_digest_showed(tmp_path: Path):
    full = "Orca 2: Teaching Small Language Models How to Reason"
    Library().upsert([replace(record("arxiv:2311.11045", full), source="arxiv-api")])  # trusted above links
    path = tmp_path / "links.json"
    entry = {"blog": "https://blog.example.com/haul-27", "src": "https://arxiv.org/pdf/2311.11045v2"}
    path.write_text(json.dumps([{**entry, "title": "Orca 2", "posted": "30 Oct 2021"}]), encoding="utf-8")

    import_file("links", path)

    assert Paper.objects.get().title == full
    assert links_entries() == [{**entry, "title": "Orca 2", "posted": "30 Oct 2021", "updated": None}]


def test_an_exported_library_imported_again_still_knows_which_papers_only_a_link_describes(tmp_path: Path):
    links = tmp_path / "links.json"
    blog = "https://blog.example.com/haul-1"
    entries = [
        {"blog": blog, "src": "https://arxiv.org/pdf/2311.11045v2", "title": "Orca 2"},
        {"blog": blog, "src": "https://example.com/post", "title": "A post"},
    ]
    links.write_text(json.dumps(entries), encoding="utf-8")
    import_file("links", links)
    assert incomplete_count() == 2
    out = tmp_path / "library.jsonl.gz"

    assert export("jsonl", str(out)) == 2

    assert out.read_bytes()[:2] == b"\x1f\x8b", "a .gz name is written gzip-compressed"
    again = import_file("jsonl", out).stats
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert incomplete_count() == 2, "`refresh --incomplete` still completes them"
    Paper.objects.all().delete()  # a fresh library, as on another machine
    assert import_file("jsonl", out).stats.added == 2
    assert incomplete_count() == 2
    assert set(Paper.objects.values_list("trust", flat=True)) == {1}
