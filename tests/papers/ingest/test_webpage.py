"""Generic web pages: citation_* tags, OpenGraph, <title>; identity; hostile HTML; fetching."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paperhaul.errors import SourceFormatError, SourceRejected, SourceUnavailable
from paperhaul.papers.ingest.webpage import fetch_page, parse_page

WEB = Path(__file__).parent / "fixtures" / "web"


def page(name: str) -> bytes:
    return (WEB / name).read_bytes()


# ------------------------------------------------------------------------- citation_* tags


def test_biorxiv_page_is_read_from_its_citation_tags():
    url = "https://www.biorxiv.org/content/10.1101/2023.10.01.560123v1"
    record = parse_page(page("biorxiv.html"), url)
    assert record.source == "web"
    assert record.key == "doi:10.1101/2023.10.01.560123"
    assert record.doi == "10.1101/2023.10.01.560123"
    # citation_title wins over og:title and <title>, and its <i> markup is gone
    assert record.title == "Protein language models learn évolutionary couplings"
    # "Family, Given" as the tags write them becomes "Given Family", as arXiv gives names
    assert record.authors == ("Zhidian Zhang", "Hannah K. Wayment-Steele", "Jürgen Müller")
    # citation_abstract wins over og:description; its "Abstract" heading and markup are gone
    assert record.abstract == (
        "Protein language models (pLMs) trained on millions of sequences learn the contacts "
        "of a protein. We show why."
    )
    # the publication date, not the later online date
    assert record.published == dt.date(2023, 10, 3)
    assert record.journal_ref == "bioRxiv"
    assert record.pdf_url == (
        "https://www.biorxiv.org/content/biorxiv/early/2023/10/03/2023.10.01.560123.full.pdf"
    )
    assert record.abs_url.endswith("560123v1.abstract")
    assert record.extra == {"site_name": "bioRxiv"}
    # the requested URL resolves to the same DOI, so it is not an alias
    assert record.source_id == "doi:10.1101/2023.10.01.560123"
    assert record.aliases == ()


def test_acl_anthology_page_resolves_to_its_doi_and_keeps_the_url_as_alias():
    url = "https://aclanthology.org/2023.acl-long.41/"
    record = parse_page(page("acl.html"), url)
    assert record.key == "doi:10.18653/v1/2023.acl-long.41"
    assert record.title.startswith("Do Androids Laugh at Electric Sheep? Humor “Understanding”")
    assert record.authors == ("Jack Hessel", "Ana Marasovic", "Jena D. Hwang")
    assert record.published == dt.date(2023, 7, 1)  # "2023/7"
    assert record.journal_ref.startswith("Proceedings of the 61st Annual Meeting")
    assert record.pdf_url == "https://aclanthology.org/2023.acl-long.41.pdf"
    assert record.source_id == "url:https://aclanthology.org/2023.acl-long.41"
    assert record.aliases == (url,)


def test_arxiv_page_is_keyed_by_its_arxiv_id_without_version():
    record = parse_page(page("arxiv.html"), "https://arxiv.org/abs/2311.11045v2")
    assert record.key == "arxiv:2311.11045"
    assert record.authors == ("Arindam Mitra", "Luciano Del Corro")
    assert record.published == dt.date(2023, 11, 18)
    assert record.abstract.startswith("Orca 1 learns from rich signals, such as explanation ")
    assert record.aliases == ()


def test_arxiv_page_keeps_the_journal_doi_as_data():
    html = b"""<html><head><meta name="citation_title" content="Published preprint">
    <meta name="citation_doi" content="10.1000/JOURNAL.42"></head></html>"""
    record = parse_page(html, "https://arxiv.org/abs/2401.00001v2")
    assert record.key == "arxiv:2401.00001"
    assert record.doi == "10.1000/journal.42"


def test_citation_arxiv_id_wins_over_the_page_url():
    html = b"""<html><head><meta name="citation_title" content="Mirror">
    <meta name="citation_arxiv_id" content="2401.00001v3"></head></html>"""
    record = parse_page(html, "https://papers.example.org/mirror/42")
    assert record.key == "arxiv:2401.00001"
    assert record.aliases == ("https://papers.example.org/mirror/42",)
    assert record.source_id == "url:https://papers.example.org/mirror/42"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://arxiv.org/pdf/2311.11045v3", "arxiv:2311.11045"),
        ("https://huggingface.co/papers/2311.11045", "arxiv:2311.11045"),
        ("https://example.org/talk", "url:https://example.org/talk"),
    ],
)
def test_page_without_tags_takes_its_key_from_the_url(url, key):
    record = parse_page(b"<html><head><title>A talk</title></head></html>", url)
    assert record.key == key
    assert record.title == "A talk"


@pytest.mark.parametrize(
    ("tag", "value", "key"),
    [
        ("citation_doi", "doi:10.1000/ABC.123", "doi:10.1000/abc.123"),
        ("citation_doi", "https://doi.org/10.1000/abc.123", "doi:10.1000/abc.123"),
        ("DC.Identifier", "doi:10.1000/abc.123", "doi:10.1000/abc.123"),
        ("dc.identifier", "10.1000/abc.123", "doi:10.1000/abc.123"),
        ("citation_doi", "10.48550/arXiv.2311.11045", "arxiv:2311.11045"),
        # an identifier that is not a DOI is ignored: the page URL is the key
        ("dc.identifier", "https://journal.example.com/x", "url:https://journal.example.com/a/1"),
    ],
)
def test_doi_tags(tag, value, key):
    html = f'<html><head><title>T</title><meta name="{tag}" content="{value}"></head></html>'
    record = parse_page(html.encode(), "https://journal.example.com/a/1")
    assert record.key == key


# ------------------------------------------------------------------------------ OpenGraph


def test_blog_post_with_only_opengraph_tags():
    url = "https://blog.example.com/p/123"
    record = parse_page(page("blog.html"), url)
    assert record.title == "Scaling laws, revisited"  # og:title, not the <title> with site name
    # og:url is canonicalised (tracking parameters and trailing slash dropped)
    assert record.key == "url:https://blog.example.com/posts/scaling-laws-revisited"
    assert record.abstract == "Why the Chinchilla fit is & isn't the whole story."
    assert record.published == dt.date(2023, 11, 30)
    assert record.authors == ("Ada Lovelace",)
    assert record.extra == {"site_name": "A Research Blog"}
    assert record.source_id == "url:https://blog.example.com/p/123"
    assert record.aliases == (url,)


def test_og_url_of_the_site_home_page_does_not_become_every_pages_key():
    html = b"""<html><head><meta property="og:title" content="Post one">
    <meta property="og:url" content="https://blog.example.com/"></head></html>"""
    record = parse_page(html, "https://blog.example.com/2023/post-one")
    assert record.key == "url:https://blog.example.com/2023/post-one"


def test_relative_og_url_is_resolved_against_the_final_url():
    html = b"""<html><head><meta property="og:title" content="Post">
    <meta property="og:url" content="/canonical/post"></head></html>"""
    record = parse_page(html, "https://blog.example.com/short/1")
    assert record.key == "url:https://blog.example.com/canonical/post"


def test_title_and_meta_description_are_the_last_resort():
    html = b"""<html><head><title>  Notes on
    attention  </title><meta name="description" content="Some notes."></head><body></body></html>"""
    record = parse_page(html, "https://notes.example.com/attention")
    assert record.title == "Notes on attention"
    assert record.abstract == "Some notes."
    assert record.authors == ()
    assert record.published is None


# --------------------------------------------------------------------------------- GitHub


def test_github_repository_page():
    record = parse_page(page("github.html"), "https://github.com/OpenAI/Whisper")
    assert record.key == "url:https://github.com/openai/whisper"
    assert record.title == "openai/whisper"  # as GitHub spells it, without "GitHub - "
    assert record.abstract == "Robust Speech Recognition via Large-Scale Weak Supervision"
    assert record.code_url == "https://github.com/openai/whisper"
    assert record.aliases == ()


def test_github_links_inside_a_repository_resolve_to_the_repository():
    record = parse_page(page("github.html"), "https://github.com/openai/whisper/tree/main/")
    assert record.key == "url:https://github.com/openai/whisper"
    assert record.code_url == "https://github.com/openai/whisper"


def test_github_page_named_by_its_og_url():
    html = b"""<html><head><title>Sign in</title>
    <meta property="og:url" content="https://github.com/Some-Org/Some-Repo"></head></html>"""
    record = parse_page(html, "https://github.com/login?return_to=%2FSome-Org%2FSome-Repo")
    assert record.key == "url:https://github.com/some-org/some-repo"
    assert record.title == "some-org/some-repo"
    assert record.code_url == "https://github.com/some-org/some-repo"


def test_github_repository_without_description():
    record = parse_page(page("github_no_description.html"), "https://github.com/someone/tiny-repo")
    assert record.title == "someone/tiny-repo"
    assert record.abstract == ""


def test_github_description_with_the_contribute_suffix():
    html = b"""<html><head><title>GitHub - a/b: Fast things</title>
    <meta name="description" content="Fast things. Contribute to a/b development by creating an
    account on GitHub."></head></html>"""
    record = parse_page(html, "https://github.com/a/b")
    assert (record.title, record.abstract) == ("a/b", "Fast things.")


