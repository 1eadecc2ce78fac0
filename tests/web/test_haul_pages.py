"""The public haul pages: the list, a haul, a tag's hauls, and the paper page's links to them."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

from paperhaul.hauls import publishing
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul, Tag
from tests.hauls.conftest import post, real_posts  # noqa: F401 (a fixture of tests/hauls)
from tests.hauls.crafted import import_crafted

pytestmark = pytest.mark.django_db


@pytest.fixture
def crafted(tmp_path):
    return import_crafted(tmp_path)


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, url
    return lxml.html.document_fromstring(response.content.decode())


def assert_inert(tree) -> None:
    """No script of a post's own, no event handler, no javascript: link anywhere on the page."""
    assert all(src.startswith("/static/") for src in tree.xpath("//script/@src"))
    assert not tree.xpath("//script[not(@src)] | //iframe | //object | //embed")
    assert not [el for el in tree.iter() if any(name.startswith("on") for name in el.attrib)]
    hrefs = tree.xpath("//@href | //@src")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript", "data:text"))]


def test_the_list_shows_published_hauls_newest_first_with_their_details(client, crafted):
    tree = page(client, "/hauls/")
    titles = tree.xpath("//li[@class='haul-entry']//h2/a")
    assert [a.text for a in titles] == ["Vision & Sound Haul ~8", "ML Arxiv Haul ~7"]  # no draft
    assert [a.get("href") for a in titles] == [
        publishing.haul_path(crafted[8]),
        publishing.haul_path(crafted[7]),
    ]
    entry = tree.xpath("//li[@class='haul-entry']")[1]
    meta = entry.findtext(".//p[@class='meta']/span")
    assert meta == "No. 7"
    assert "2 papers" in entry.text_content() and "1 May 2023" in entry.text_content()
    assert entry.xpath(".//p[@class='snippet']")[0].text == "a test"
    assert entry.xpath(".//a[@class='tag']/@href") == ["/tags/arxiv/", "/tags/llm/"]
    # The tag list names tags of published hauls only, with their counts.
    assert sorted(tree.xpath("//nav[@class='tag-cloud']/a/@href")) == [
        "/tags/arxiv/",
        "/tags/llm/",
        "/tags/vision/",
    ]
    feeds = tree.xpath("//head/link[@rel='alternate']")
    assert {(f.get("type"), f.get("href")) for f in feeds} == {
        ("application/rss+xml", "/hauls/feed.rss"),
        ("application/atom+xml", "/hauls/feed.atom"),
    }
    assert tree.xpath("//nav[@class='main-nav']/a[@aria-current='page']")[0].text == "Hauls"


def test_the_list_pages_through_many_hauls(client, tmp_path):
    for number in range(1, 23):
        text = post(
            f"Haul {number} intro.\n", title=f"Haul ~{number}", published=f"2023-01-{number:02d}T10:00:00Z"
        )
        (tmp_path / f"h-{number}.md").write_text(text)
    import_hauls(sorted(tmp_path.glob("*.md")))
    first = page(client, "/hauls/")
    assert len(first.xpath("//li[@class='haul-entry']")) == 20
    assert first.xpath("//li[@class='haul-entry']//h2/a")[0].text == "Haul ~22"
    assert first.xpath("//nav[@class='pager']/a[@rel='next']/@href") == ["?page=2"]
    second = page(client, "/hauls/?page=2")
    assert [a.text for a in second.xpath("//li[@class='haul-entry']//h2/a")] == ["Haul ~2", "Haul ~1"]
    page(client, "/hauls/?page=3", status=404)


def test_a_haul_page_has_every_item_with_its_paper_page_tags_and_neighbours(client, crafted):
    haul = crafted[7]
    tree = page(client, f"/hauls/{haul.slug}/")
    assert tree.findtext(".//h1") == "ML Arxiv Haul ~7"
    items = tree.xpath("//section[contains(@class, 'haul-item')]")
    positions = list(haul.items.order_by("position").values_list("position", flat=True))
    assert [item.get("id") for item in items] == [f"item-{p}" for p in positions]
    assert [item.xpath("blockquote/a/@href")[0] for item in items] == [
        "https://arxiv.org/abs/2401.00001v2",
        "https://arxiv.org/abs/2401.00002",
    ]
    paper_links = [item.xpath(".//p[@class='item-paper']/a/@href")[0] for item in items]
    assert paper_links == ["/papers/2401.00001", "/papers/2401.00002"]
    for link in paper_links:  # each leads to the paper's page, which links back to this item
        back = page(client, link).xpath("//section[@aria-labelledby='coverage-heading']//a/@href")
        assert any(href.startswith(f"/hauls/{haul.slug}/#item-") for href in back)
    assert "Comments / Criticism" in tree.xpath("//section[@class='haul-section']/h2/text()")
    assert tree.xpath("//header[@class='haul-head']//a[@class='tag']/@href") == ["/tags/arxiv/", "/tags/llm/"]
    assert tree.xpath("//nav[@class='haul-nav']/a[@rel='next']/@href") == [f"/hauls/{crafted[8].slug}/"]
    assert not tree.xpath("//nav[@class='haul-nav']/a[@rel='prev']")
    assert tree.xpath("//link[@rel='canonical']/@href") == [f"http://localhost:8000/hauls/{haul.slug}/"]
    assert tree.xpath("//head/link[@rel='alternate']/@href") == ["/hauls/feed.rss", "/hauls/feed.atom"]
    newer = page(client, f"/hauls/{crafted[8].slug}/")
    assert newer.xpath("//nav[@class='haul-nav']/a[@rel='prev']/@href") == [f"/hauls/{haul.slug}/"]
    assert newer.findtext(".//h1") == "Vision & Sound Haul ~8"


