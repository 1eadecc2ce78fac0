"""`paperhaul site build`: the public site as plain files, from real posts and crafted ones.

Every internal link of every page is followed to a file of the build (at a host's root and under
a sub-path), drafts and scripts never reach a file, the search index has each covered paper once,
the feeds are the live ones, and a bad OUT_DIR is refused without touching anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import bibtexparser
import feedparser
import lxml.etree
import lxml.html
import pytest
from django.core.cache import cache

from paperhaul.errors import InputError
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul
from paperhaul.hauls.publishing import covered_papers, public_tags
from paperhaul.hauls.site.address import SiteAddress
from paperhaul.hauls.site.build import build_site
from paperhaul.hauls.site.output import MARKER, staging
from paperhaul.hauls.site.syndication import SITEMAP_LIMIT, sitemaps
from tests.hauls.conftest import block, post
from tests.hauls.crafted import import_crafted

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HERE = Path(__file__).parent
URLSET = lxml.etree.XMLSchema(lxml.etree.parse(str(HERE / "sitemap.xsd")))  # sitemaps.org 0.9
SITEINDEX = lxml.etree.XMLSchema(lxml.etree.parse(str(HERE / "siteindex.xsd")))
# Haul ~10 covers a bioRxiv preprint and 2401.00002 again (another URL form), and mentions ~7's paper.
LATER = post(
    "## Chatter about previous papers\n\nMore on [DPO](https://arxiv.org/pdf/2401.00001v1).\n\n"
    "## New Paper Content\n\n"
    + block("https://www.biorxiv.org/content/10.1101/2023.05.01.538000v1", "Protein Language Models at Scale")
    + "\nCells.\n<hr/>\n\n"
    + block("https://arxiv.org/pdf/2401.00002v3.pdf", "Sparse Attention for Long Documents")
    + "\nStill good.\n",
    title="ML Arxiv Haul ~10",
    published="2024-02-01T10:00:00.000Z",
)


@pytest.fixture
def library(db, real_posts, tmp_path) -> None:
    """The 13 real posts (12 hauls), crafted ~7, ~8 and the draft ~9, and ~10: 15 published hauls."""
    import_hauls(real_posts)
    crafted = tmp_path / "crafted"
    crafted.mkdir()
    import_crafted(crafted)
    (crafted / "ml-arxiv-10.md").write_text(LATER, encoding="utf-8")
    import_hauls([crafted / "ml-arxiv-10.md"])


def files_of(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def broken_links(root: Path, base_url: str) -> tuple[list[str], set[str]]:
    """Every internal href/src of every page that is not a file of the build (or leaves the base path),
    and apart the root-relative links the curator wrote in a haul's text (kept as written)."""
    base = urlsplit(base_url)
    prefix = base.path.rstrip("/")
    broken, written = [], set()
    for page in root.rglob("*.html"):
        for element, attribute, link, _ in lxml.html.fromstring(page.read_bytes()).iterlinks():
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto") and parts.netloc != base.netloc:
                continue  # another site: the paper, its code, an image in commentary
            if not parts.path and link.startswith("#"):
                continue
            ours = element.xpath("ancestor::p[@class='item-paper']")  # the link to our paper page
            if element.xpath("ancestor::article[contains(@class, 'haul')]") and not ours:
                written.add(link)
                continue
            if not parts.path.startswith(prefix + "/"):
                broken.append(f"{page.relative_to(root)}: {attribute}={link} is outside {prefix}/")
                continue
            target = root / unquote(parts.path[len(prefix) + 1 :])
            if parts.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(root)}: {attribute}={link} has no file")
    return broken, written


