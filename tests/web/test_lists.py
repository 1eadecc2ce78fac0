"""Shared lists: a reader makes a list, adds papers with comments, lets their group edit it, and
anyone reads it (or nobody but the group, for a private list), follows it and downloads it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from paperhaul.community import collections
from paperhaul.community.models import Collection, CollectionItem
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LIST = "/u/reader/lists/reading-group-diffusion/"


def titles(response) -> list[str]:
    return [entry.paper.title for entry in response.context["entries"]]


@pytest.fixture
def group_list(reader, other_reader, papers):
    """The reader's public list, edited with ``other``: the DPO paper, then the sparse-attention one."""
    made = collections.create(reader, "Reading group: diffusion", "Week 1 of *our* group.", editors=["other"])
    collections.add(reader, made, papers["arxiv:2401.00001"], "Start **here**.")
    collections.add(other_reader, made, papers["arxiv:2401.00002"])
    return made


def test_a_reader_makes_a_list_and_adds_papers_with_comments(reader_client, papers):
    assert reader_client.get("/lists/new/").status_code == 200
    response = reader_client.post(
        "/lists/new/", {"title": "Reading group: diffusion", "description": "Week 1", "visibility": "public"}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    added = reader_client.post(
        LIST, {"paper": "https://arxiv.org/abs/2401.00002v2", "comment": "Read **first**."}
    )
    item = CollectionItem.objects.get()
    assert added.status_code == 302 and added["Location"] == f"{LIST}#item-{item.pk}"
    reader_client.post(LIST, {"paper": "arXiv:2401.00004", "comment": ""})
    page = reader_client.get(LIST)
    assert titles(page) == ["Sparse Attention for Long Documents", "Reward Models Are Not Enough"]
    html = page.content.decode()
    assert "<p>Read <strong>first</strong>.</p>" in html and "— reader" in html
    again = reader_client.post(LIST, {"paper": "2401.00002", "comment": "Changed my mind."})
    assert again.status_code == 302 and CollectionItem.objects.count() == 2, "a paper is on a list once"
    assert CollectionItem.objects.get(paper__key="arxiv:2401.00002").comment == "Changed my mind."
    second = reader_client.post("/lists/new/", {"title": "Reading group: diffusion", "visibility": "public"})
    assert second["Location"] == "/u/reader/lists/reading-group-diffusion-2/", "each list its own address"


def test_a_paper_the_source_cannot_give_is_refused_with_the_text_kept(
    reader_client, group_list, unreachable_arxiv
):
    response = reader_client.post(LIST, {"paper": "2401.99999", "comment": "Keep this comment"})
    assert response.status_code == 502
    html = response.content.decode()
    assert (
        unreachable_arxiv in html and 'value="2401.99999"' in html and ">Keep this comment</textarea>" in html
    )
    nothing = reader_client.post(LIST, {"paper": "not a paper at all"})
    assert nothing.status_code == 400 and "not an arXiv id, DOI or URL" in nothing.content.decode()
    assert CollectionItem.objects.count() == 2


def test_an_address_on_the_server_s_own_network_is_refused(reader_client, group_list, settings, httpserver):
    settings.PAPERHAUL_FETCH_PRIVATE_HOSTS = False
    httpserver.expect_request("/internal").respond_with_data(
        "<title>Admin console</title>", content_type="text/html"
    )
    refused = reader_client.post(LIST, {"paper": httpserver.url_for("/internal")})
    assert refused.status_code == 400
    said = refused.content.decode()
    assert "is not a public address: fetching from the server&#x27;s own network is turned off" in said
    assert httpserver.log == [] and CollectionItem.objects.count() == 2


def test_editors_change_the_papers_and_only_the_owner_the_settings(other_reader, group_list):
    other = Client()
    other.force_login(other_reader)
    dpo, sparse = CollectionItem.objects.order_by("position")
    assert other.post(f"{LIST}items/{sparse.pk}/", {"action": "up"}).status_code == 302
    assert [i.paper_id for i in CollectionItem.objects.order_by("position")] == [
        sparse.paper_id,
        dpo.paper_id,
    ]
    said = other.post(f"{LIST}items/{sparse.pk}/", {"action": "down"}, headers={"Accept": "application/json"})
    assert said.json() == {"done": "down"}, "the page's script moves the entry itself"
    assert CollectionItem.objects.order_by("position")[0].pk == dpo.pk
    other.post(f"{LIST}items/{sparse.pk}/", {"action": "up"})
    other.post(f"{LIST}items/{dpo.pk}/", {"action": "comment", "comment": "Now second."})
    assert CollectionItem.objects.get(pk=dpo.pk).comment_html == "<p>Now second.</p>\n"
    assert other.get(f"{LIST}edit/").status_code == 403
    assert other.post(f"{LIST}delete/").status_code == 403
    stranger = Client()
    stranger.force_login(make_user("stranger"))
    assert stranger.post(f"{LIST}items/{dpo.pk}/", {"action": "remove"}).status_code == 403
    assert stranger.post(LIST, {"paper": "2401.00003"}).status_code == 403
    assert "Add to the list" not in stranger.get(LIST).content.decode()
    assert other.post(f"{LIST}items/{dpo.pk}/", {"action": "sideways"}).status_code == 400
    assert other.post(f"{LIST}items/{dpo.pk}/", {"action": "remove"}).status_code == 302
    assert CollectionItem.objects.count() == 1


def test_the_owner_changes_the_settings_and_deletes_the_list(reader_client, group_list):
    form = reader_client.get(f"{LIST}edit/").content.decode()
    assert 'value="Reading group: diffusion"' in form and 'value="other"' in form
    refused = reader_client.post(
        f"{LIST}edit/", {"title": "Renamed", "visibility": "public", "editors": "other, nobody-here"}
    )
    assert (
        refused.status_code == 400
        and "no reader is called &#x27;nobody-here&#x27;" in refused.content.decode()
    )
    assert Collection.objects.get().title == "Reading group: diffusion", "nothing changed"
    changed = reader_client.post(
        f"{LIST}edit/", {"title": "Renamed", "visibility": "unlisted", "editors": ""}
    )
    assert changed["Location"] == LIST, "the address stays when the title changes"
    found = Collection.objects.get()
    assert (found.title, found.visibility, found.editors.count()) == ("Renamed", "unlisted", 0)
    assert reader_client.post(f"{LIST}delete/")["Location"] == "/lists/"
    assert not Collection.objects.exists() and not CollectionItem.objects.exists()


def test_who_reads_what(client, reader, other_reader, group_list):
    secret = collections.create(reader, "Our rebuttal", visibility="private", editors=["other"])
    hidden = collections.create(reader, "Half-baked", visibility="unlisted")
    anonymous = Client()
    index = anonymous.get("/lists/").content.decode()
    assert "Reading group: diffusion" in index and "Our rebuttal" not in index and "Half-baked" not in index
    assert anonymous.get("/u/reader/lists/half-baked/").status_code == 200
    for path in ("/u/reader/lists/our-rebuttal/", "/u/reader/lists/our-rebuttal/papers.bib"):
        assert anonymous.get(path).status_code == 404
    assert anonymous.get("/u/reader/lists/our-rebuttal/feed.atom").status_code == 404
    stranger = Client()
    stranger.force_login(make_user("stranger"))
    assert stranger.get("/u/reader/lists/our-rebuttal/").status_code == 404
    client.force_login(other_reader)
    assert client.get("/u/reader/lists/our-rebuttal/").status_code == 200, "an editor reads it"
    profile = anonymous.get("/u/reader/?show=lists").content.decode()
    assert "Reading group: diffusion" in profile and "Our rebuttal" not in profile
    own = Client()
    own.force_login(reader)
    mine = own.get("/u/reader/?show=lists").content.decode()
    assert "Our rebuttal" in mine and "Half-baked" in mine
    assert [c.slug for c in collections.editable_by(other_reader)] == [secret.slug, group_list.slug]
    assert hidden.slug == "half-baked"


def test_signed_out_readers_see_a_change_at_once(reader_client, group_list, papers):
    anonymous = Client()
    assert "Speech Recognition" not in anonymous.get(LIST).content.decode()
    reader_client.post(LIST, {"paper": "2401.00003"})
    assert "Speech Recognition" in anonymous.get(LIST).content.decode()


def test_hostile_markdown_is_inert(reader, reader_client, papers):
    hostile = '<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">'
    made = collections.create(reader, "Hostile", hostile)
    collections.add(reader, made, papers["arxiv:2401.00001"], hostile)
    html = Client().get("/u/reader/lists/hostile/").content.decode()
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html and "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2


def test_bad_input_is_refused_with_a_clear_line(reader, reader_client):
    long_title = reader_client.post("/lists/new/", {"title": "x" * 201, "visibility": "public"})
    assert long_title.status_code == 400
    assert "Ensure this value has at most 200 characters" in long_title.content.decode()
    with pytest.raises(Exception, match="at most 10,000 characters"):
        collections.create(reader, "Fine", "y" * 10_001)
    with pytest.raises(Exception, match="a list needs a title"):
        collections.create(reader, "   ")
    with pytest.raises(Exception, match="a list is public, unlisted, private"):
        collections.create(reader, "Fine", visibility="everyone")
    assert not Collection.objects.exists()
    assert Client().get("/lists/new/")["Location"].startswith("/accounts/login/")


def test_the_paper_page_names_its_lists_and_adds_to_one(reader_client, reader, group_list, papers):
    page = reader_client.get("/papers/2401.00001").content.decode()
    assert '<dt>On lists</dt><dd><a href="/u/reader/lists/reading-group-diffusion/">' in page
    assert f'<option value="{group_list.pk}">Reading group: diffusion</option>' in page
    response = reader_client.post(
        "/lists/add/",
        {
            "list": group_list.pk,
            "paper": "arxiv:2401.00004",
            "comment": "For week 2.",
            "next": "/papers/2401.00004",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/papers/2401.00004"
    assert "Added to “Reading group: diffusion”." in reader_client.get("/papers/2401.00004").content.decode()
    assert CollectionItem.objects.get(paper__key="arxiv:2401.00004").comment == "For week 2."
    elsewhere = collections.create(make_user("stranger"), "Not yours")
    refused = reader_client.post(
        "/lists/add/", {"list": elsewhere.pk, "paper": "arxiv:2401.00003", "next": "https://evil.example/"}
    )
    assert refused["Location"] == "/lists/", "never sent to another site"
    assert "Choose one of your lists." in reader_client.get("/lists/").content.decode()
    reader_client.post("/lists/add/", {"list": "9" * 30, "paper": "arxiv:2401.00003"})
    assert "Choose one of your lists." in reader_client.get("/lists/").content.decode()
    assert not elsewhere.items.exists()


def test_downloads_and_the_feed(group_list, papers):
    anonymous = Client()
    bib = anonymous.get(f"{LIST}papers.bib").content.decode()
    assert bib.index("Direct Preference Optimization") < bib.index("Sparse Attention")
    feed = ET.fromstring(anonymous.get(f"{LIST}feed.atom").content)
    assert feed.find(f"{ATOM}title").text == "Reading group: diffusion, a list by reader"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Sparse Attention for Long Documents",
        "Direct Preference Optimization for Diffusion Models",
    ]
    assert entries[1].find(f"{ATOM}summary").text == "<p>Start <strong>here</strong>.</p>\n"
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "other"


def test_a_merge_keeps_one_entry_with_both_comments(reader, papers):
    from paperhaul.papers.combine import combine

    made = collections.create(reader, "Twins")
    collections.add(reader, made, papers["arxiv:2401.00001"], "The preprint.")
    collections.add(reader, made, papers["arxiv:2401.00002"], "The other one.")
    combine(papers["arxiv:2401.00001"], papers["arxiv:2401.00002"])
    item = made.items.get()
    assert item.paper_id == papers["arxiv:2401.00001"].pk
    assert item.comment == "The preprint.\n\nThe other one."
    assert "<p>The other one.</p>" in item.comment_html


def test_a_curator_drafts_a_haul_from_a_list(client, curator, reader, group_list, papers):
    from paperhaul.hauls.models import Haul
    from paperhaul.papers.records import PaperRecord
    from paperhaul.papers.upsert import Library

    blog, _ = Library().upsert_one(
        PaperRecord(source="haul", key="url:https://example.org/post", title="A blog post")
    )
    untitled, _ = Library().upsert_one(
        PaperRecord(source="haul", key="title:a note only", title="A note only")
    )
    collections.add(reader, group_list, blog, "Worth a look.")
    collections.add(reader, group_list, untitled)
    reader_page = Client()
    reader_page.force_login(reader)
    assert "Draft a haul from this list" not in reader_page.get(LIST).content.decode()
    assert reader_page.post(f"{LIST}haul/").status_code == 403
    client.force_login(curator)
    assert "Draft a haul from this list" in client.get(LIST).content.decode()
    response = client.post(f"{LIST}haul/")
    haul = Haul.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/studio/{haul.number}/"
    assert (haul.title, haul.published_at) == ("Reading group: diffusion", None)
    items = list(haul.items.order_by("position"))
    assert [(item.paper.key, item.commentary) for item in items] == [
        ("arxiv:2401.00001", "Start **here**."),
        ("arxiv:2401.00002", ""),
        ("url:https://example.org/post", "Worth a look."),
    ]
    studio = client.get(response["Location"]).content.decode()
    assert "drafted from the list&#x27;s 3 papers; 1 known only by their title was left out." in studio


BIB = r"""
@misc{beltagy2024sparse, title = {Sparse Attention for Long Documents}, eprint = {2401.00002},
  archivePrefix = {arXiv}, year = {2024}}
@misc{poth2023adapters, title = {Adapters: A Unified Library}, eprint = {2311.11077}, archivePrefix = {arXiv}}
@article{someone2020journal, title = {A Journal Paper Nobody Has Here}, doi = {10.1000/xyz123}, year = {2020}}
@inproceedings{reward, title = {Reward Models Are {N}ot Enough}, booktitle = {Somewhere}, year = {2024}}
@article{broken, title = {Missing brace, year = {2020}
@misc{again, title = {Sparse Attention for Long Documents}, eprint = {2401.00002}, archivePrefix = {arXiv}}
"""


def test_a_bibtex_file_fills_a_list(reader_client, group_list, papers, settings, httpserver):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.web.test_library import ARXIV_FIXTURES

    settings.PAPERHAUL_ARXIV_API_URL = httpserver.url_for("/api/query")
    settings.PAPERHAUL_ARXIV_DELAY = 0
    httpserver.expect_request("/api/query").respond_with_data(
        (ARXIV_FIXTURES / "api_feed.xml").read_bytes(), content_type="application/atom+xml"
    )
    upload = SimpleUploadedFile("zotero.bib", BIB.encode())
    response = reader_client.post(f"{LIST}import/", {"file": upload})
    assert response.status_code == 302 and response["Location"] == LIST
    page = reader_client.get(LIST)
    assert titles(page) == [
        "Direct Preference Optimization for Diffusion Models",
        "Sparse Attention for Long Documents",
        "Sparse Mixtures of Tiny Experts for Low-Resource Machine Translation",
        "Reward Models Are Not Enough",
    ]
    message = page.content.decode()
    assert "2 papers added to the list, 1 of them fetched from arXiv, 2 already on it" in message
    assert (
        "1 more, named by a DOI or an address, is being fetched and goes on the list when it comes" in message
    )
    assert "not in the library" not in message and "1 could not be read: " in message
    assert "Fetching 1 paper of the imported file from their sources: 0 tried" in message
    assert httpserver.log[0][0].args["id_list"] == "2311.11077", "one request, for the arXiv paper only"


def landing_page(title: str, doi: str) -> str:
    """A publisher's page for a DOI, as reference managers read it."""
    return (
        f'<html><head><meta name="citation_title" content="{title}">'
        f'<meta name="citation_author" content="Grace Hopper"><meta name="citation_doi" content="{doi}">'
        f'<meta name="citation_publication_date" content="2021/03/01"></head><body></body></html>'
    )


def test_papers_named_by_a_doi_are_fetched_after_the_import_and_put_on_the_list(
    reader_client, group_list, papers, settings, httpserver, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tasks_db.models import DBTaskResult

    from paperhaul.community.list_fetching import fetch_onto_list
    from paperhaul.community.models import ListFetch

    settings.PAPERHAUL_DOI_RESOLVER_URL = httpserver.url_for("/doi")
    httpserver.expect_request("/doi/10.1000/found1").respond_with_data(
        landing_page("Compilers for Everyone", "10.1000/found1"), content_type="text/html"
    )
    httpserver.expect_request("/doi/10.1000/gone2").respond_with_data("no such DOI", status=404)
    bib = (
        "@article{a, title = {Compilers for Everyone}, doi = {10.1000/found1}}\n"
        "@article{b, title = {A Vanished Paper}, doi = {10.1000/gone2}}\n"
        "@misc{c, title = {Sparse Attention for Long Documents}, eprint = {2401.00002}}\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        reader_client.post(f"{LIST}import/", {"file": SimpleUploadedFile("refs.bib", bib.encode())})
    assert httpserver.log == [], "nothing is fetched while the reader waits"
    [queued] = DBTaskResult.objects.filter(task_path=fetch_onto_list.module_path)

    assert fetch_onto_list.call(*queued.args_kwargs["args"]) == "added 1 of 2"

    page = reader_client.get(LIST)
    assert titles(page)[-1] == "Compilers for Everyone"
    text = page.content.decode()
    assert (
        "1 of 2 papers put on the list. Not fetched (add each by its address once its source answers):"
        in text
    )
    assert "<li>A Vanished Paper: " in text and "404" in text
    assert ListFetch.objects.get().finished
    assert fetch_onto_list.call(queued.args_kwargs["args"][0]) == "nothing to do", "run twice, fetched once"
    assert len(httpserver.log) == 2
    visitor = Client().get(LIST).content.decode()
    assert 'id="list-fetch"' not in visitor, "only its editors are told"


def test_a_fetch_stopped_midway_goes_on_where_it_stopped(reader, group_list, settings, httpserver):
    from paperhaul.community.list_fetching import fetch_onto_list
    from paperhaul.community.models import ListFetch

    settings.PAPERHAUL_DOI_RESOLVER_URL = httpserver.url_for("/doi")
    httpserver.expect_request("/doi/10.1000/second").respond_with_data(
        landing_page("The Second Paper", "10.1000/second"), content_type="text/html"
    )
    wanted = [
        {"key": "doi:10.1000/first", "title": "The First Paper"},
        {"key": "doi:10.1000/second", "title": "The Second Paper"},
    ]
    fetch = ListFetch.objects.create(collection=group_list, started_by=reader, wanted=wanted, done=1, added=1)
    assert fetch_onto_list.call(fetch.pk) == "added 2 of 2"
    assert [entry[0].path for entry in httpserver.log] == ["/doi/10.1000/second"], "the first: not again"
    assert group_list.items.order_by("-position").first().paper.title == "The Second Paper"


def test_a_file_that_cannot_be_used_changes_nothing(
    reader_client, other_reader, group_list, papers, monkeypatch
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = list(CollectionItem.objects.values_list("pk", flat=True))
    cases = [
        (SimpleUploadedFile("notes.txt", b"just some notes"), "not a BibTeX (.bib) or RIS (.ris) file"),
        (
            SimpleUploadedFile("refs.bib", "title = {Caf\xe9}".encode("latin-1")),
            "refs.bib: not UTF-8 text (byte",
        ),
        (SimpleUploadedFile("refs.bib", b"<html><body>Login</body></html>"), "no BibTeX entries"),
    ]
    for upload, error in cases:
        reader_client.post(f"{LIST}import/", {"file": upload})
        assert error in reader_client.get(LIST).content.decode()
    monkeypatch.setattr(collections, "MAX_ITEMS", 3)
    reader_client.post(f"{LIST}import/", {"file": SimpleUploadedFile("refs.bib", BIB.encode())})
    assert "the file has 5 papers; this list has room for 1 more" in reader_client.get(LIST).content.decode()
    stranger = Client()
    stranger.force_login(make_user("stranger"))
    refused = stranger.post(f"{LIST}import/", {"file": SimpleUploadedFile("refs.bib", BIB.encode())})
    assert refused.status_code == 403
    assert list(CollectionItem.objects.values_list("pk", flat=True)) == before


def test_a_long_list_is_searched_within(reader_client, reader, group_list, papers, monkeypatch):
    assert 'id="list-filter"' not in reader_client.get(LIST).content.decode(), "two papers need no search"
    found = reader_client.get(LIST, {"q": "HERE"})
    assert titles(found) == ["Direct Preference Optimization for Diffusion Models"], "its comment says here"
    html = found.content.decode()
    assert "1 of the 2 papers hold “HERE”." in html and ">up<" not in html and ">down<" not in html
    assert "2 papers" in html, "the list's size, not the matches'"
    nothing = reader_client.get(LIST, {"q": "quantum gravity"}).content.decode()
    assert "No paper on this list holds “quantum gravity”." in nothing
    assert titles(reader_client.get(LIST, {"q": "beltagy"})) == ["Sparse Attention for Long Documents"]


def test_a_reader_copies_a_list_to_annotate_it(client, group_list, papers):
    ada = make_user("ada")
    client.force_login(ada)
    response = client.post(f"{LIST}copy/")
    assert response.status_code == 302 and response["Location"] == "/u/ada/lists/reading-group-diffusion/"
    made = Collection.objects.get(owner=ada)
    assert (made.title, made.visibility) == ("Reading group: diffusion", "private")
    assert made.description.endswith(f"Copied from [Reading group: diffusion]({LIST}) by reader.")
    assert [(i.paper.key, i.comment, i.added_by.username) for i in collections.items(made)] == [
        ("arxiv:2401.00001", "Start **here**.", "reader"),
        ("arxiv:2401.00002", "", "other"),
    ]
    collections.add(ada, made, papers["arxiv:2401.00004"], "Mine.")
    assert group_list.items.count() == 2, "the original is untouched"
    assert Client().post(f"{LIST}copy/")["Location"].startswith("/accounts/login/")


def test_a_long_fetch_takes_its_turns_with_the_worker_s_other_tasks(
    reader, group_list, settings, httpserver, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from paperhaul.community import list_fetching
    from paperhaul.community.models import ListFetch

    monkeypatch.setattr(list_fetching, "CHUNK", 1)
    settings.PAPERHAUL_DOI_RESOLVER_URL = httpserver.url_for("/doi")
    for doi in ("10.1000/one", "10.1000/two"):
        httpserver.expect_request(f"/doi/{doi}").respond_with_data(
            landing_page(f"Paper {doi[-3:]}", doi), content_type="text/html"
        )
    wanted = [{"key": "doi:10.1000/one", "title": "One"}, {"key": "doi:10.1000/two", "title": "Two"}]
    fetch = ListFetch.objects.create(collection=group_list, started_by=reader, wanted=wanted)
    assert list_fetching.fetch_onto_list.call(fetch.pk) == "added 1 of 2 so far"
    [rest] = DBTaskResult.objects.filter(task_path=list_fetching.fetch_onto_list.module_path)
    assert rest.args_kwargs["args"] == [fetch.pk], "the rest is queued behind the other tasks"
    assert list_fetching.fetch_onto_list.call(fetch.pk) == "added 2 of 2"
    assert ListFetch.objects.get().finished
