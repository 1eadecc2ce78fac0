"""Shared lists through the API: make one, add and remove papers, change it, and who may read and
write what (the same rules as the pages)."""

from __future__ import annotations

import pytest

from paperhaul.community.models import Collection, CollectionItem

pytestmark = pytest.mark.django_db


def test_a_list_made_filled_and_read_through_the_api(
    client, papers, reader, other_reader, as_reader, as_other
):
    json = {"content_type": "application/json"}
    made = client.post(
        "/api/lists",
        {"title": "NeurIPS 2023 best papers", "description": "The *four* of them.", "editors": ["other"]},
        headers=as_reader,
        **json,
    )
    assert made.status_code == 201
    body = made.json()
    assert (body["owner"], body["slug"], body["visibility"]) == (
        "reader",
        "neurips-2023-best-papers",
        "public",
    )
    assert body["page"] == "/u/reader/lists/neurips-2023-best-papers/" and body["editors"] == ["other"]
    assert body["description_html"] == "<p>The <em>four</em> of them.</p>\n"
    path = "/api/lists/reader/neurips-2023-best-papers"
    client.post(
        f"{path}/papers", {"paper": "2401.00002", "comment": "Outstanding."}, headers=as_reader, **json
    )
    added = client.post(
        f"{path}/papers", {"paper": "https://arxiv.org/abs/2401.00004"}, headers=as_other, **json
    )
    assert added.status_code == 200
    papers_on_it = added.json()["papers"]
    assert [(p["key"], p["comment"], p["added_by"]) for p in papers_on_it] == [
        ("arxiv:2401.00002", "Outstanding.", "reader"),
        ("arxiv:2401.00004", "", "other"),
    ]
    listed = client.get("/api/lists").json()
    assert [(found["slug"], found["paper_count"]) for found in listed["lists"]] == [
        ("neurips-2023-best-papers", 2)
    ]
    removed = client.delete(f"{path}/papers/arxiv:2401.00002", headers=as_other)
    assert [p["key"] for p in removed.json()["papers"]] == ["arxiv:2401.00004"]
    assert client.delete(f"{path}/papers/arxiv:2401.00002", headers=as_other).status_code == 404
    changed = client.patch(path, {"visibility": "private"}, headers=as_reader, **json).json()
    assert (changed["visibility"], changed["title"], changed["editors"]) == (
        "private",
        "NeurIPS 2023 best papers",
        ["other"],
    )
    assert client.get(path).status_code == 404, "private: not for anyone"
    assert client.get(path, headers=as_other).status_code == 200, "an editor reads it"
    assert client.get("/api/lists").json()["lists"] == []


def test_only_the_owner_and_editors_write(client, papers, reader, as_reader, as_other):
    json = {"content_type": "application/json"}
    client.post("/api/lists", {"title": "Mine"}, headers=as_reader, **json)
    path = "/api/lists/reader/mine"
    refused = client.post(f"{path}/papers", {"paper": "2401.00002"}, headers=as_other, **json)
    assert refused.status_code == 403 and "owner and editors" in refused.json()["detail"]
    assert client.patch(path, {"title": "Theirs"}, headers=as_other, **json).status_code == 403
    assert client.delete(path, headers=as_other).status_code == 403
    assert client.post(f"{path}/papers", {"paper": "2401.00002"}, **json).status_code == 401
    assert client.post("/api/lists", {"title": "Anonymous"}, **json).status_code == 401
    assert not CollectionItem.objects.exists() and Collection.objects.get().title == "Mine"
    assert client.delete(path, headers=as_reader).status_code == 204
    assert not Collection.objects.exists()


def test_bad_input_changes_nothing(client, papers, reader, as_reader):
    json = {"content_type": "application/json"}
    assert client.post("/api/lists", {"title": "  "}, headers=as_reader, **json).json() == {
        "detail": "a list needs a title"
    }
    assert (
        client.post(
            "/api/lists", {"title": "x", "visibility": "everyone"}, headers=as_reader, **json
        ).status_code
        == 422
    )
    unknown = client.post("/api/lists", {"title": "Group", "editors": ["ghost"]}, headers=as_reader, **json)
    assert unknown.status_code == 400 and unknown.json()["detail"] == "no reader is called 'ghost'"
    assert not Collection.objects.exists()
    client.post("/api/lists", {"title": "Fine"}, headers=as_reader, **json)
    long = client.post(
        "/api/lists/reader/fine/papers",
        {"paper": "2401.00002", "comment": "c" * 10_001},
        headers=as_reader,
        **json,
    )
    assert long.status_code == 400 and "at most 10,000 characters" in long.json()["detail"]
    garbage = client.post(
        "/api/lists/reader/fine/papers", {"paper": "not a paper"}, headers=as_reader, **json
    )
    assert garbage.status_code == 400 and "not an arXiv id, DOI or URL" in garbage.json()["detail"]
    assert not CollectionItem.objects.exists()
    assert client.get("/api/lists/reader/nothing-here").status_code == 404


