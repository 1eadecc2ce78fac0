"""Every reading list announces its feeds (for feed readers) and links them with an e-mail subscription."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import feedparser
import lxml.html
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def page(client, path: str) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


@pytest.mark.parametrize(
    "path, title",
    [
        ("/", "daily list"),
        ("/trending/", "trending papers"),
        ("/c/cs.CV/", "cs.CV"),
        ("/hauls/", "hauls"),
        ("/search/?q=diffusion&category=cs.CV&page=1", None),
    ],
)
def test_a_list_page_offers_its_feeds_and_they_parse(client, papers, path, title):
    tree = page(client, path)
    announced = tree.xpath("//head/link[@rel='alternate']")
    if title:  # feed readers find the page's feeds from its head
        assert {link.get("type") for link in announced} == {"application/rss+xml", "application/atom+xml"}
        assert all(title in link.get("title") for link in announced)
    shown = tree.xpath("//p[contains(@class, 'feed-links')]/a[@type]/@href")
    assert len(shown) == 2
    for href in shown:
        feed = feedparser.parse(client.get(href).content)
        assert not feed.bozo and feed.feed.get("title"), href


def test_a_search_is_followed_with_its_filters_but_not_its_page(client, papers):
    tree = page(client, "/search/?q=diffusion&category=cs.CV&page=1")
    rss = tree.xpath("//p[contains(@class, 'feed-links')]/a[text()='RSS']/@href")[0]
    assert parse_qs(urlsplit(rss).query) == {"q": ["diffusion"], "category": ["cs.CV"]}
    entries = feedparser.parse(client.get(rss).content).entries
    assert [e.title for e in entries] == ["Direct Preference Optimization for Diffusion Models"]
    by_email = tree.xpath("//p[contains(@class, 'feed-links')]/a[text()='by e-mail']/@href")[0]
    form = page(client, by_email)
    assert form.xpath("//input[@name='search']/@value") == ["diffusion"]


def test_a_category_subscription_starts_with_the_category(client, papers):
    by_email = page(client, "/c/cs.CV/").xpath("//a[text()='by e-mail']/@href")[0]
    assert "cs.CV" in page(client, by_email).xpath("//input[@name='categories']/@value")[0]


def test_every_page_links_the_subscription_and_readers_their_recommendations(reader_client, papers):
    anonymous = page(Client(), "/new/")
    assert anonymous.xpath("//footer//a[text()='Subscribe by e-mail']/@href") == ["/subscribe/"]
    assert not anonymous.xpath("//a[text()='For you']")
    assert page(reader_client, "/new/").xpath("//header//a[text()='For you']/@href") == ["/for-you/"]
