"""sitemap.xml: an index of section files, valid against the sitemaps.org 0.9 schemas, listing the
reading lists, published hauls, their tags and every paper page at PAPERHAUL_SITE_URL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import cache
from lxml import etree

from paperhaul.hauls import sitemaps
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from paperhaul.web.links import paper_path
from tests.hauls.crafted import import_crafted
from tests.web.conftest import record

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent
SITE = "https://papers.example.net/radar"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
URLSET = etree.XMLSchema(etree.parse(str(HERE / "sitemap.xsd")))
INDEX = etree.XMLSchema(etree.parse(str(HERE / "siteindex.xsd")))


@pytest.fixture(autouse=True)
def site_url(monkeypatch):
    """Addresses of this site, and no sitemap kept from another test (readers get cached files)."""
    monkeypatch.setenv("PAPERHAUL_SITE_URL", SITE)
    cache.clear()


def fetch(client, url: str, schema: etree.XMLSchema) -> etree._Element:
    response = client.get(url, HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    schema.assertValid(root)
    return root


def crawl(client) -> dict[str, str | None]:
    """Every address of the sitemap, through the index, with its lastmod."""
    index = fetch(client, "/sitemap.xml", INDEX)
    files = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
    assert files and all(f.startswith(SITE + "/sitemap-") for f in files)
    found: dict[str, str | None] = {}
    for location in files:
        urlset = fetch(client, location.removeprefix(SITE), URLSET)
        for url in urlset.xpath("//sm:url", namespaces=NS):
            loc = url.findtext("sm:loc", namespaces=NS)
            assert loc not in found, loc
            found[loc] = url.findtext("sm:lastmod", namespaces=NS)
    return found


def test_the_sitemap_lists_pages_hauls_tags_and_papers_at_the_site_address(client, tmp_path):
    Library().upsert([record("arxiv:2312.00009", "A Paper Nobody Covered", days_ago=3)])
    crafted = import_crafted(tmp_path)
    found = crawl(client)
    assert not [loc for loc in found if not loc.startswith(SITE + "/")]
    for page in ("/", "/trending/", "/new/", "/hauls/"):
        assert SITE + page in found
    for number in (7, 8):
        haul = crafted[number]
        assert found[f"{SITE}/hauls/{haul.slug}/"] == haul.modified_at.astimezone(dt.UTC).date().isoformat()
    assert f"{SITE}/hauls/{crafted[9].slug}/" not in found  # a draft
    assert {loc for loc in found if "/tags/" in loc} == {
        f"{SITE}/tags/{slug}/" for slug in ("arxiv", "llm", "vision")
    }  # llm's only other haul is the draft; a tag of drafts only would be left out
    papers = {SITE + paper_path(p): p for p in Paper.objects.all()}
    assert len(papers) == 5 and set(papers) <= set(found)
    uncovered = Paper.objects.get(key="arxiv:2312.00009")
    assert found[SITE + paper_path(uncovered)] == uncovered.updated.isoformat()


def test_every_real_haul_and_covered_paper_is_in_the_sitemap(client, real_posts):
    import_hauls(real_posts)
    found = crawl(client)
    for haul in Haul.objects.all():
        assert f"{SITE}/hauls/{haul.slug}/" in found
    assert f"{SITE}/tags/arxiv/" in found
    assert {SITE + paper_path(key) for key in Paper.objects.values_list("key", flat=True)} <= set(found)
    assert len([loc for loc in found if "/papers/" in loc]) == Paper.objects.count() == 219


def test_a_large_section_is_split_into_files_of_the_index(client, monkeypatch):
    monkeypatch.setattr(sitemaps.PaperSitemap, "limit", 2)  # Django's 50,000, made small
    Library().upsert([record(f"arxiv:2401.{n:05d}", f"Paper number {n}") for n in range(1, 6)])
    index = fetch(client, "/sitemap.xml", INDEX)
    files = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
    assert files == [f"{SITE}/sitemap-pages-1.xml"] + [f"{SITE}/sitemap-papers-{n}.xml" for n in (1, 2, 3)]
    # No hauls nor tags yet: their sections are left out, as an empty urlset is not valid.
    found = crawl(client)
    assert len([loc for loc in found if "/papers/" in loc]) == 5
    assert client.get("/sitemap-papers-4.xml").status_code == 404
    assert client.get("/sitemap-hauls-1.xml").status_code == 404
    assert client.get("/sitemap-nothing-1.xml").status_code == 404


def test_the_static_site_writes_what_is_served(client, tmp_path):
    import_crafted(tmp_path)
    assert sitemaps.render_index().encode() == client.get("/sitemap.xml").content
    for section, sitemap_class in sitemaps.SITEMAPS.items():
        if not sitemap_class().paginator.count:
            continue  # no addresses (no paper filed under a topic yet): in no index, served as a 404
        served = client.get(sitemaps.section_path(section, 1)).content
        assert sitemaps.render_section(section, 1).encode() == served