def test_a_reference_file_fills_a_list_through_the_api(client, papers, reader, as_reader):
    json = {"content_type": "application/json"}
    client.post("/api/lists", {"title": "From Zotero"}, headers=as_reader, **json)
    ris = (
        "TY  - JOUR\nTI  - Reward Models Are Not Enough\nER  - \n\n"
        "TY  - JOUR\nTI  - Not Here At All\nER  - \n"
    )
    answer = client.post("/api/lists/reader/from-zotero/import", {"text": ris}, headers=as_reader, **json)
    assert answer.status_code == 200
    assert answer.json() == {
        "added": 1,
        "already": 0,
        "fetched": 0,
        "queued": 0,
        "missing": ["Not Here At All"],
        "unreadable": [],
    }
    assert [p["key"] for p in client.get("/api/lists/reader/from-zotero").json()["papers"]] == [
        "arxiv:2401.00004"
    ]
    garbage = client.post(
        "/api/lists/reader/from-zotero/import", {"text": "hello"}, headers=as_reader, **json
    )
    assert garbage.status_code == 400 and garbage.json()["detail"] == "not a BibTeX (.bib) or RIS (.ris) file"

    assert client.get("/api/lists/reader/from-zotero", headers=as_reader).json()["fetching"] is None
    by_doi = "TY  - JOUR\nTI  - A Journal Paper\nDO  - 10.1000/xyz123\nER  - \n"
    queued = client.post("/api/lists/reader/from-zotero/import", {"text": by_doi}, headers=as_reader, **json)
    assert (queued.json()["queued"], queued.json()["missing"]) == (1, [])
    fetching = client.get("/api/lists/reader/from-zotero", headers=as_reader).json()["fetching"]
    assert {k: fetching[k] for k in ("wanted", "done", "added", "failed", "finished_at")} == {
        "wanted": 1,
        "done": 0,
        "added": 0,
        "failed": [],
        "finished_at": None,
    }
    assert client.get("/api/lists/reader/from-zotero").json()["fetching"] is None, "for its editors only"


def test_a_list_is_searched_within(client, papers, reader, as_reader):
    json = {"content_type": "application/json"}
    client.post("/api/lists", {"title": "Mixed"}, headers=as_reader, **json)
    for key, comment in (("2401.00002", "Long context."), ("2401.00004", "RLHF reading"), ("2401.00003", "")):
        client.post(
            "/api/lists/reader/mixed/papers", {"paper": key, "comment": comment}, headers=as_reader, **json
        )
    found = client.get("/api/lists/reader/mixed?q=rlhf").json()
    assert [p["key"] for p in found["papers"]] == ["arxiv:2401.00004"] and found["paper_count"] == 3
    by_author = client.get("/api/lists/reader/mixed?q=LOVELACE+ada").json()["papers"]
    assert [p["key"] for p in by_author] == ["arxiv:2401.00004", "arxiv:2401.00003"], "in the list's order"
    assert client.get("/api/lists/reader/mixed?q=" + "x" * 201).status_code == 422


def test_a_list_is_copied_through_the_api(client, papers, reader, as_reader, as_other):
    json = {"content_type": "application/json"}
    client.post("/api/lists", {"title": "Best of 2024"}, headers=as_reader, **json)
    client.post(
        "/api/lists/reader/best-of-2024/papers",
        {"paper": "2401.00002", "comment": "Yes."},
        headers=as_reader,
        **json,
    )
    copied = client.post("/api/lists/reader/best-of-2024/copy", headers=as_other)
    assert copied.status_code == 201
    body = copied.json()
    assert (body["owner"], body["visibility"], [p["comment"] for p in body["papers"]]) == (
        "other",
        "private",
        ["Yes."],
    )
    assert client.post("/api/lists/reader/best-of-2024/copy").status_code == 401