def test_github_pages_that_are_not_repositories_are_ordinary_pages():
    html = b"<html><head><title>OpenAI \xc2\xb7 GitHub</title></head></html>"
    record = parse_page(html, "https://github.com/openai")
    assert record.key == "url:https://github.com/openai"
    assert record.title == "OpenAI · GitHub"
    assert record.code_url == ""


# ------------------------------------------------------------------------------- decoding


def test_undeclared_latin1_page_is_decoded():
    record = parse_page(page("title_only_latin1.html"), "http://old.example.org/page.html")
    assert record.title == "Café crème: a résumé of results"
    assert record.key == "url:https://old.example.org/page.html"


def test_undeclared_utf8_page_is_decoded():
    html = "<html><head><title>Über naïve Bayes — 概要</title></head></html>".encode()
    assert parse_page(html, "https://example.org/x").title == "Über naïve Bayes — 概要"


def test_header_charset_wins_over_guessing():
    html = "<html><head><title>Нейронные сети</title></head></html>".encode("cp1251")
    header = "text/html; charset=windows-1251"
    record = parse_page(html, "https://example.ru/x", content_type=header)
    assert record.title == "Нейронные сети"


def test_meta_charset_is_honoured():
    html = '<html><head><meta charset="koi8-r"><title>Нейронные сети</title></head></html>'
    assert parse_page(html.encode("koi8-r"), "https://example.ru/x").title == "Нейронные сети"


