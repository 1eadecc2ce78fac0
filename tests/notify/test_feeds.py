"""RSS and Atom feeds of the daily list, trending, categories and searches, read with feedparser."""

from __future__ import annotations

import feedparser
import pytest

from paperhaul.community import reactions
from paperhaul.enrich.assign import assign_topics
from tests.notify.conftest import SITE
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db

FORMATS = ("rss", "atom")


def parse(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return response, feed


def guids(feed) -> list[str]:
    return [entry.id for entry in feed.entries]


@pytest.mark.parametrize("fmt", FORMATS)
def test_daily_list_feed_has_the_days_papers_with_stable_guids(client, papers, fmt):
    response, feed = parse(client, f"/feeds/daily.{fmt}")
    expected_type = "application/rss+xml" if fmt == "rss" else "application/atom+xml"
    assert response["Content-Type"].startswith(expected_type)
    assert feed.version == ("rss20" if fmt == "rss" else "atom10")
    assert feed.feed.title == "paperhaul: the daily list"
    assert feed.feed.link == f"{SITE}/"
    titles = [entry.title for entry in feed.entries]
    assert "Sparse Attention for Long Documents" in titles
    assert "Reward Models Are Not Enough" in titles  # two days ago: the feed keeps a few days
    assert "An Old Paper About Tokenizers" not in titles
    entry = next(e for e in feed.entries if e.title == "Direct Preference Optimization for Diffusion Models")
    assert entry.link == entry.id == f"{SITE}/papers/2401.00001"
    assert entry.author == "Bram Wallace, Meihua Dang"
    assert "We study direct preference optimization" in entry.summary
    assert entry.published_parsed is not None
    assert all(link.href.startswith(SITE) for e in feed.entries for link in e.links)


def test_the_same_paper_has_the_same_guid_in_every_feed_and_format(client, papers):
    reactions.set_upvote(make_user("voter"), papers["arxiv:2401.00002"], True)
    expected = f"{SITE}/papers/2401.00002"
    for path in (
        "/feeds/daily.rss",
        "/feeds/daily.atom",
        "/feeds/trending.rss",
        "/feeds/trending.atom",
        "/feeds/c/cs.CL.rss",
        "/feeds/search.atom?q=sparse+attention",
    ):
        assert expected in guids(parse(client, path)[1]), path


@pytest.mark.parametrize("fmt", FORMATS)
def test_trending_feed_ranks_by_recent_activity(client, papers, fmt):
    reactions.set_upvote(make_user("a"), papers["arxiv:2401.00003"], True)
    reactions.set_upvote(make_user("b"), papers["arxiv:2401.00003"], True)
    reactions.set_upvote(make_user("c"), papers["arxiv:2401.00004"], True)
    _, feed = parse(client, f"/feeds/trending.{fmt}")
    assert [e.title for e in feed.entries] == [
        "Speech Recognition with Tiny Transformers",
        "Reward Models Are Not Enough",
    ]
    assert feed.feed.link == f"{SITE}/trending/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_category_feed_lists_the_categorys_newest_papers(client, papers, fmt):
    _, feed = parse(client, f"/feeds/c/cs.LG.{fmt}")
    assert [e.title for e in feed.entries] == [
        "Direct Preference Optimization for Diffusion Models",
        "Reward Models Are Not Enough",
    ]
    assert feed.feed.title == "paperhaul: cs.LG"
    assert feed.feed.link == f"{SITE}/c/cs.LG/"
    assert client.get(f"/feeds/c/nope.XX.{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_search_feed_runs_the_query_string_of_the_search_page(client, papers, fmt):
    _, feed = parse(client, f"/feeds/search.{fmt}?q=attention&mode=lexical")
    assert feed.feed.link.startswith(f"{SITE}/search/?q=attention")
    _, filtered = parse(client, f"/feeds/search.{fmt}?q=models&category=cs.LG&mode=lexical")
    assert {e.title for e in filtered.entries} == {
        "Direct Preference Optimization for Diffusion Models",
        "Reward Models Are Not Enough",
    }
    _, by_author = parse(client, f'/feeds/search.{fmt}?q=author:"Iz Beltagy"')
    assert [e.title for e in by_author.entries] == ["Sparse Attention for Long Documents"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "the search is empty"),
        ("?q=arxiv:2401.00001", "names one paper"),
        ("?q=x&since=yesterday", "since"),
        ("?q=x&mode=psychic", "unknown search mode"),
    ],
)
def test_a_search_feed_that_cannot_run_is_a_400_with_the_reason(client, papers, query, reason):
    response = client.get(f"/feeds/search.rss{query}")
    assert response.status_code == 400 and reason in response.content.decode()


def test_an_unknown_format_is_not_a_feed(client, papers):
    assert client.get("/feeds/daily.json").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_topic_feed_lists_the_topics_newest_papers(client, papers, fmt):
    assign_topics()  # topics from the papers' arXiv categories: cs.CL is Large Language Models
    _, feed = parse(client, f"/feeds/topic/large-language-models.{fmt}")
    assert feed.feed.title == "paperhaul: Large Language Models"
    assert feed.feed.link == f"{SITE}/topics/large-language-models/"
    titles = [e.title for e in feed.entries]
    assert titles.index("Sparse Attention for Long Documents") < titles.index("An Old Paper About Tokenizers")
    assert "Speech Recognition with Tiny Transformers" not in titles  # eess.AS: audio and speech
    assert f"{SITE}/papers/2401.00002" in guids(feed)
    assert client.get(f"/feeds/topic/no-such-topic.{fmt}").status_code == 404