@pytest.mark.parametrize("base_url", ["https://example.org", "https://example.org/blog/"])
def test_every_internal_link_of_the_site_resolves_to_a_file(library, real_posts, tmp_path, base_url):
    out = tmp_path / "site"
    summary = build_site(out, base_url)

    assert summary.hauls == 15 and summary.tags == public_tags().count()
    assert summary.papers == covered_papers().count()
    assert summary.pages == 5 + summary.hauls + summary.tags + summary.papers
    assert summary.feeds == 2 + 2 * summary.tags
    broken, written = broken_links(out, base_url)
    assert broken == []
    # Links the curator wrote (to their own blog's images, say) stay as the posts have them.
    posts = "".join(p.read_text(encoding="utf-8") for p in [*real_posts, *(tmp_path / "crafted").iterdir()])
    assert "/blog-images/arxiv-17-1.png" in written
    assert [link for link in written if link not in posts] == []
    assert (out / "index.html").is_file() and (out / "hauls" / "index.html").is_file()
    assert (out / "404.html").is_file() and (out / MARKER).is_file()
    for path in files_of(out):
        name = str(path.relative_to(out))
        assert ":" not in name and "?" not in name and "%" not in name, name
    # A non-arXiv paper gets a readable, safe folder; an arXiv paper its id, as on the live site.
    assert len(list((out / "papers" / "x").glob("github-com-example-speech-*/index.html"))) == 1
    assert (out / "papers" / "2401.00002" / "index.html").is_file()


def test_drafts_and_scripts_never_reach_a_file(library, tmp_path):
    out = tmp_path / "site"
    build_site(out, "https://example.org/")
    script_tags = [f'<script src="/static/{name}" defer></script>' for name in ("combobox.js", "search.js")]
    for path in files_of(out):
        if path.name == "search.js":
            continue
        text = path.read_text(encoding="utf-8").lower()
        assert "unfinished haul" not in text and "reward models are not enough" not in text, path
        assert text.count("<script") == sum(text.count(tag) for tag in script_tags), path
        for hostile in ("alert(", "onerror", "javascript:", "<iframe", "&lt;script", "&lt;iframe"):
            assert hostile not in text, (path, hostile)
    page = lxml.html.fromstring((out / "hauls" / "ml-arxiv-haul-7" / "index.html").read_bytes())
    assert page.xpath("//article//img[@src='https://example.org/figure.png']/@alt") == ["Figure 2"]
    assert page.xpath("//article//a[@href='https://github.com/example/repo']")


def test_a_paper_page_names_every_haul_that_covered_or_mentioned_it(library, tmp_path):
    out = tmp_path / "site"
    build_site(out, "https://example.org/blog")
    page = lxml.html.fromstring((out / "papers" / "2401.00001" / "index.html").read_bytes())
    covered = [" ".join(li.text_content().split()) for li in page.xpath("//section[h2='Covered in']//li")]
    assert covered[0].startswith("ML Arxiv Haul ~7") and "in “New Paper Content”" in covered[0]
    assert covered[1].startswith("ML Arxiv Haul ~10")
    assert "mentioned in “Chatter about previous papers”" in covered[1]
    assert page.xpath("//a[text()='PDF']/@href") == ["https://arxiv.org/pdf/2401.00001"]
    haul = lxml.html.fromstring((out / "hauls" / "ml-arxiv-haul-10" / "index.html").read_bytes())
    assert "/blog/papers/2401.00002/" in haul.xpath("//p[@class='item-paper']/a/@href")


def test_a_haul_offers_the_bibtex_of_its_papers_and_a_paper_page_its_entry(library, tmp_path):
    out = tmp_path / "site"
    build_site(out, "https://example.org/blog")
    folder = out / "hauls" / "ml-arxiv-haul-10"
    haul = lxml.html.fromstring((folder / "index.html").read_bytes())
    assert haul.xpath("//p[@class='meta']/a[@download]/@href") == ["/blog/hauls/ml-arxiv-haul-10/papers.bib"]
    cited = bibtexparser.parse_string((folder / "papers.bib").read_text())
    assert not cited.failed_blocks
    assert [e.get("doi", e.get("eprint")).value for e in cited.entries] == [
        "10.1101/2023.05.01.538000",
        "2401.00002",
    ]
    page = lxml.html.fromstring((out / "papers" / "2401.00001" / "index.html").read_bytes())
    assert page.xpath("//details[@class='cite']/pre")[0].text.startswith("@misc{")
    assert page.xpath("//head/meta[@name='citation_arxiv_id']/@content") == ["2401.00001"]


