"""The topic filter: in every search mode, on SQLite and PostgreSQL (DATABASE_URL), from the query
string of the page, the API and the feeds, with a clear error for a topic the taxonomy lacks."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.http import QueryDict

from paperhaul.enrich.assign import assign_topics, choose_topics
from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.papers.models import Paper
from paperhaul.search.filters import Filters
from paperhaul.search.params import search_request
from paperhaul.search.service import SearchRequest, search

pytestmark = pytest.mark.django_db

VISION = {"arxiv:2311.12908", "arxiv:2010.11929", "arxiv:2112.10752"}  # cs.CV papers
SPEECH = "arxiv:2212.04356"  # eess.AS, and cs.CL: audio first, language models second


@pytest.fixture
def filed(library):
    """The search library with topics decided from the papers' arXiv categories."""
    assign_topics()


def keys(q: str, *topics: str, mode: str = "lexical", **kwargs) -> list[str]:
    filters = Filters(topics=topics, **kwargs)
    return [hit.key for hit in search(SearchRequest(q=q, mode=mode, filters=filters)).hits]


def test_a_topic_keeps_only_its_papers(filed):
    assert "arxiv:1706.03762" in keys("transformer")
    assert keys("transformer", "computer-vision") == ["arxiv:2010.11929"]
    assert set(keys("", "computer-vision")) == VISION  # no words: every paper of the topic
    assert keys("diffusion", "audio-and-speech") == []


def test_several_topics_match_any_of_them_and_a_papers_every_topic_counts(filed):
    assert set(keys("", "computer-vision", "audio-and-speech")) == VISION | {SPEECH}
    assert SPEECH in keys("", "large-language-models")  # its second topic
    assert SPEECH in keys("", "audio-and-speech")


def test_topics_combine_with_the_other_filters_and_operators(filed):
    assert keys("", "large-language-models", has_code=True) == ["arxiv:2106.09685"]
    assert keys("cat:cs.CV", "large-language-models") == []
    assert keys("year:2021", "computer-vision") == ["arxiv:2112.10752"]
    newest = [
        hit.key
        for hit in search(
            SearchRequest(q="", sort="newest", filters=Filters(topics=("computer-vision",)))
        ).hits
    ]
    assert newest == ["arxiv:2311.12908", "arxiv:2112.10752", "arxiv:2010.11929"]


def test_a_persons_choice_is_what_the_filter_follows(filed):
    atari = Paper.objects.get(key="arxiv:1312.5602")
    choose_topics(atari, [Topic.objects.get(slug="reinforcement-learning")])
    assert keys("", "reinforcement-learning") == ["arxiv:1312.5602"]
    choose_topics(Paper.objects.get(key="arxiv:2010.11929"), [Topic.objects.get(slug="general-methods")])
    assert set(keys("", "computer-vision")) == VISION - {"arxiv:2010.11929"}


def test_the_filter_applies_to_vector_search_too(filed, embedded):
    for mode in ("semantic", "hybrid"):
        found = keys("image generation", "computer-vision", mode=mode)
        assert found and set(found) <= VISION, mode
        assert keys("openai model that transcribes audio", "computer-vision", mode=mode) != [SPEECH]


def test_the_topic_parameter_is_repeatable_splits_and_rejects_unknown_topics(filed):
    def request(query: str):
        return search_request(QueryDict(query), limit=10, offset=0)

    assert request("topic=computer-vision&topic=biology").filters.topics == ("computer-vision", "biology")
    assert request("topic=computer-vision,biology+computer-vision").filters.topics == (
        "computer-vision",
        "biology",
    )
    assert request("q=x").filters.topics == ()
    assert request("topic=computer-vision").filters.active
    with pytest.raises(
        InputError, match=r"unknown topic 'vision': use one of large-language-models, computer-vision"
    ):
        request("topic=vision")


def test_the_command_filters_by_topic_and_explains_a_bad_one(filed):
    out = io.StringIO()
    call_command("search", "", "--topic", "computer-vision", "--mode", "lexical", "--json", stdout=out)
    assert {hit["key"] for hit in json.loads(out.getvalue())["hits"]} == VISION
    with pytest.raises(CommandError, match="unknown topic 'astrology'"):
        call_command("search", "attention", "--topic", "astrology")


def test_the_api_filters_by_topic_and_explains_a_bad_one(client, filed):
    response = client.get("/api/search", {"q": "transformer", "topic": "computer-vision", "mode": "lexical"})
    assert response.status_code == 200
    assert [hit["key"] for hit in response.json()["hits"]] == ["arxiv:2010.11929"]
    both = client.get("/api/search?topic=computer-vision&topic=audio-and-speech&mode=lexical")
    assert {hit["key"] for hit in both.json()["hits"]} == VISION | {SPEECH}
    bad = client.get("/api/search", {"q": "x", "topic": "nope"})
    assert bad.status_code == 400 and "unknown topic 'nope'" in bad.content.decode()
    schema = client.get("/api/openapi.json").json()
    names = [p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]]
    assert "topic" in names


def test_the_search_page_offers_the_topics_and_keeps_the_choice(client, filed):
    response = client.get("/search/", {"q": "transformer", "topic": "computer-vision", "mode": "lexical"})
    html = response.content.decode()
    assert [result.paper.key for result in response.context["page"].items] == ["arxiv:2010.11929"]
    assert 'name="topic" value="computer-vision" checked' in html
    assert 'name="topic" value="biology">' in html
    assert '<details class="filters-box" open>' in html
    bad = client.get("/search/", {"q": "transformer", "topic": "nope"})
    assert bad.status_code == 400 and "unknown topic" in bad.content.decode()


def test_a_search_feed_keeps_the_topic(client, filed):
    response = client.get(
        "/feeds/search.rss", {"q": "transformer", "topic": "computer-vision", "mode": "lexical"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "An Image is Worth 16x16 Words" in body and "Attention Is All You Need" not in body
