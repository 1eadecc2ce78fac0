"""Topics and takeaways on the site: the paper page, every list, topic pages, the daily list's topic
filter and the sitemap; lists read enrichment for a whole page in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from paperhaul.community import reactions
from paperhaul.community.models import Submission
from paperhaul.enrich.assign import assign_topics, choose_topics
from paperhaul.enrich.display import for_papers
from paperhaul.enrich.models import Takeaway, Topic
from paperhaul.enrich.takeaways import shown, write_by_person, write_takeaways
from paperhaul.papers.upsert import Library
from tests.web.conftest import make_user, record

pytestmark = pytest.mark.django_db

DPO, SPARSE, SPEECH = "arxiv:2401.00001", "arxiv:2401.00002", "arxiv:2401.00003"


@pytest.fixture
def enriched(papers):
    """The web fixtures' papers with their topics (from their arXiv categories) and takeaways."""
    assign_topics()
    write_takeaways()
    return papers


def page(client, path: str, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def takeaway_of(paper) -> str:
    return shown([paper.pk])[paper.pk].text


def escaped(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def test_the_paper_page_shows_the_takeaway_its_closer_look_how_it_was_made_and_topics(client, enriched):
    dpo = enriched[DPO]
    takeaway = shown([dpo.pk])[dpo.pk]
    assert takeaway.method == Takeaway.Method.EXTRACTIVE
    html = page(client, "/papers/2401.00001")
    assert f'<p class="takeaway">{escaped(takeaway.text)}</p>' in html
    for sentence in takeaway.closer_look:
        assert escaped(sentence) in html
    assert "Extracted from the abstract." in html
    assert re.search(r'<a class="tag topic" href="/topics/computer-vision/"[^>]*>Computer Vision</a>', html)
    assert 'title="from arXiv categories, confidence 0.80"' in html


def test_a_persons_takeaway_and_topics_win_on_the_page_and_say_so(client, enriched):
    dpo = enriched[DPO]
    write_by_person(dpo, "Preference tuning works for images too.", ["Pairs of images.", "Human votes."])
    choose_topics(dpo, [Topic.objects.get(slug="general-methods")])
    html = page(client, "/papers/2401.00001")
    assert '<p class="takeaway">Preference tuning works for images too.</p>' in html
    assert "<li>Pairs of images.</li><li>Human votes.</li>" in html
    assert "Edited by a person." in html
    assert 'href="/topics/general-methods/" title="chosen by a person">General Methods</a>' in html
    assert "/topics/computer-vision/" not in html


def test_a_language_models_takeaway_names_the_model_and_lists_its_bullets(client, enriched):
    sparse = enriched[SPARSE]
    Takeaway.objects.create(
        paper=sparse,
        method=Takeaway.Method.LLM,
        model="qwen2.5-7b-instruct",
        text="Sparse attention reads long documents cheaply.",
        closer_look=["Local windows.", "Global tokens.", "Beats dense attention on 3 tasks."],
    )
    html = page(client, "/papers/2401.00002")
    assert "Sparse attention reads long documents cheaply." in html
    assert "<li>Beats dense attention on 3 tasks.</li>" in html
    assert "Summarised by qwen2.5-7b-instruct." in html


def test_a_paper_without_abstract_or_topics_has_no_takeaway_section(client, db):
    Library().upsert([record("arxiv:2402.00001", "A Title Only", abstract=" ", categories=("hep-th",))])
    html = page(client, "/papers/2402.00001")
    assert "takeaway" not in html.split("<main")[1] and "Topics</dt>" not in html


@pytest.mark.parametrize(
    "path",
    ["/", "/new/", "/c/cs.CL/", "/trending/", "/authors/Iz%20Beltagy", "/search/?q=sparse+attention"],
)
def test_every_list_shows_takeaways_and_topic_chips(client, enriched, path):
    reactions.set_upvote(make_user("voter"), enriched[SPARSE], True)  # on trending
    html = page(client, path)
    unmarked = html.replace("<mark>", "").replace("</mark>", "")  # search marks the query's words
    assert escaped(takeaway_of(enriched[SPARSE])) in unmarked
    assert '<a class="tag topic" href="/topics/large-language-models/">Large Language Models</a>' in html


def test_list_pages_read_enrichment_in_the_same_number_of_queries_however_many_papers(client, db):
    def queries_of(path: str) -> int:
        cache.clear()  # signed-out readers get cached pages
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    def add(start: int, count: int) -> None:
        Library().upsert(
            [record(f"arxiv:2403.{n:05d}", f"Language model number {n}") for n in range(start, start + count)]
        )
        assign_topics()
        write_takeaways()

    add(1, 2)
    few = {path: queries_of(path) for path in ("/", "/new/", "/topics/large-language-models/")}
    add(3, 28)
    many = {path: queries_of(path) for path in few}
    assert many == few
    html = page(client, "/new/")
    assert html.count('<p class="takeaway">') == 30 and html.count("/topics/large-language-models/") >= 30


def test_for_papers_costs_three_queries_whatever_the_number(enriched):
    ids = [p.pk for p in enriched.values()]
    with CaptureQueriesContext(connection) as captured:
        found = for_papers(ids)
    assert len(captured) == 3  # takeaways, topics, citation counts
    assert [row.topic.slug for row in found[enriched[SPEECH].pk].topics] == ["audio-and-speech"]
    assert found[enriched[SPEECH].pk].made_how == "extracted from the abstract"
    with CaptureQueriesContext(connection) as captured:
        assert for_papers([]) == {}
    assert len(captured) == 0


def test_the_topics_page_lists_the_taxonomy_with_counts(client, enriched):
    html = page(client, "/topics/")
    names = re.findall(r'<h2><a href="/topics/([a-z-]+)/">', html)
    assert names == list(Topic.objects.values_list("slug", flat=True))  # the taxonomy's order
    llm = re.search(
        r'href="/topics/large-language-models/">Large Language Models</a> <span class="hint">(\d+)', html
    )
    assert llm and int(llm.group(1)) == Topic.objects.get(slug="large-language-models").paper_topics.count()
    assert 'href="/topics/"' in page(client, "/")  # in the footer of every page


def test_a_topic_page_lists_its_newest_papers_with_feeds_and_pages(client, db):
    Library().upsert(
        [
            record(f"arxiv:2404.{n:05d}", f"Vision paper {n}", days_ago=n, categories=("cs.CV",))
            for n in range(35)
        ]
        + [record("arxiv:2404.99999", "A language paper", categories=("cs.CL",))]
    )
    assign_topics()
    first = client.get("/topics/computer-vision/")
    assert first.status_code == 200
    assert [p.title for p in first.context["page"].items][:3] == [
        "Vision paper 0",
        "Vision paper 1",
        "Vision paper 2",
    ]
    assert first.context["page"].has_next
    second = client.get("/topics/computer-vision/", {"page": "2"})
    assert [p.title for p in second.context["page"].items] == [f"Vision paper {n}" for n in range(30, 35)]
    html = first.content.decode()
    assert "A language paper" not in html
    assert (
        '<link rel="alternate" type="application/rss+xml"' in html
        and 'href="/feeds/topic/computer-vision.rss"' in html
    )
    assert 'href="/feeds/topic/computer-vision.atom"' in html
    assert client.get("/topics/no-such-topic/").status_code == 404
    assert "No papers in this topic yet." in page(client, "/topics/biology/")


def test_the_daily_list_keeps_one_topic_and_its_chips_count_the_days_papers(client, enriched):
    html = page(client, "/")
    chips = dict(re.findall(r'href="\?topic=([a-z-]+)"[^>]*>[^<]+<span class="count">(\d+)</span>', html))
    assert chips == {"large-language-models": "1", "computer-vision": "1", "audio-and-speech": "1"}
    assert 'href="?" aria-current="true">All topics</a>' in html
    narrowed = client.get("/", {"topic": "audio-and-speech"})
    assert [p.title for p in narrowed.context["page"].items] == ["Speech Recognition with Tiny Transformers"]
    assert 'href="?topic=audio-and-speech" aria-current="true"' in narrowed.content.decode()
    assert client.get("/", {"topic": "nonsense"}).status_code == 404


def test_the_topic_filter_follows_the_reader_across_days(client, enriched):
    today = timezone.localdate()
    two_days_ago = today - dt.timedelta(days=2)
    html = page(client, "/", topic="computer-vision")
    assert f'href="/day/{two_days_ago}/?topic=computer-vision"' in html
    assert '<input type="hidden" name="topic" value="computer-vision">' in html
    picked = client.get("/", {"date": str(two_days_ago), "topic": "computer-vision"})
    assert picked.status_code == 302 and picked["Location"] == f"/day/{two_days_ago}/?topic=computer-vision"
    earlier = client.get(picked["Location"])
    assert earlier.context["page"].items == []  # that day's paper is not about vision
    assert "No papers of this topic on this day." in earlier.content.decode()
    assert (
        'href="?topic=computer-vision" aria-current="true">Computer Vision <span class="count">0</span>'
        in (earlier.content.decode())
    )


def test_a_submitted_paper_counts_on_the_day_it_was_submitted_to(client, enriched, reader):
    Submission.objects.create(
        day=timezone.localdate(), paper=enriched["arxiv:2312.00005"], submitted_by=reader
    )
    response = client.get("/", {"topic": "large-language-models"})
    assert {p.title for p in response.context["page"].items} == {
        "Sparse Attention for Long Documents",
        "An Old Paper About Tokenizers",
    }


def test_the_sitemap_lists_the_topics_that_have_papers(client, enriched, monkeypatch):
    monkeypatch.setenv("PAPERHAUL_SITE_URL", "https://papers.example.org")
    index = page(client, "/sitemap.xml")
    assert "https://papers.example.org/sitemap-topics-1.xml" in index
    topics = page(client, "/sitemap-topics-1.xml")
    listed = re.findall(r"<loc>https://papers.example.org/topics/([a-z-]+)/</loc>", topics)
    assert {"audio-and-speech", "computer-vision", "large-language-models"} <= set(listed)
    assert "biology" not in listed and "society-and-policy" not in listed  # no papers: nothing to index
