"""The search page: results with marked words, filters, sorting, pages, empty states, errors and
hostile queries; and where the header's typeahead takes a reader."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache

from paperhaul.community import reactions
from paperhaul.enrich.takeaways import write_by_person
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from paperhaul.search.backend import get_backend
from tests.web.conftest import record

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    return [result.paper.key for result in response.context["page"].items]


def lexical(client, q: str = "", **params):
    return client.get("/search/", {"q": q, "mode": "lexical", **params})


def test_an_empty_query_shows_the_form_and_how_to_search(client, papers):
    response = client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="search-q"' in html and "How to search" in html
    assert "Results" not in html
    for name in ("q", "mode", "since", "until", "category", "source", "has_code"):
        field = re.search(
            rf'<input[^>]* id="(search-[^"]+)"[^>]*name="{name}"|<select id="(search-[^"]+)" name="{name}"',
            html,
        )
        assert field, name
        assert f'<label for="{field.group(1) or field.group(2)}"' in html  # every field has a label


def test_a_takeaway_that_says_the_whole_abstract_is_not_repeated_as_the_snippet(client, papers):
    paper = papers["arxiv:2401.00001"]
    write_by_person(paper, f"{paper.abstract.rstrip('.')}.")
    html = lexical(client, "diffusion preferences").content.decode()
    assert html.count("We study direct") == 1 and '<p class="snippet">' not in html
    write_by_person(paper, "Preference optimization works for diffusion models too.")
    cache.clear()  # the page a signed-out reader saw is kept for a minute
    html = lexical(client, "diffusion preferences").content.decode()
    assert '<p class="snippet">We study direct <mark>preference</mark>' in html


def test_a_takeaway_made_of_the_abstracts_sentences_is_marked_and_not_repeated_in_the_snippet(client, papers):
    paper = papers["arxiv:2401.00001"]
    write_by_person(paper, "We study direct preference optimization for diffusion models.")
    html = lexical(client, "diffusion preferences").content.decode()
    assert html.count("We study direct") == 1
    assert (
        '<span class="visually-hidden">Takeaway: </span>We study direct <mark>preference</mark>'
        " optimization for <mark>diffusion</mark> models.</p>" in html
    )
    assert '<p class="snippet">Our method improves results on three benchmarks.</p>' in html


def test_a_query_without_searchable_words_shows_the_tips(client, papers):
    response = lexical(client, "* - !!")
    assert response.status_code == 200
    assert "How to search" in response.content.decode() and keys(response) == []


def test_results_have_the_query_words_marked(client, papers):
    response = lexical(client, "diffusion preferences")
    assert response.status_code == 200
    assert keys(response) == ["arxiv:2401.00001"]
    html = response.content.decode()
    assert (
        '<p class="snippet">We study direct <mark>preference</mark> optimization for '
        "<mark>diffusion</mark> models." in html
    )
    result = response.context["page"].items[0]
    assert result.title == "Direct <mark>Preference</mark> Optimization for <mark>Diffusion</mark> Models"
    assert 'href="/papers/2401.00001"' in html
    assert 'value="diffusion preferences"' in html  # the query stays in the boxes


def test_results_show_votes_and_the_readers_own_upvote(reader_client, reader, papers):
    reactions.set_upvote(reader, papers["arxiv:2401.00002"], True)
    html = lexical(reader_client, "sparse attention").content.decode()
    assert 'aria-pressed="true"' in html and '<span class="count">1</span>' in html


def test_hybrid_without_vectors_answers_lexically_and_says_so(client, papers):
    response = client.get("/search/", {"q": "sparse attention"})
    assert keys(response) == ["arxiv:2401.00002"]
    assert "showing lexical results" in response.content.decode()


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"category": "cs.CV"}, {"arxiv:2401.00001"}),
        ({"category": ["eess.AS", "cs.CV"]}, {"arxiv:2401.00001", "arxiv:2401.00003"}),
        ({"category": "eess.AS, cs.CV"}, {"arxiv:2401.00001", "arxiv:2401.00003"}),
        ({"has_code": "1"}, {"arxiv:2401.00001"}),
        (
            {"source": "test"},
            {
                "arxiv:2401.00001",
                "arxiv:2401.00002",
                "arxiv:2401.00003",
                "arxiv:2401.00004",
                "arxiv:2312.00005",
            },
        ),
        ({"source": "daily"}, set()),
    ],
)
def test_filters(client, papers, params, expected):
    response = lexical(client, "benchmarks", **params)
    assert response.status_code == 200
    assert set(keys(response)) == expected


def test_date_filters_are_inclusive(client, papers):
    day = papers["arxiv:2401.00004"].published.isoformat()
    assert keys(lexical(client, "benchmarks", since=day, until=day)) == ["arxiv:2401.00004"]
    older = keys(lexical(client, "benchmarks", until=day))
    assert set(older) == {"arxiv:2401.00004", "arxiv:2312.00005"}


def test_filters_alone_search_without_words(client, papers):
    response = client.get("/search/", {"category": "eess.AS"})
    assert keys(response) == ["arxiv:2401.00003"]
    assert "How to search" not in response.content.decode()


def test_the_filter_form_keeps_what_was_chosen(client, papers):
    html = lexical(
        client, "benchmarks", category=["cs.CV", "cs.LG"], has_code="1", sort="newest"
    ).content.decode()
    assert 'name="category" value="cs.CV cs.LG"' in html
    assert re.search(r'name="has_code" value="1"\s+checked', html)
    assert '<option value="lexical" selected>' in html
    assert '<input type="hidden" name="sort" value="newest">' in html


def test_sort_newest(client, papers):
    ranked = keys(lexical(client, "benchmarks", sort="newest"))
    dates = [papers[key].published for key in ranked]
    assert len(ranked) == 5 and dates == sorted(dates, reverse=True)


def test_sort_most_upvoted(client, papers, reader, other_reader):
    reactions.set_upvote(reader, papers["arxiv:2312.00005"], True)
    reactions.set_upvote(other_reader, papers["arxiv:2312.00005"], True)
    reactions.set_upvote(reader, papers["arxiv:2401.00004"], True)
    response = lexical(client, "benchmarks", sort="upvoted")
    assert keys(response)[:2] == ["arxiv:2312.00005", "arxiv:2401.00004"]
    assert len(keys(response)) == 5
    links = response.context["sorts"]
    assert [link["current"] for link in links] == [False, False, True, False]
    assert "sort=newest" in links[1]["url"] and "page=" not in links[1]["url"]


def test_sort_links_start_from_the_first_page(client, papers):
    links = lexical(client, "benchmarks", page="1").context["sorts"]
    assert all("page" not in link["url"] for link in links)


def test_pages(client, papers):
    Library().upsert(
        [record(f"arxiv:2402.{n:05d}", f"Benchmark study number {n}", days_ago=n % 20) for n in range(40)]
    )
    first = lexical(client, "benchmark")
    assert len(keys(first)) == 30
    assert 'rel="next"' in first.content.decode()
    second = lexical(client, "benchmark", page="2")
    assert second.status_code == 200
    html = second.content.decode()
    assert len(keys(second)) == 45 - 30 and 'start="31"' in html
    assert 'rel="prev"' in html and 'rel="next"' not in html
    assert not set(keys(first)) & set(keys(second))
    assert "q=benchmark" in re.search(r'rel="prev" href="([^"]+)"', html).group(1)
    assert "No more results" in lexical(client, "benchmark", page="3").content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "501", "400"])
def test_pages_out_of_range_are_not_found(client, papers, page):
    assert lexical(client, "benchmark", page=page).status_code == 404


def test_no_results_is_a_friendly_empty_state(client, papers):
    response = lexical(client, "kangaroo")
    assert response.status_code == 200
    assert "No papers match “kangaroo”" in response.content.decode()
    filtered = lexical(client, "sparse", category="hep-th").content.decode()
    assert "with these filters" in filtered


@pytest.mark.parametrize(
    "params, message",
    [
        ({"since": "2024-13-45"}, "since: &#x27;2024-13-45&#x27; is not a date (YYYY-MM-DD)"),
        ({"until": "yesterday"}, "is not a date"),
        ({"q": "before:someday"}, "invalid date"),
        ({"mode": "magic"}, "unknown search mode"),
        ({"sort": "random"}, "unknown sort"),
        ({"has_code": "maybe"}, "is not yes or no"),
        ({"category": " ".join(f"cs.X{n}" for n in range(30))}, "too many categories"),
    ],
)
def test_bad_input_is_a_400_with_the_reason(client, papers, params, message):
    response = client.get("/search/", {"q": "benchmarks", **params})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html and 'aria-invalid="true"' in html


def test_a_very_long_query_is_refused_clearly(client, papers):
    response = client.get("/search/", {"q": "attention " * 500})
    assert response.status_code == 400
    assert "the query is too long: 4999 characters, the limit is 1000" in response.content.decode()


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE search_fts; --",
        "title:(",
        '"unbalanced',
        "NEAR(a b)",
        "*",
        "<script>alert(1)</script>",
        "attention OR 1=1",
        '"',
        "-",
        "author:",
        "cat:",
        "^sparse",
        "sparse*",
        "{title}: sparse",
    ],
)
def test_hostile_queries_are_harmless(client, papers, q):
    assert_harmless(client, "/search/?" + urlencode({"q": q}))


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE", "%E2%80%8B%C2%AD"])
def test_undecodable_bytes_are_harmless(client, papers, raw):
    assert_harmless(client, f"/search/?q={raw}&category={raw}&source={raw}")


def assert_harmless(client, address: str) -> None:
    count = Paper.objects.count()
    response = client.get(address)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    if response.status_code == 400:
        assert 'role="alert"' in html
    assert Paper.objects.count() == count
    assert get_backend().check(repair=False, thorough=True) == []
    assert keys(lexical(client, "sparse attention")) == ["arxiv:2401.00002"]


def test_hostile_titles_and_abstracts_render_inert(client, db):
    Library().upsert(
        [
            record(
                "arxiv:2403.00001",
                '<img src=x onerror="alert(1)"> Script kiddies',
                abstract="We show that <script>alert('script')</script> script tags stay text.",
            )
        ]
    )
    html = lexical(client, "script").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;<mark>script</mark>&gt;alert(&#x27;<mark>script</mark>&#x27;)" in html


@pytest.mark.parametrize(
    "q, path",
    [
        ("2401.00001", "/papers/2401.00001"),
        ("arXiv:2401.00002v3", "/papers/2401.00002"),
        ("https://arxiv.org/abs/2401.00003v1", "/papers/2401.00003"),
    ],
)
def test_an_id_or_link_opens_the_paper(client, papers, q, path):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 302
    assert response["Location"] == path


def test_an_unknown_id_says_so(client, papers):
    response = client.get("/search/", {"q": "2401.99999"})
    assert response.status_code == 200
    assert "arxiv:2401.99999 is not in the library" in response.content.decode()


def test_search_by_meaning(client, papers):
    from paperhaul.search.indexing import embed_pending

    embed_pending()
    response = client.get("/search/", {"q": "turning spoken audio into text", "mode": "semantic"})
    assert response.status_code == 200
    assert keys(response)[0] == "arxiv:2401.00003"
    assert response.context["found"].mode == "semantic"
    assert "showing lexical results" not in response.content.decode()


def test_search_never_changes_anything(client, papers):
    assert client.post("/search/", {"q": "sparse"}).status_code == 405


def test_typeahead_suggestions_lead_to_this_sites_pages(client, papers):
    suggestions = client.get("/api/typeahead", {"q": "sparse"}).json()["suggestions"]
    assert suggestions[0]["page"] == "/papers/2401.00002"
    assert suggestions[0]["url"].startswith("https://arxiv.org/")
    authors = [
        s
        for s in client.get("/api/typeahead", {"q": "Beltagy"}).json()["suggestions"]
        if s["kind"] == "author"
    ]
    assert authors[0]["page"] == "/authors/Iz%20Beltagy"


def test_the_page_offers_every_mode_and_sort_of_the_service(client, papers):
    from paperhaul.search import service

    response = lexical(client, "benchmarks")
    assert [link["value"] for link in response.context["sorts"]] == list(service.SORTS)
    assert [value for value, _ in response.context["form"]["modes"]] == list(service.MODES)


def test_the_filters_stay_folded_until_one_is_used(client, papers):
    plain = client.get("/search/", {"q": "attention"}).content.decode()
    assert '<details class="filters-box">' in plain
    filtered = client.get("/search/", {"q": "attention", "category": "cs.CL"}).content.decode()
    assert '<details class="filters-box" open>' in filtered
