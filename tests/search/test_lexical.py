"""Lexical search: ranking, the query language, filters, and the index following the library."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from paperhaul.errors import InputError
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from paperhaul.search import rarity
from paperhaul.search.filters import Filters
from paperhaul.search.service import SearchRequest, search
from tests.search.conftest import PAPERS, make_record

pytestmark = pytest.mark.django_db


def keys(q: str, **kwargs) -> list[str]:
    return [hit.key for hit in search(SearchRequest(q=q, mode="lexical", **kwargs)).hits]


def test_title_words_rank_above_abstract_words(library):
    # "diffusion" is in two titles and no abstract of another paper.
    assert set(keys("diffusion")) == {"arxiv:2311.12908", "arxiv:2112.10752"}
    assert keys("transformer")[0] == "arxiv:2010.11929"  # in the title there, only in abstracts elsewhere


def test_papers_with_every_word_come_before_those_with_some(library):
    ranked = keys("stable diffusion preferences")
    assert ranked[0] == "arxiv:2311.12908"  # every word (stemmed: "preference" in the title)
    assert set(ranked[1:]) == {"arxiv:2112.10752"}  # "diffusion" only
    assert keys("kangaroo") == []
    # With two words, a paper with one of them is not an answer.
    assert keys("diffusion kangaroo") == []


def test_stemming_applies(library):
    assert keys("preferences") == keys("preference") == ["arxiv:2311.12908"]
    assert set(keys("language models")[:3]) == {"arxiv:2005.14165", "arxiv:2106.09685", "arxiv:2203.02155"}


def test_phrases_and_exclusions(library):
    assert keys('"human feedback"') == ["arxiv:2203.02155"]
    assert "arxiv:2203.02155" not in keys("language models -instructions")
    without = keys('language -"human feedback" -lora')
    assert without[0] == "arxiv:2005.14165"
    assert not {"arxiv:2203.02155", "arxiv:2106.09685"} & set(without)


def test_author_category_and_date_operators(library):
    assert keys("author:vaswani") == ["arxiv:1706.03762"]
    assert keys('author:"Stefano Ermon" diffusion') == ["arxiv:2311.12908"]
    assert keys("author:diffusion") == []  # a title word is not an author
    assert set(keys("cat:cs.CV")) == {"arxiv:2311.12908", "arxiv:2010.11929", "arxiv:2112.10752"}
    assert keys("image cat:cs.cv year:2021") == ["arxiv:2112.10752"]
    assert set(keys("language before:2021")) == {"arxiv:2005.14165"}
    assert set(keys("models after:2022-06 -speech")) == {"arxiv:2311.12908"}


def test_filters_from_the_request(library):
    assert keys("language", filters=Filters(has_code=True)) == ["arxiv:2106.09685"]
    assert set(keys("", filters=Filters(categories=("hep-th",)))) == {"arxiv:hep-th/9901001"}
    assert keys("image", filters=Filters(after=dt.date(2021, 1, 1), before=dt.date(2022, 1, 1))) == [
        "arxiv:2112.10752"
    ]
    assert keys("image cat:cs.CL", filters=Filters(categories=("cs.CV",))) == []
    assert keys("language", filters=Filters(source="nowhere")) == []


@pytest.mark.parametrize(
    "query",
    [
        "arXiv:1706.03762v5",
        "1706.03762",
        "https://arxiv.org/pdf/1706.03762v2.pdf",
        "huggingface.co/papers/1706.03762",
    ],
)
def test_an_id_or_url_jumps_to_the_paper(library, query):
    results = search(SearchRequest(q=query))
    assert [h.key for h in results.hits] == ["arxiv:1706.03762"]
    assert "jumped" in results.notice


def test_old_style_ids_jump_and_unknown_ids_say_so(library):
    assert [h.key for h in search(SearchRequest(q="hep-th/9901001")).hits] == ["arxiv:hep-th/9901001"]
    results = search(SearchRequest(q="2401.00001"))
    assert results.hits == [] and "not in the library" in results.notice


def test_newest_sort_and_pagination(library):
    newest = keys("language", sort="newest")
    papers = dict(Paper.objects.values_list("key", "published"))
    assert newest == sorted(newest, key=lambda k: papers[k], reverse=True)
    first = search(SearchRequest(q="model", mode="lexical", limit=2))
    second = search(SearchRequest(q="model", mode="lexical", limit=2, offset=2))
    assert first.has_more and len(first.hits) == 2
    assert not {h.key for h in first.hits} & {h.key for h in second.hits}
    everything = keys("model", limit=50)
    assert [h.key for h in first.hits + second.hits] == everything[:4]


HOSTILE = [
    '"unbalanced quote',
    "NEAR(a b) OR * AND ^title:x {title}: NOT",
    "'; DROP TABLE papers_paper; --",
    "\x00\x01 zero bytes",
    "🦜🔥 language 🤖",
    "author: cat: year: before: after:",
    "-",
    '""',
    "a" * 999,
    "((((((",
    "title:attention",
    "%_\\ like wildcards",
]


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("mode", ["lexical", "hybrid"])
def test_anything_a_user_types_gives_results_or_a_clear_message(library, query, mode):
    results = search(SearchRequest(q=query, mode=mode))
    assert isinstance(results.hits, list)
    assert Paper.objects.count() == len(PAPERS)


def test_too_long_queries_and_bad_parameters_are_clear_errors(library):
    with pytest.raises(InputError, match="1000"):
        search(SearchRequest(q="x" * 10_000))
    with pytest.raises(InputError, match="mode"):
        search(SearchRequest(q="x", mode="magic"))
    with pytest.raises(InputError, match="limit"):
        search(SearchRequest(q="x", limit=0))
    with pytest.raises(InputError, match="before:yesterday"):
        search(SearchRequest(q="before:yesterday"))


def test_the_index_follows_adds_updates_merges_and_deletes(library):
    Library().upsert(
        [
            make_record(
                "2401.00002",
                "Mamba Selective State Spaces",
                "Linear-time sequence models.",
                ["Albert Gu"],
                ["cs.LG"],
                dt.date(2024, 1, 2),
            )
        ]
    )
    assert keys("mamba") == ["arxiv:2401.00002"]
    paper = Paper.objects.get(key="arxiv:2401.00002")
    paper.title = "Selective State Space Models"
    paper.save()
    assert keys("mamba") == [] and keys("selective") == ["arxiv:2401.00002"]
    paper.delete()
    assert keys("selective") == []
    # A paper known only by its title merges into its arXiv record: one hit, under the real key.
    Library().upsert([make_record(*PAPERS[0])])
    title_only = make_record(*PAPERS[5])
    Library().upsert([title_only])
    assert keys("atari") == ["arxiv:1312.5602"]


def test_the_lexical_index_is_checked_and_repaired(library):
    from paperhaul.search.backend import get_backend

    backend = get_backend()
    assert backend.check(repair=False, thorough=True) == []
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:  # what a crash between two writes could leave behind
        cursor.execute("DELETE FROM search_fts_docsize WHERE id = (SELECT min(id) FROM search_fts_docsize)")
    assert backend.check(repair=True)
    assert backend.check(repair=False, thorough=True) == []
    assert set(keys("cat:cs.CV image")) == {"arxiv:2010.11929", "arxiv:2112.10752", "arxiv:2311.12908"}


def test_a_whole_title_finds_its_paper_first(library):
    Library().upsert(
        [
            make_record(
                f"2402.{n:05d}",
                f"Attention is all you need for task {n}",
                "Attention.",
                ["X"],
                ["cs.LG"],
                dt.date(2024, 2, 1),
            )
            for n in range(12)
        ]
    )
    assert keys("attention is all you need")[0] == "arxiv:1706.03762"
    assert keys("Attention Is All You Need!")[0] == "arxiv:1706.03762"


def _bulk_marker_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_bulk_insert")
        return cursor.fetchone()[0]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_bulk_import_is_indexed_set_wise_and_single_writes_still_by_trigger(library):
    from paperhaul.search.backend import get_backend

    # The library fixture came in through the bulk path: indexed whole, the marker cleared.
    assert _bulk_marker_rows() == 0
    assert get_backend().check(repair=False, thorough=True) == []
    assert keys("atari") == ["arxiv:1312.5602"]
    # A paper written outside the bulk path is indexed by the triggers.
    Paper.objects.create(key="arxiv:2401.00009", title="Kolmogorov Arnold Networks", authors=["Ziming Liu"])
    assert keys("kolmogorov") == ["arxiv:2401.00009"]
    assert get_backend().check(repair=False, thorough=True) == []


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_bulk_batch_that_fails_leaves_neither_papers_nor_index_rows(library):
    from paperhaul.papers.signals import papers_bulk_inserted
    from paperhaul.search.backend import get_backend

    def fail_after_insert(sender, *, before, **kwargs):
        if not before:
            raise RuntimeError("disk full")

    record = make_record(
        "2401.00003", "Hyena Hierarchy", "Long convolutions.", ["Michael Poli"], ["cs.LG"], None
    )
    papers_bulk_inserted.connect(fail_after_insert)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            Library().upsert([record])
    finally:
        papers_bulk_inserted.disconnect(fail_after_insert)
    assert not Paper.objects.filter(key="arxiv:2401.00003").exists()
    assert keys("hyena") == [] and _bulk_marker_rows() == 0
    assert get_backend().check(repair=False, thorough=True) == []
    Library().upsert([record])
    assert keys("hyena") == ["arxiv:2401.00003"]


def _segments(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(DISTINCT segid) FROM {table}_idx")
        return cursor.fetchone()[0]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_a_large_import_leaves_the_index_merged(db, monkeypatch, django_capture_on_commit_callbacks):
    from paperhaul.search import backend
    from paperhaul.search.backend import get_backend

    monkeypatch.setattr(backend, "SETTLE_AFTER", 9)

    def records(first: int, count: int) -> list:
        return [
            make_record(
                f"2402.{n:05d}", f"Sparse transformers number {n}", "Abstract.", ["Ada B"], ["cs.LG"], None
            )
            for n in range(first, first + count)
        ]

    # Below the threshold the batches stay in segments of their own (three batches of three)...
    with django_capture_on_commit_callbacks(execute=True):
        Library(batch_size=3).upsert(records(0, 8))
    assert _segments("search_fts") > 1 and _segments("search_titles") > 1
    # ... and an import that adds at least SETTLE_AFTER papers merges each index into one.
    with django_capture_on_commit_callbacks(execute=True):
        Library(batch_size=3).upsert(records(8, 9))
    assert _segments("search_fts") == 1 and _segments("search_titles") == 1
    assert len(keys("sparse transformers", limit=50)) == 17
    assert get_backend().check(repair=False, thorough=True) == []


def test_a_description_finds_an_older_paper_among_many_newer_ones_with_its_common_words(library):
    # More newer papers with the description's common words than the any-word pass could score.
    Library().upsert(
        make_record(
            f"2403.{n:05d}",
            f"Efficient language model number {n}",
            "A long context language model with sparse attention and convolution.",
            ["Ada B"],
            ["cs.CL"],
            None,
        )
        for n in range(1_200)
    )
    # Whisper has the rare words and none of the common ones; no paper has every word.
    assert keys("whisper speech transcripts language model sparse attention")[0] == "arxiv:2212.04356"


def test_a_query_of_common_words_ranks_its_newest_matches_only(library, monkeypatch):
    """Both backends score at most RANK_CAP matches, the newest (a common word's matches in a
    large library would take seconds to score), and agree on which."""
    monkeypatch.setattr(rarity, "RANK_CAP", 4)
    Library().upsert(
        make_record(f"2402.{n:05d}", f"Sparse transformers {n}", "Abstract.", ["Ada B"], ["cs.LG"], None)
        for n in range(7)
    )
    newest = Paper.objects.filter(title__startswith="Sparse").order_by("-pk").values_list("key", flat=True)
    # The library's own papers have neither word.
    assert sorted(keys("sparse transformers", limit=10)) == sorted(newest[:4])