def test_the_feeds_link_every_paper_to_its_page_in_the_build(library, tmp_path):
    """Also papers without an arXiv id, whose live /papers/<key> address a static host cannot serve."""
    out = tmp_path / "site"
    build_site(out, "https://example.org/blog")
    entries = feedparser.parse((out / "hauls" / "feed.atom").read_bytes()).entries
    links = [
        href
        for entry in entries
        for href in lxml.html.fromstring(entry.content[0].value).xpath("//p[@class='item-paper']/a/@href")
    ]
    assert any("/papers/x/" in href for href in links)  # a paper known by its URL or DOI
    for href in links:
        assert href.startswith("https://example.org/blog/papers/")
        assert (out / href.removeprefix("https://example.org/blog/") / "index.html").is_file(), href


def test_the_search_index_has_every_covered_paper_once(library, tmp_path):
    out = tmp_path / "site"
    build_site(out, "https://example.org/blog/")
    index = json.loads((out / "search" / "search-index.json").read_text(encoding="utf-8"))
    keys = [paper["key"] for paper in index["papers"]]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(covered_papers().values_list("key", flat=True))
    hauls = {haul["number"]: haul for haul in index["hauls"]}
    assert 9 not in hauls and len(hauls) == 15
    assert hauls[10] == {
        "number": 10,
        "title": "ML Arxiv Haul ~10",
        "path": hauls[10]["path"],
        "date": "2024-02-01",
    }
    sparse = next(paper for paper in index["papers"] if paper["key"] == "arxiv:2401.00002")
    assert sparse["hauls"] == [7, 10]
    assert sparse["link"] == "https://arxiv.org/abs/2401.00002"  # as the post that introduced it wrote it
    assert sparse["url"] == "/blog/papers/2401.00002/"
    for paper in index["papers"]:
        assert (out / paper["url"].removeprefix("/blog/") / "index.html").is_file()
        assert all(number in hauls for number in paper["hauls"])
    for haul in hauls.values():
        assert (out / haul["path"].removeprefix("/blog/") / "index.html").is_file()
    # The search page without JS: every covered link, grouped by haul.
    search = lxml.html.fromstring((out / "search" / "index.html").read_bytes())
    groups = search.xpath("//section[@id='all-links']/section")
    assert len(groups) == 15
    listed = search.xpath("//section[@id='all-links']//li/a[1]/@href")
    assert set(listed) == {paper["url"] for paper in index["papers"]}


def entries(feed) -> list[tuple]:
    """What a reader gets of each entry; only the links to paper pages differ (the build has its own)."""
    return [
        (
            e.id,
            e.link,
            e.title,
            e.published,
            e.get("tags"),
            lxml.html.fromstring(e.content[0].value).text_content(),
        )
        for e in feed.entries
    ]


def test_static_feeds_carry_the_live_entries_and_the_sitemap_lists_the_build(
    library, tmp_path, client, monkeypatch
):
    monkeypatch.setenv("PAPERHAUL_SITE_URL", "https://example.org/blog/")
    cache.clear()
    out = tmp_path / "site"
    build_site(out)  # the base URL defaults to PAPERHAUL_SITE_URL
    tag = Haul.objects.get(number=8).tags.get()
    for path in [
        "hauls/feed.rss",
        "hauls/feed.atom",
        f"tags/{tag.slug}/feed.rss",
        f"tags/{tag.slug}/feed.atom",
    ]:
        static, live = (
            feedparser.parse((out / path).read_bytes()),
            feedparser.parse(client.get("/" + path).content),
        )
        assert not static.bozo
        assert entries(static) == entries(live), path
    assert len(feedparser.parse((out / "hauls" / "feed.atom").read_bytes()).entries) == 15

    sitemap = lxml.etree.fromstring((out / "sitemap.xml").read_bytes())
    URLSET.assertValid(sitemap)
    locations = sitemap.findall(f"{SITEMAP_NS}url/{SITEMAP_NS}loc")
    pages = {"/" + str(p.relative_to(out).parent).removeprefix(".") for p in out.rglob("index.html")}
    in_sitemap = {urlsplit(loc.text).path.removeprefix("/blog").rstrip("/") or "/" for loc in locations}
    assert in_sitemap == {p.rstrip("/") or "/" for p in pages}
    assert all(loc.text.startswith("https://example.org/blog/") for loc in locations)