def test_hostile_html_in_a_post_never_reaches_the_page(client, crafted):
    tree = page(client, f"/hauls/{crafted[7].slug}/")
    assert_inert(tree)
    article = tree.xpath("//article[@class='haul']")[0]
    assert "https://example.org/figure.png" in article.xpath(".//img/@src")  # the image stays
    assert "https://github.com/example/repo" in article.xpath(".//a/@href")
    assert_inert(page(client, "/hauls/"))


def test_a_draft_is_a_404_for_readers_and_a_preview_for_staff(client, crafted, reader, curator):
    draft = crafted[9]
    assert draft.status == Haul.Status.DRAFT
    url = f"/hauls/{draft.slug}/"
    page(client, url, status=404)
    client.force_login(reader)
    page(client, url, status=404)
    client.force_login(curator)
    tree = page(client, url)
    assert tree.xpath("//p[@class='draft-banner']/strong")[0].text == "Draft"
    assert tree.findtext(".//h1") == "Unfinished Haul ~9"
    assert "Unfinished" not in client.get("/hauls/").content.decode()
    client.logout()
    page(client, url, status=404)  # the staff view was not cached for readers
    assert not page(client, f"/hauls/{crafted[7].slug}/").xpath("//p[@class='draft-banner']")


def test_a_tag_page_lists_only_that_tags_published_hauls(client, crafted):
    tree = page(client, "/tags/llm/")
    assert [a.text for a in tree.xpath("//li[@class='haul-entry']//h2/a")] == ["ML Arxiv Haul ~7"]
    assert tree.xpath("//head/link[@rel='alternate']/@href") == ["/tags/llm/feed.rss", "/tags/llm/feed.atom"]
    assert tree.xpath("//p[contains(@class, 'feed-links')]/a/@href") == [
        "/tags/llm/feed.rss",
        "/tags/llm/feed.atom",
    ]
    vision = page(client, "/tags/vision/")
    assert [a.text for a in vision.xpath("//li[@class='haul-entry']//h2/a")] == ["Vision & Sound Haul ~8"]
    Tag.objects.create(name="Unused", slug="unused")
    page(client, "/tags/unused/", status=404)
    page(client, "/tags/no-such-tag/", status=404)


def test_the_routes_and_the_shared_paths_agree(crafted):
    haul, tag = crafted[7], Tag.objects.get(slug="llm")
    assert reverse("haul", args=[haul.slug]) == publishing.haul_path(haul)
    assert reverse("haul_tag", args=[tag.slug]) == publishing.tag_path(tag)
    assert reverse("hauls") == publishing.hauls_path()
    assert reverse("hauls_rss") == publishing.hauls_feed_path("rss")
    assert reverse("hauls_atom") == publishing.hauls_feed_path("atom")
    assert reverse("haul_tag_rss", args=[tag.slug]) == publishing.tag_feed_path(tag, "rss")
    assert reverse("haul_tag_atom", args=[tag.slug]) == publishing.tag_feed_path(tag, "atom")


def test_every_real_post_has_a_page_with_all_its_items(client, real_posts):  # noqa: F811
    import_hauls(real_posts)
    listed = page(client, "/hauls/").xpath("//li[@class='haul-entry']//h2/a/@href")
    assert len(listed) == Haul.objects.filter(status=Haul.Status.PUBLISHED).count() == 12
    for haul in Haul.objects.all():
        tree = page(client, publishing.haul_path(haul))
        assert len(tree.xpath("//section[contains(@class, 'haul-item')]")) == haul.items.count(), haul.title
        assert len(tree.xpath("//p[@class='item-paper']/a")) == haul.items.count()
        assert_inert(tree)
