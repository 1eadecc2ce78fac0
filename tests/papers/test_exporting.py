"""The links dataset written back: each entry keeps the title its digest showed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from paperhaul.papers.exporting import links_entries
from paperhaul.papers.importing import import_file
from paperhaul.papers.models import Paper
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