def test_latin1_label_means_windows_1252_as_in_browsers():
    html = b'<meta charset="iso-8859-1"><title>\x93Smart\x94 quotes \x96 and caf\xe9</title>'
    assert parse_page(html, "https://example.org/x").title == "“Smart” quotes \u2013 and café"


def test_unknown_charset_falls_back_to_sniffing():
    html = "<html><head><title>Café</title></head></html>".encode()
    record = parse_page(html, "https://example.org/x", content_type="text/html; charset=bogus-42")
    assert record.title == "Café"


# -------------------------------------------------------------------------------- hostile


def test_hostile_html_keeps_only_text():
    record = parse_page(page("hostile.html"), "https://evil.example.com/x")
    assert record.title == "Real title"
    assert record.abstract == "An abstract with markup removed."
    assert record.authors == ("Mallory",)
    for text in (record.title, record.abstract, *record.authors):
        for bad in ("<", ">", "alert", "evil", "steal", "onerror", "color"):
            assert bad not in text


def test_script_inside_title_is_not_kept_and_scripts_cannot_inject_tags():
    html = b"""<html><head><script>document.write('<meta name="citation_title" content="X">')
    </script><title>Fallback <script>alert(6)</script> title</title></head></html>"""
    record = parse_page(html, "https://evil.example.com/y")
    assert record.title == "Fallback title"


def test_broken_html_is_tolerated():
    html = b"<title>Half a page</title><p>unclosed <b>bold <div><table><tr><td>"
    assert parse_page(html, "https://example.org/half").title == "Half a page"


# --------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "html",
    [
        b"<html><head></head><body><p>No title anywhere</p></body></html>",
        b"<html><head><title>   </title><meta property='og:title' content=''></head></html>",
    ],
)
def test_page_without_title_is_rejected(html):
    with pytest.raises(SourceFormatError, match="no title found"):
        parse_page(html, "https://example.org/untitled")


