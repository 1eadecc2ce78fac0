"""Citations on the web: the paper page's Cite box and its meta tags, and the BibTeX and RIS
downloads of a paper, a reader's saved papers, a haul's papers and a page of search results."""

from __future__ import annotations

import bibtexparser
import lxml.html
import pytest
import rispy
from django.test import Client

from paperhaul.community.reactions import set_saved
from paperhaul.papers.ingest.webpage import parse_page
from tests.hauls.crafted import import_crafted

pytestmark = pytest.mark.django_db


def bib(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    return library.entries


def ris(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    return rispy.loads(response.content.decode())


def test_the_paper_page_shows_its_entry_with_a_copy_button_and_a_download(client, papers):
    paper = papers["arxiv:2401.00001"]
    tree = lxml.html.document_fromstring(client.get("/papers/2401.00001").content.decode())
    (box,) = tree.xpath("//details[@class='cite']")
    assert box.findtext("summary") == "Cite"
    shown = box.findtext("pre")
    assert shown.startswith("@misc{wallace") and "  eprint = {2401.00001},\n" in shown
    assert box.xpath(".//button[@data-copy='bibtex-entry'][@hidden]")  # until the script shows it
    bib_link, ris_link = box.xpath(".//a[@download]/@href")
    response = client.get(bib_link)
    assert response["Content-Disposition"] == 'attachment; filename="arxiv-2401.00001.bib"'
    assert response.content.decode() == shown
    assert [e["title"] for e in bib(response)] == [paper.title]
    response = client.get(ris_link)
    assert response["Content-Disposition"] == 'attachment; filename="arxiv-2401.00001.ris"'
    assert [r["journal_name"] for r in ris(response)] == ["arXiv preprint arXiv:2401.00001"]


def test_the_paper_page_carries_citation_meta_tags_that_read_back_as_the_paper(client, papers):
    """What Zotero's connector and Google Scholar read; paperhaul's own web-page source, given the
    page of another instance, finds the same paper under the same key."""
    paper = papers["arxiv:2401.00001"]
    response = client.get("/papers/2401.00001")
    tree = lxml.html.document_fromstring(response.content.decode())
    tags = {
        m.get("name"): m.get("content") for m in tree.xpath("//head/meta[starts-with(@name, 'citation_')]")
    }
    assert tags["citation_arxiv_id"] == "2401.00001"
    assert tags["citation_pdf_url"] == "https://arxiv.org/pdf/2401.00001"
    assert tags["citation_abstract_html_url"] == "https://arxiv.org/abs/2401.00001"
    record = parse_page(
        response.content, "https://other.example/papers/2401.00001", content_type=response["Content-Type"]
    )
    assert (record.key, record.title, record.authors) == (paper.key, paper.title, tuple(paper.authors))
    assert record.published == paper.published


def test_a_paper_that_is_not_there_has_no_citation(client, papers):
    assert client.get("/p/999999/cite.bib").status_code == 404
    assert client.get(f"/p/{papers['arxiv:2401.00001'].pk}/cite.txt").status_code == 404
    assert client.post(f"/p/{papers['arxiv:2401.00001'].pk}/cite.bib").status_code == 405


def test_a_reader_downloads_their_saved_papers_and_nobody_else_can(client, reader, other_reader, papers):
    set_saved(reader, papers["arxiv:2401.00002"], True)
    set_saved(reader, papers["arxiv:2312.00005"], True)
    client.force_login(reader)
    html = client.get("/u/reader/?show=saved").content.decode()
    assert 'href="/u/reader/saved.bib"' in html and 'href="/u/reader/saved.ris"' in html
    response = client.get("/u/reader/saved.bib")
    assert response["Content-Disposition"] == 'attachment; filename="reader-saved.bib"'
    assert [e["eprint"] for e in bib(response)] == ["2312.00005", "2401.00002"]  # the latest saved first
    assert len(ris(client.get("/u/reader/saved.ris"))) == 2

    client.force_login(other_reader)
    assert client.get("/u/reader/saved.bib").status_code == 404
    assert client.get("/u/reader/saved.ris").status_code == 404
    assert Client().get("/u/reader/saved.bib").status_code == 404
    assert 'saved.bib"' not in client.get("/u/other/?show=saved").content.decode()  # nothing saved


def test_a_haul_offers_its_papers_in_the_order_of_the_post(client, reader, curator, tmp_path):
    hauls = import_crafted(tmp_path)
    published, draft = hauls[7], hauls[9]
    tree = lxml.html.document_fromstring(client.get(f"/hauls/{published.slug}/").content.decode())
    assert tree.xpath("//header[@class='haul-head']/p[@class='meta']/a[@download]/@href") == [
        f"/hauls/{published.slug}/papers.bib",
        f"/hauls/{published.slug}/papers.ris",
    ]
    assert len(ris(client.get(f"/hauls/{published.slug}/papers.ris"))) == 2
    response = client.get(f"/hauls/{published.slug}/papers.bib")
    assert response["Content-Disposition"] == f'attachment; filename="{published.slug}-papers.bib"'
    assert [e["eprint"] for e in bib(response)] == ["2401.00001", "2401.00002"]

    assert client.get(f"/hauls/{draft.slug}/papers.bib").status_code == 404
    client.force_login(reader)
    assert client.get(f"/hauls/{draft.slug}/papers.bib").status_code == 404
    client.force_login(curator)
    assert [e["eprint"] for e in bib(client.get(f"/hauls/{draft.slug}/papers.bib"))] == ["2401.00004"]


def test_a_page_of_search_results_is_offered_as_bibtex_in_its_order(client, papers):
    params = {"q": "models", "mode": "lexical", "sort": "newest"}
    page = client.get("/search/", params)
    listed = [result.paper.key for result in page.context["page"].items]
    assert len(listed) >= 2
    tree = lxml.html.document_fromstring(page.content.decode())
    link, ris_link = tree.xpath("//section[@class='search-results']//a[@download]/@href")
    assert link.startswith("/search/results.bib?") and "sort=newest" in link
    assert ris_link == link.replace("results.bib", "results.ris")
    assert len(ris(client.get(ris_link))) == len(listed)
    response = client.get(link)
    assert response["Content-Disposition"] == 'attachment; filename="search-results.bib"'
    assert ["arxiv:" + e["eprint"] for e in bib(response)] == listed


def test_a_bad_or_empty_search_is_a_400_with_its_reason(client, papers):
    empty = client.get("/search/results.bib", {"q": " "})
    assert empty.status_code == 400 and empty.content.decode() == "type something to search for"
    bad = client.get("/search/results.bib", {"q": "x", "mode": "telepathy"})
    assert bad.status_code == 400 and "telepathy" in bad.content.decode()


def test_the_api_gives_a_papers_entry(client, papers):
    detail = client.get("/api/papers/2401.00002").json()
    assert detail["bibtex"].startswith("@misc{beltagy")
    assert "  title = {Sparse Attention for Long Documents},\n" in detail["bibtex"]
