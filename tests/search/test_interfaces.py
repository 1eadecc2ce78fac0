"""`paperhaul search|embed|reindex` and GET /api/search, /api/typeahead, /api/related."""

from __future__ import annotations

import json

import pytest

from tests.cli import CliHere

pytestmark = pytest.mark.django_db

RECORDS = [
    {
        "id": "1706.03762",
        "title": "Attention Is All You Need",
        "abstract": "The Transformer uses attention only.",
        "authors": ["Ashish Vaswani"],
        "published": "2017-06-12",
        "categories": ["cs.CL"],
    },
    {
        "id": "2212.04356",
        "title": "Robust Speech Recognition via Large-Scale Weak Supervision",
        "abstract": "Whisper transcribes speech audio.",
        "authors": ["Alec Radford"],
        "published": "2022-12-06",
        "categories": ["eess.AS"],
    },
]


def test_search_api(client, library):
    answer = client.get("/api/search", {"q": "diffusion", "mode": "lexical", "limit": 1})
    assert answer.status_code == 200
    body = answer.json()
    assert body["mode"] == "lexical" and body["has_more"] is True
    assert set(body["hits"][0]) >= {"key", "url", "title", "score"}
    assert body["hits"][0]["url"].startswith("https://arxiv.org/abs/")


def test_search_api_filters(client, library):
    body = client.get(
        "/api/search",
        {
            "q": "image",
            "mode": "lexical",
            "category": ["cs.CV"],
            "since": "2021-01-01",
            "until": "2021-12-31",
        },
    ).json()
    assert [h["key"] for h in body["hits"]] == ["arxiv:2112.10752"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "x", "mode": "magic"}, "mode"),
        ({"q": "x" * 5000}, "1000"),
        ({"q": "before:someday"}, "before:someday"),
    ],
)
def test_search_api_bad_input_is_a_clear_400(client, library, params, message):
    answer = client.get("/api/search", params)
    assert answer.status_code == 400
    assert message in answer.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "ten"},
        {"limit": 1000},
        {"offset": -1},
        {"since": "not-a-date"},
        {"until": "2023-13-01"},
        {"since": "86400"},
    ],
)
def test_search_api_rejects_parameters_outside_its_schema_naming_them(client, library, params):
    """What the schema (/api/openapi.json) rules out is a 422 listing the fields at fault."""
    answer = client.get("/api/search", {"q": "x", **params})
    assert answer.status_code == 422
    [(name, _)] = params.items()
    assert [field["loc"] for field in answer.json()["detail"]] == [["query", name]]


def test_typeahead_api(client, library):
    body = client.get("/api/typeahead", {"q": "atten"}).json()
    assert body["suggestions"][0]["key"] == "arxiv:1706.03762"
    assert client.get("/api/typeahead", {"q": "🦜" * 300}).json() == {"suggestions": []}


def test_related_api(client, embedded):
    body = client.get("/api/related", {"paper": "https://arxiv.org/abs/2311.12908v2", "limit": 2}).json()
    assert body["paper"] == "arxiv:2311.12908"
    assert len(body["hits"]) == 2
    assert client.get("/api/related", {"paper": "arXiv:2401.99999"}).status_code == 404


def test_openapi_schema_lists_the_search_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/search", "/api/typeahead", "/api/related"} <= set(paths)


def test_search_is_read_only(client, library):
    assert client.post("/api/search", {"q": "x"}).status_code == 405


def test_cli_import_embed_search_reindex(db, tmp_path):
    cli = CliHere()  # a session of commands: in this process, as tests/cli.py explains
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    assert cli("import", "jsonl", str(path)).code == 0
    embedded = cli("embed", "--json")
    assert embedded.code == 0, embedded.stderr
    assert embedded.json() == {"model": "all-MiniLM-L6-v2", "runtime": "torch", "embedded": 2, "unchanged": 0}
    found = cli("search", "turning spoken audio into text", "--json")
    assert found.code == 0, found.stderr
    hits = found.json()["hits"]
    assert hits[0]["key"] == "arxiv:2212.04356"
    assert {"key", "url", "title", "score"} <= set(hits[0])
    plain = cli("search", "attention", "--mode", "lexical")
    assert "Attention Is All You Need" in plain.stdout
    cited = cli("search", "attention", "--mode", "lexical", "--bibtex")
    assert cited.code == 0, cited.stderr
    assert cited.stdout.startswith("@misc{vaswani2017attention,\n") and cited.stdout.count("@misc{") == 1
    assert cli("reindex").code == 0
    checked = cli("reindex", "--check")
    assert checked.code == 0 and "agree" in checked.stdout
    bad = cli("search", "x" * 2000)
    assert bad.code != 0 and "1000" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    for nothing in ("", "   ", "-"):
        empty = cli("search", nothing)
        assert empty.code != 0 and empty.stdout == ""
        assert "type something to search for: words, an arXiv id or URL, or a filter" in empty.stderr


def test_new_papers_queue_one_embedding_task(db, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from paperhaul.papers.upsert import Library
    from paperhaul.search.models import Embedding
    from paperhaul.search.tasks import embed_new_papers
    from tests.search.conftest import PAPERS, make_record

    queued = DBTaskResult.objects.filter(task_path=embed_new_papers.module_path)
    with django_capture_on_commit_callbacks(execute=True):
        Library().upsert([make_record(*PAPERS[0])])
    with django_capture_on_commit_callbacks(execute=True):
        Library().upsert([make_record(*PAPERS[1])])
    assert queued.count() == 1  # one waiting run embeds everything pending
    with django_capture_on_commit_callbacks(execute=True):
        Library().upsert([make_record(*PAPERS[1])])  # unchanged: nothing to announce
    assert queued.count() == 1
    assert embed_new_papers.call() == {"embedded": 2, "unchanged": 0}
    assert Embedding.objects.count() == 2
