"""The Library page's downloads: the library as paper records and the links dataset, for curators."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace

import bibtexparser
import pytest
import rispy
from django.test import Client
from django.utils import timezone

from paperhaul.papers.exporting import links_entries
from paperhaul.papers.importing import import_file
from paperhaul.papers.ingest.links_dataset import write_links
from paperhaul.papers.ingest.records_jsonl import read_jsonl
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from tests.web.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(tmp_path):
    Library().upsert(
        [
            replace(record("arxiv:2311.11045", "Orca 2: Teaching Small Language Models"), source="arxiv-api"),
            record("arxiv:2311.11077", "Adapters: A Unified Library"),
        ]
    )
    links = tmp_path / "links.json"
    links.write_text(
        json.dumps([{"blog": "https://haul.example/1", "src": "https://example.com/post", "title": "A post"}])
    )
    import_file("links", links)


def download(client, fmt: str):
    response = client.get(f"/library/export/{fmt}/")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_the_paper_records_download_is_every_paper_gzipped_and_imports_back(
    curator_client, library, tmp_path
):
    response, body = download(curator_client, "jsonl")

    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="paperhaul-library-{day}.jsonl.gz"'
    assert response["Content-Type"] == "application/gzip"
    records = list(read_jsonl(gzip.decompress(body).splitlines()))
    assert {r.key for r in records} == set(Paper.objects.values_list("key", flat=True))
    assert {r.key: r.trust for r in records}["url:https://example.com/post"] == 1  # known by its link only
    saved = tmp_path / "download.jsonl.gz"
    saved.write_bytes(body)
    again = import_file("jsonl", saved).stats
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_the_links_download_is_the_dataset(curator_client, library):
    response, body = download(curator_client, "links")
    assert response["Content-Type"] == "application/json"
    assert body == write_links(links_entries()).encode()
    assert [entry["src"] for entry in json.loads(body)] == ["https://example.com/post"]


def test_the_bibtex_download_cites_every_paper(curator_client, library):
    response, body = download(curator_client, "bibtex")
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="paperhaul-library-{day}.bib"'
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    titles = {entry["title"] for entry in bibtexparser.parse_string(body.decode()).entries}
    assert titles == {"Orca 2: Teaching Small Language Models", "Adapters: A Unified Library", "A post"}


def test_the_ris_download_has_every_paper(curator_client, library):
    response, body = download(curator_client, "ris")
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="paperhaul-library-{day}.ris"'
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert len(rispy.loads(body.decode())) == Paper.objects.count() == 3


def test_the_page_offers_every_download(curator_client):
    html = curator_client.get("/library/").content.decode()
    for fmt in ("jsonl", "links", "bibtex", "ris"):
        assert f'href="/library/export/{fmt}/"' in html


def test_only_curators_download(reader_client, library):
    assert Client().get("/library/export/jsonl/")["Location"].startswith("/accounts/login/?next=")
    assert reader_client.get("/library/export/jsonl/").status_code == 403


def test_an_unknown_format_is_404(curator_client):
    assert curator_client.get("/library/export/yaml/").status_code == 404
    assert curator_client.post("/library/export/jsonl/").status_code == 405