def test_a_sitemap_of_more_than_50000_addresses_is_an_index_of_parts():
    address = SiteAddress.parse("https://example.org/blog/")
    entries = [(f"/papers/x/{n}/", None) for n in range(SITEMAP_LIMIT + 1)]
    documents = dict(sitemaps(address, entries))
    assert list(documents) == ["/sitemap-1.xml", "/sitemap-2.xml", "/sitemap.xml"]
    index = lxml.etree.fromstring(documents["/sitemap.xml"].encode())
    SITEINDEX.assertValid(index)
    assert [loc.text for loc in index.iter(SITEMAP_NS + "loc")] == [
        "https://example.org/blog/sitemap-1.xml",
        "https://example.org/blog/sitemap-2.xml",
    ]
    last = lxml.etree.fromstring(documents["/sitemap-2.xml"].encode())
    URLSET.assertValid(last)
    assert [loc.text for loc in last.iter(SITEMAP_NS + "loc")] == [
        f"https://example.org/blog/papers/x/{SITEMAP_LIMIT}/"
    ]


def test_a_rebuild_replaces_the_site_and_a_failed_build_leaves_it_as_it_was(library, tmp_path):
    out = tmp_path / "site"
    build_site(out, "https://example.org/")
    (out / "stale.html").write_text("from an older build")
    build_site(out, "https://example.org/")
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crafted", "site"]

    before = {p: p.read_bytes() for p in files_of(out)}
    with pytest.raises(RuntimeError), staging(out, "https://example.org") as building:
        (building / "index.html").write_text("half a site")
        raise RuntimeError("the build failed half-way")
    assert {p: p.read_bytes() for p in files_of(out)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crafted", "site"]


def test_out_dir_and_base_url_are_checked_before_anything_is_written(db, tmp_path):
    afile = tmp_path / "file.txt"
    afile.write_text("mine")
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.md").write_text("mine too")
    cases = [
        (afile, None, "is a file, not a folder"),
        (full, None, "folder is not empty and is not an earlier site build"),
        (tmp_path / "no" / "site", None, "does not exist"),
        (tmp_path / "site", "ftp://example.org/", "is not an http(s) address"),
        (tmp_path / "site", "https://example.org/?page=1", "has a query or fragment"),
    ]
    for out, base_url, message in cases:
        with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
            build_site(out, base_url)
    assert afile.read_text() == "mine" and [p.name for p in full.iterdir()] == ["notes.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "full"]


def test_the_command_builds_prints_a_summary_and_errors_in_one_line(cli, tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "ml-arxiv-7.md").write_text(
        post(block("https://arxiv.org/abs/2401.00001", "Direct Preference Optimization")), encoding="utf-8"
    )
    assert cli("import", "haul", str(folder)).code == 0
    out = tmp_path / "site"
    done = cli("site", "build", str(out), "--base-url", "https://example.org/blog/", "--json")
    assert done.code == 0, done.stderr
    summary = done.json()
    assert {k: summary[k] for k in ("pages", "hauls", "tags", "papers", "feeds")} == {
        "pages": 5 + 1 + 2 + 1,
        "hauls": 1,
        "tags": 2,
        "papers": 1,
        "feeds": 2 + 2 * 2,
    }
    assert summary["base_url"] == "https://example.org/blog" and summary["seconds"] >= 0
    again = cli("site", "build", str(out), "--base-url", "https://example.org/blog/")
    assert again.code == 0 and again.stdout.startswith("site: pages 9 (hauls 1, tags 2, papers 1); feeds 6;")

    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    refused = cli("site", "build", str(notes))
    assert refused.code == 1
    assert (
        refused.stderr.strip()
        == f"CommandError: {notes}: is a file, not a folder: give a folder for the site"
    )
    assert notes.read_text() == "keep me"
    refused = cli("site", "build", str(folder))
    assert refused.code == 1 and "is not an earlier site build" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