@pytest.mark.parametrize(
    ("content", "content_type", "named"),
    [
        (b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf", "application/pdf"),
        (b"%PDF-1.5\n1 0 obj", "", "application/pdf"),
        (b'{"title": "not a page"}', "application/json", "application/json"),
        (b'{"title": "not a page"}', "text/html", r"application/json \(served as text/html\)"),
        (b'[{"title": "not a page"}]', "", "application/json"),
        (b"\x89PNG\r\n\x1a\n", "image/png", "image/png"),
    ],
)
def test_non_html_content_is_rejected_naming_its_type(content, content_type, named):
    with pytest.raises(SourceFormatError, match=named):
        parse_page(content, "https://example.org/file", content_type=content_type)


def test_empty_page_is_rejected():
    with pytest.raises(SourceFormatError, match="empty"):
        parse_page(b"  \n", "https://example.org/empty", content_type="text/html")


def test_payload_hash_follows_the_content():
    first = parse_page(b"<title>A</title>", "https://example.org/a")
    again = parse_page(b"<title>A</title>", "https://example.org/a")
    changed = parse_page(b"<title>A</title><p>new", "https://example.org/a")
    assert first.payload_hash == again.payload_hash != changed.payload_hash


# -------------------------------------------------------------------------------- network


HTML = "text/html; charset=utf-8"


@pytest.mark.network_source
def test_fetch_page_uses_the_final_url_after_a_redirect(site, http_client):
    site.serve("/old", status=301, headers={"Location": site.url("/posts/new")})
    moved = b"<html><head><title>Moved post</title></head></html>"
    site.serve("/posts/new", moved, content_type=HTML)
    old = site.url("/old")
    record = fetch_page(http_client, old)
    assert record.title == "Moved post"
    server = old.split("//", 1)[1].split("/", 1)[0]
    assert record.key == f"url:https://{server}/posts/new"
    assert record.source_id == f"url:https://{server}/old"
    assert record.aliases == (old,)
    assert record.abs_url == site.url("/posts/new")


@pytest.mark.network_source
def test_fetch_page_reads_the_charset_from_the_header(site, http_client):
    body = "<html><head><title>Нейронные сети</title></head></html>".encode("cp1251")
    site.serve("/ru", body, content_type="text/html; charset=windows-1251")
    assert fetch_page(http_client, site.url("/ru")).title == "Нейронные сети"


@pytest.mark.network_source
def test_fetch_page_citation_tags(site, http_client):
    site.serve("/content/paper", page("biorxiv.html"), content_type=HTML)
    record = fetch_page(http_client, site.url("/content/paper"))
    assert record.key == "doi:10.1101/2023.10.01.560123"
    assert record.aliases == (site.url("/content/paper"),)


@pytest.mark.network_source
@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"%PDF-1.7\n", "application/pdf"), (b'{"a": 1}', "application/json")],
)
def test_fetch_page_rejects_non_html(site, http_client, body, content_type):
    site.serve("/file", body, content_type=content_type)
    with pytest.raises(SourceFormatError, match=content_type) as info:
        fetch_page(http_client, site.url("/file"))
    assert site.url("/file") in str(info.value)


@pytest.mark.network_source
def test_fetch_page_empty_answer(site, http_client):
    site.serve("/empty", b"", content_type=HTML)
    with pytest.raises(SourceFormatError, match="empty"):
        fetch_page(http_client, site.url("/empty"))


@pytest.mark.network_source
def test_fetch_page_404(site, http_client):
    site.serve("/gone", b"<html><title>Not found</title></html>", status=404, content_type=HTML)
    with pytest.raises(SourceRejected, match="404"):
        fetch_page(http_client, site.url("/gone"))


@pytest.mark.network_source
def test_fetch_page_redirect_loop(site, http_client):
    site.serve("/a", status=302, headers={"Location": site.url("/b")})
    site.serve("/b", status=302, headers={"Location": site.url("/a")})
    with pytest.raises(SourceUnavailable, match="redirect"):
        fetch_page(http_client, site.url("/a"))


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("Lovelace, Ada", "Ada Lovelace"),
        ("  van der Berg ,  Anna M. ", "Anna M. van der Berg"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("King, Martin Luther, Jr.", "King, Martin Luther, Jr."),
        ("Smith, Jr.", "Smith, Jr."),
        ("Henry, VIII", "Henry, VIII"),
        ("Consortium,", "Consortium,"),
    ],
)
def test_citation_authors_written_family_name_first_are_turned_round(written, kept):
    page = f'<meta name="citation_title" content="T"><meta name="citation_author" content="{written}">'
    assert parse_page(page.encode(), "https://example.org/paper").authors == (kept,)
