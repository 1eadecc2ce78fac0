"""RSS 2.0 and Atom feeds of hauls: every published haul with its full text, stable GUIDs and
addresses from PAPERHAUL_SITE_URL, per tag too, and nothing of a post that can run."""

from __future__ import annotations

import datetime as dt

import feedparser
import lxml.html
import pytest
from django.core.cache import cache
from django.http import Http404

from paperhaul.hauls.feeds import HaulsAtomFeed, HaulsFeed, TagAtomFeed, TagFeed, feed_document
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul
from paperhaul.web.links import paper_path
from tests.hauls.crafted import import_crafted

pytestmark = pytest.mark.django_db

SITE = "https://hauls.example.org/radar"
FEEDS = {"rss": "/hauls/feed.rss", "atom": "/hauls/feed.atom"}


@pytest.fixture(autouse=True)
def site_url(monkeypatch):
    """Feeds of this site's address, and none kept from another test (readers get cached feeds)."""
    monkeypatch.setenv("PAPERHAUL_SITE_URL", SITE + "/")  # the trailing slash is dropped
    cache.clear()


def read(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def content_of(entry) -> lxml.html.HtmlElement:
    (content,) = entry.content
    assert content.type == "text/html"
    return lxml.html.fragment_fromstring(content.value, create_parent="div")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_every_real_haul_is_in_the_feed_with_its_full_text(client, real_posts, kind):
    import_hauls(real_posts)
    feed = read(client, FEEDS[kind])
    assert feed.version == {"rss": "rss20", "atom": "atom10"}[kind]
    published = list(Haul.objects.filter(status=Haul.Status.PUBLISHED).order_by("-published_at"))
    assert len(feed.entries) == len(published) == 12
    assert feed.feed.link == SITE + "/hauls/"
    for entry, haul in zip(feed.entries, published, strict=True):
        url = f"{SITE}/hauls/{haul.slug}/"
        assert entry.title == haul.title
        assert entry.link == url and entry.id == url
        assert entry.published_parsed[:6] == haul.published_at.astimezone(dt.UTC).timetuple()[:6]
        assert [t.term for t in entry.tags] == haul.tag_names()
        assert entry.summary == haul.snippet
        body = content_of(entry)
        items = list(haul.items.order_by("position").select_related("paper"))
        assert body.xpath("//p[@class='item-paper']/a/@href") == [SITE + paper_path(i.paper) for i in items]
        assert len(body.xpath("//section[contains(@class, 'haul-item')]/blockquote/a")) == len(items)
        assert not body.xpath("//script | //*[@onerror] | //*[@onclick]")


def test_feeds_do_not_depend_on_the_host_asked_and_render_without_a_request(client, real_posts):
    import_hauls(real_posts[:3])
    for feed, url in [(HaulsFeed(), FEEDS["rss"]), (HaulsAtomFeed(), FEEDS["atom"])]:
        served = client.get(url, HTTP_HOST="127.0.0.1").content
        assert b"127.0.0.1" not in served and b"testserver" not in served
        assert feed_document(feed) == served  # what the static site writes is what is served
    atom = read(client, FEEDS["atom"])
    assert [link.href for link in atom.feed.links if link.rel == "self"] == [SITE + "/hauls/feed.atom"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_hostile_html_never_reaches_a_feed_and_drafts_stay_out(client, tmp_path, kind):
    crafted = import_crafted(tmp_path)
    feed = read(client, FEEDS[kind])
    assert [e.title for e in feed.entries] == ["Vision & Sound Haul ~8", "ML Arxiv Haul ~7"]
    body = content_of(feed.entries[1])
    assert not body.xpath("//script | //iframe | //*[@onerror]")
    assert not [h for h in body.xpath("//@href | //@src") if h.lower().startswith("javascript")]
    assert "https://example.org/figure.png" in body.xpath("//img/@src")
    raw = client.get(FEEDS[kind]).content.decode()
    assert "alert(" not in raw and "<script" not in raw and "&lt;script" not in raw  # nor escaped
    assert crafted[9].title not in raw


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_tag_feed_carries_only_that_tag(client, tmp_path, kind):
    import_crafted(tmp_path)
    llm = read(client, f"/tags/llm/feed.{kind}")
    assert [e.title for e in llm.entries] == ["ML Arxiv Haul ~7"]  # ~9 has the tag but is a draft
    assert llm.feed.link == SITE + "/tags/llm/"
    vision = read(client, f"/tags/vision/feed.{kind}")
    assert [e.title for e in vision.entries] == ["Vision & Sound Haul ~8"]
    assert [t.term for t in vision.entries[0].tags] == ["vision"]
    assert client.get(f"/tags/no-such-tag/feed.{kind}").status_code == 404


def test_tag_feeds_render_without_a_request(client, tmp_path):
    import_crafted(tmp_path)
    assert feed_document(TagFeed(), "llm") == client.get("/tags/llm/feed.rss").content
    assert feed_document(TagAtomFeed(), "vision") == client.get("/tags/vision/feed.atom").content
    with pytest.raises(Http404):
        feed_document(TagFeed(), "no-such-tag")
