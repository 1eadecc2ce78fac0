"""What only PostgreSQL does: pgvector (or the usearch file without it), tsvector columns, folding.

The shared suite already runs on PostgreSQL when DATABASE_URL points to one; these tests look
at the PostgreSQL machinery itself: the pgvector table and its HNSW index, the fallback to the
usearch file, the generated columns, and author names that would break a hand-built tsquery.
"""

from __future__ import annotations

import datetime as dt
import importlib

import numpy as np
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from paperhaul.papers.models import Paper
from paperhaul.papers.signals import papers_bulk_inserted
from paperhaul.papers.upsert import Library
from paperhaul.search import (
    pgvector,
    postgres_bulk,
    postgres_lexical,
    postgres_plan,
    postgres_typeahead,
    rarity,
    store,
    vectors,
)
from paperhaul.search.backend import get_backend
from paperhaul.search.embeddings import get_embedder
from paperhaul.search.indexing import embed_pending
from paperhaul.search.models import Embedding
from paperhaul.search.service import SearchRequest, search
from paperhaul.search.typeahead import suggest
from paperhaul.search.vectors import exact_nearest
from tests.search.conftest import PAPERS, make_record

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (set DATABASE_URL)"),
]


def server_has_pgvector() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")
        return cursor.fetchone()[0] == 1


@pytest.fixture
def with_pgvector() -> None:
    if not server_has_pgvector():
        pytest.skip("this PostgreSQL server has no pgvector (tests.pgserver_run starts one that has)")


@pytest.fixture
def without_pgvector(monkeypatch) -> None:
    """As on a server without the extension: vectors go to the usearch file only."""
    monkeypatch.setitem(pgvector._available, connection.alias, False)


def keys(q: str, mode: str = "lexical") -> list[str]:
    return [hit.key for hit in search(SearchRequest(q=q, mode=mode)).hits]


def copies() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {pgvector.TABLE}")
        return cursor.fetchone()[0]


def test_vectors_are_copied_to_pgvector_and_searched_there(with_pgvector, embedded):
    model = get_embedder().model_id
    assert pgvector.available()
    assert copies() == Embedding.objects.count() == len(PAPERS)
    ids, matrix, _ = store.rows_after(model, 0)
    for row in range(len(ids)):
        exact = exact_nearest(ids, matrix, matrix[row], 5)
        found = get_backend().nearest(model, matrix[row], 5)
        assert [s.id for s in found] == [s.id for s in exact]
        assert np.allclose([s.score for s in found], [s.score for s in exact], atol=1e-5)
    assert keys("openai model that transcribes audio into text", "semantic")[0] == "arxiv:2212.04356"
    assert vectors._indexes == {}  # the usearch file was never opened


def test_the_hnsw_index_exists_and_the_planner_uses_it(with_pgvector, embedded):
    model = get_embedder().model_id
    dimension = get_embedder().dimension
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{pgvector.TABLE}_hnsw_{dimension}"]
        )
        (definition,) = cursor.fetchone()
    assert "USING hnsw" in definition and "vector_cosine_ops" in definition
    query = get_embedder().encode(["diffusion preference optimization"])[0]
    with CaptureQueriesContext(connection) as captured:
        pgvector.nearest(model, query, 5)
    (sql,) = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        # Ten rows are cheaper to sort than to look up; the planner must still be able to use the index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using {pgvector.TABLE}_hnsw_{dimension}" in plan, plan


def test_search_depth_sets_ef_search_and_deep_searches_are_exact(with_pgvector, embedded):
    model = get_embedder().model_id
    query = get_embedder().encode(["image generation"])[0]
    with transaction.atomic():
        assert len(pgvector.nearest(model, query, 300)) == len(PAPERS)
        with connection.cursor() as cursor:
            cursor.execute("SHOW hnsw.ef_search")
            assert cursor.fetchone()[0] == "300"
    # Beyond pgvector's largest ef_search the search scans every vector instead of failing.
    assert len(pgvector.nearest(model, query, pgvector.MAX_EF_SEARCH + 1)) == len(PAPERS)


def test_copies_follow_deletions_and_re_embedding(with_pgvector, embedded):
    Paper.objects.get(key="arxiv:1312.5602").delete()  # Django deletes the Embedding row, the FK the copy
    assert copies() == Embedding.objects.count() == len(PAPERS) - 1
    paper = Paper.objects.get(key="arxiv:2212.04356")
    paper.abstract = "We teach a robot arm to fold laundry."
    paper.save()
    assert embed_pending().embedded == 1
    assert copies() == Embedding.objects.count()
    assert keys("robot folding clothes", "semantic")[0] == "arxiv:2212.04356"
    # A vector of another model is never returned, even though its copy is still there.
    Embedding.objects.filter(paper=paper).update(model="some-older-model")
    assert "arxiv:2212.04356" not in keys("robot folding clothes", "semantic")


def test_without_pgvector_the_usearch_file_serves_and_check_repairs_later(
    with_pgvector, monkeypatch, library
):
    monkeypatch.setitem(pgvector._available, connection.alias, False)
    embed_pending()
    assert keys("openai model that transcribes audio into text", "semantic")[0] == "arxiv:2212.04356"
    assert [model for _, model in vectors._indexes] == [get_embedder().model_id]
    # The server gains pgvector: the copies of the vectors stored meanwhile are missing, then repaired.
    monkeypatch.delitem(pgvector._available, connection.alias)
    backend = get_backend()
    assert backend.check(repair=True) == [f"{len(PAPERS)} stored vectors missing from {pgvector.TABLE}"]
    assert backend.check(repair=False, thorough=True) == []
    assert copies() == len(PAPERS)
    backend.rebuild(get_embedder().model_id)
    assert copies() == len(PAPERS)
    assert keys("openai model that transcribes audio into text", "semantic")[0] == "arxiv:2212.04356"


def test_usearch_file_is_used_when_forced_off(without_pgvector, embedded):
    assert (
        keys("the deepmind one that learned to play video games from pixels", "semantic")[0]
        == "arxiv:1312.5602"
    )
    assert [model for _, model in vectors._indexes] == [get_embedder().model_id]


def test_available_survives_a_rolled_back_creation(with_pgvector, monkeypatch, db):
    """The first use may create the table inside a transaction that is then rolled back."""
    monkeypatch.delitem(pgvector._available, connection.alias, raising=False)
    with transaction.atomic():
        assert pgvector.available()
        transaction.set_rollback(True)
    assert pgvector.available()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [pgvector.TABLE])
        assert cursor.fetchone()[0]


def test_without_the_extension_available_is_false_and_the_transaction_goes_on(db):
    if server_has_pgvector():
        pytest.skip("this server has pgvector (run against one without, e.g. the machine's PostgreSQL)")
    pgvector._available.pop(connection.alias, None)
    assert not pgvector.available()
    assert Paper.objects.count() == 0  # the transaction is still usable


WRITERS = [
    make_record("2402.00001", "Café au lait: a naïve study of crème", "Résumé of the Ångström results.",
                ["Seán O'Brien", "José Pérez-García", 'Dwayne "The Rock" Johnson', "Back\\Slash"],
                ["cs.LG"], dt.date(2024, 2, 1)),
    make_record("2402.00002", "O'Reilly's it's-a-trap networks", "Apostrophes everywhere: don't, won't.",
                ["Zoë Müller", "D'Angelo Smith"], ["cs.LG"], dt.date(2024, 2, 2)),
]  # fmt: skip


@pytest.fixture
def writers(library) -> None:
    Library().upsert(WRITERS)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("author:o'brien", ["arxiv:2402.00001"]),
        ('author:"Seán O\'Brien"', ["arxiv:2402.00001"]),
        ("author:sean", ["arxiv:2402.00001"]),  # accents folded on both sides, as on SQLite
        ("author:pérez", ["arxiv:2402.00001"]),
        ("author:perez-garcia", ["arxiv:2402.00001"]),
        ('author:"the rock"', ["arxiv:2402.00001"]),
        ("author:slash", ["arxiv:2402.00001"]),
        ("author:muller", ["arxiv:2402.00002"]),
        ("author:d'angelo", ["arxiv:2402.00002"]),
        ('author:"O\'Brien José"', ["arxiv:2402.00001"]),  # a phrase across two authors, as on SQLite
        ("naive creme", ["arxiv:2402.00001"]),
        ("angstrom", ["arxiv:2402.00001"]),
        ("o'reilly's", ["arxiv:2402.00002"]),
        ("apostrophes -café", ["arxiv:2402.00002"]),
        ("everywhere -apostrophes", []),
        # Stopwords (here "don") are not indexed on PostgreSQL; what is left, an exclusion, must
        # not match everything else.
        ("don't -café", []),
        ('author:"\'"', []),
        ('author:"o\'\\"brien\'"', ["arxiv:2402.00001"]),  # the phrase ends at the escaped quote
    ],
)
def test_names_with_apostrophes_quotes_and_accents(writers, query, expected):
    assert keys(query) == expected


def test_typeahead_with_apostrophes_and_accents(writers):
    backend = get_backend()
    paper = Paper.objects.get(key="arxiv:2402.00001").pk
    assert backend.author_matches("o'bri", 8) == [paper]
    assert backend.author_matches("jose perez-g", 8) == [paper]
    assert backend.title_word_matches("cafe au l", 8) == [paper]
    assert backend.title_word_matches("crè", 8) == [paper]
    assert "Café au lait: a naïve study of crème" in [s.label for s in suggest("café au")]
    assert {"cafe", "creme"} <= set(backend.vocabulary("c", range(4, 6)))


DESCRIPTION = "that paper where they put DPO on an image diffusion model"


def test_rare_words_weigh_more_than_common_ones(library):
    """ts_rank alone ranks the title with "image", "diffusion" and "model" first; BM25 the rare "DPO"."""
    assert keys(DESCRIPTION)[:2] == ["arxiv:2311.12908", "arxiv:2112.10752"]


def test_large_libraries_estimate_word_rarity_from_statistics(library, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE papers_paper")  # sees this transaction's papers
    monkeypatch.setattr(postgres_plan, "EXACT_IDF_BELOW", 0)
    monkeypatch.setattr(postgres_plan, "_statistics", {})
    assert keys(DESCRIPTION)[:2] == ["arxiv:2311.12908", "arxiv:2112.10752"]
    assert postgres_plan._statistics[connection.alias].shares["diffus"] == pytest.approx(0.2)


def _analysed_papers() -> float:
    """The paper table's size as ANALYZE last counted it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'papers_paper'")
        return cursor.fetchone()[0]


def _analysed_lexemes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[] FROM pg_stats"
            " WHERE tablename = 'papers_paper' AND attname = 'search_vector'"
        )
        row = cursor.fetchone()
    return (row and row[0]) or []


def test_a_large_import_gathers_the_statistics_searches_estimate_from(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    from paperhaul.search import backend

    monkeypatch.setattr(backend, "SETTLE_AFTER", 9)

    def records(first: int, count: int) -> list:
        return [
            make_record(f"2402.{n:05d}", f"Sparse zebrafish {n}", "Abstract.", ["Ada B"], ["cs.LG"], None)
            for n in range(first, first + count)
        ]

    with django_capture_on_commit_callbacks(execute=True):
        Library(batch_size=3).upsert(records(0, 8))
    assert "zebrafish" not in _analysed_lexemes()
    with django_capture_on_commit_callbacks(execute=True):
        Library(batch_size=3).upsert(records(8, 9))
    assert "zebrafish" in _analysed_lexemes()
    assert _analysed_papers() == 17


def test_a_library_grown_past_its_statistics_is_not_taken_for_a_small_one(library, monkeypatch):
    """Counting every word's matches exactly takes seconds in a million papers: a library that
    grew (or was never analysed) since ANALYZE last counted it must still be estimated."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE papers_paper")
    analysed = _analysed_papers()
    Library().upsert(
        make_record(f"2402.{n:05d}", f"Zebrafish {n}", "Abstract.", ["Ada B"], ["q-bio.QM"], None)
        for n in range(9)
    )
    monkeypatch.setattr(postgres_plan, "EXACT_IDF_BELOW", analysed + 5)
    monkeypatch.setattr(postgres_plan, "_statistics", {})
    assert keys(DESCRIPTION)[:2] == ["arxiv:2311.12908", "arxiv:2112.10752"]
    assert connection.alias in postgres_plan._statistics  # estimated, not counted


def _word_indexes() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'papers_paper' AND indexname = ANY(%s)",
            [list(postgres_lexical.INDEXES)],
        )
        return cursor.fetchone()[0]


def _zebrafish(count: int) -> list:
    return [
        make_record(f"2402.{n:05d}", f"Zebrafish number {n}", "Abstract.", ["Ada B"], ["q-bio.QM"], None)
        for n in range(count)
    ]


@pytest.fixture
def indexes_after_each_batch(monkeypatch):
    """How many word indexes each batch of an import left (DEFER_AFTER: 6 papers)."""
    monkeypatch.setattr(postgres_bulk, "DEFER_AFTER", 6)
    seen: list[int] = []

    def watch(sender, *, before: bool, **kwargs) -> None:
        if not before:
            seen.append(_word_indexes())

    papers_bulk_inserted.connect(watch)
    yield seen
    papers_bulk_inserted.disconnect(watch)


def test_a_large_first_import_builds_the_word_indexes_once_at_its_end(db, indexes_after_each_batch):
    Library(batch_size=3).upsert(_zebrafish(12))
    # Batches of 3: the third comes after 6 papers, when the import is the whole library.
    assert indexes_after_each_batch == [3, 3, 0, 0]
    assert _word_indexes() == 3
    assert keys("zebrafish number 11")[0] == "arxiv:2402.00011"
    assert get_backend().check(repair=False, thorough=True) == []


def test_a_failed_large_import_still_builds_the_word_indexes(db, indexes_after_each_batch):
    def fail_in_the_fourth_batch(sender, *, earlier: int, before: bool, **kwargs) -> None:
        if earlier == 9 and not before:
            raise RuntimeError("disk full")

    papers_bulk_inserted.connect(fail_in_the_fourth_batch)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            Library(batch_size=3).upsert(_zebrafish(12))
    finally:
        papers_bulk_inserted.disconnect(fail_in_the_fourth_batch)
    assert indexes_after_each_batch == [3, 3, 0, 0]  # the fourth then rolled back
    assert _word_indexes() == 3
    assert Paper.objects.count() == 9 and keys("zebrafish number 8")[0] == "arxiv:2402.00008"


def test_a_growing_library_is_analysed_during_a_large_import(db, monkeypatch):
    """Without statistics the planner reads the whole table for each batch's title lookups."""
    monkeypatch.setattr(postgres_bulk, "STATISTICS_FROM", 4)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE papers_paper")  # empty
    # Batches of 3: before the third the library holds 6 (more than twice 0), before the
    # fourth 9 (not more than twice 6).
    Library(batch_size=3).upsert(_zebrafish(12))
    assert _analysed_papers() == 6


def test_an_import_smaller_than_the_library_keeps_the_word_indexes(library, indexes_after_each_batch):
    Library(batch_size=3).upsert(_zebrafish(9))
    assert indexes_after_each_batch == [3, 3, 3]


def test_words_find_authors_and_author_constraints_are_exact(library):
    assert keys("wallace") == ["arxiv:2311.12908"]  # stemmed to "wallac" on both sides
    assert keys("ermon diffusion") == ["arxiv:2311.12908"]
    assert keys("author:wallace") == ["arxiv:2311.12908"]
    assert keys("author:wallac") == []  # author constraints compare whole words, unstemmed


def test_the_generated_columns_follow_every_kind_of_update(library):
    paper = Paper.objects.get(key="arxiv:1706.03762")
    paper.title = "Mamba Selective State Spaces"
    paper.save()
    assert keys("mamba") == ["arxiv:1706.03762"] and keys("need") == []
    Paper.objects.filter(pk=paper.pk).update(abstract="Linear-time sequence modelling with selective scans.")
    assert keys("scans") == ["arxiv:1706.03762"] and keys("transduction") == []
    Paper.objects.filter(pk=paper.pk).update(authors=["Albert Gu", "Tri Dao"])
    assert keys("author:dao") == ["arxiv:1706.03762"] and keys("author:vaswani") == []
    assert get_backend().author_matches("tri d", 8) == [paper.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_words::text FROM papers_paper WHERE id = %s", [paper.pk])
        assert (
            cursor.fetchone()[0]
            == "'albert':5B 'dao':8B 'gu':6B 'mamba':1A 'selective':2A 'spaces':4A 'state':3A 'tri':7B"
        )


def test_a_lost_lexical_column_is_found_and_put_back(library):
    backend = get_backend()
    assert backend.check(repair=False, thorough=True) == []
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX search_words_gin")
    assert backend.check(repair=True) == ["papers_paper.search_words_gin is missing"]
    assert backend.check(repair=False) == []
    assert keys("author:vaswani") == ["arxiv:1706.03762"]


def test_newest_matches_come_from_the_index_unless_most_papers_match():
    """The plan: walk the primary key only when matches are so common that testing the newest
    papers one by one finds the cap sooner than the index hands over the newest ids' matches."""
    walk, index = "p.id DESC", "p.id + 0 DESC"
    plan = postgres_plan.newest_matches
    assert plan(100_000, [100, 90_000], False, 1000) == postgres_plan.Plan(index, None)  # a rare word
    assert plan(100_000, [60_000, 50_000], False, 1000).order == walk  # both common
    # Two words together in 1,600 of a million papers: their newest 1,000 spread over all ids.
    assert plan(1_000_000, [40_000, 40_000], False, 1000) == postgres_plan.Plan(index, None)
    # Any of them: 80,000 papers; the index, among the newest 25,000 ids (twice the 1,000 wanted).
    assert plan(1_000_000, [40_000, 40_000], True, 1000) == postgres_plan.Plan(index, 25_000)
    assert plan(1_000_000, [900_000], False, 1000).order == walk  # nearly everywhere
    assert plan(100_000, [0, 5_000], False, 1000) == postgres_plan.Plan(index, None)  # no match
    assert plan(100_000, [], False, 1000) == postgres_plan.Plan(index, None)  # authors only


@pytest.mark.parametrize("margin, windowed, rankings", [(1_000.0, 0, 1), (2.0, 1, 1), (0.1, 1, 2)])
def test_the_newest_matches_among_the_newest_ids_are_the_newest_of_all(
    library, monkeypatch, margin, windowed, rankings
):
    """The window of newest ids changes nothing but the pages read; when it holds fewer matches
    than the cap (here: a tenth of them), they are looked for among all papers."""
    monkeypatch.setattr(rarity, "RANK_CAP", 2)
    monkeypatch.setattr(postgres_plan, "WINDOW_MARGIN", margin)
    monkeypatch.setattr(postgres_plan, "WALK_TEST", 100.0)  # more than half the papers match
    Library().upsert(
        make_record(f"2402.{n:05d}", f"Sparse transformers {n}", "Abstract.", ["Ada B"], ["cs.LG"], None)
        for n in range(12)
    )
    with CaptureQueriesContext(connection) as queries:
        found = keys("sparse transformers")
    assert found == ["arxiv:2402.00011", "arxiv:2402.00010"]
    ranking = [q["sql"] for q in queries.captured_queries if "ts_rank(" in q["sql"]]
    assert len(ranking) == rankings
    assert sum(" AND p.id > " in sql for sql in ranking) == windowed


def test_typeahead_finds_older_papers_beyond_the_newest_through_the_index(library, monkeypatch):
    monkeypatch.setattr(postgres_typeahead, "RECENT_PAPERS", 2)
    Library().upsert(
        make_record(f"2402.{n:05d}", f"Zebrafish number {n}", "Abstract.", ["Ada B"], ["q-bio.QM"], None)
        for n in range(3)
    )
    Library().upsert([make_record("2402.09999", "Unrelated", "Abstract.", ["Ada B"], ["cs.LG"], None)])
    zebrafish = list(
        Paper.objects.filter(title__startswith="Zebrafish").order_by("-pk").values_list("pk", flat=True)
    )
    backend = get_backend()
    # The newest two papers hold one zebrafish paper; the other two are older than them.
    assert backend.title_word_matches("zebraf", 8) == zebrafish
    assert backend.title_word_matches("zebraf", 2) == zebrafish[:2]
    assert backend.title_word_matches("zebrafisj", 8) == []
    assert backend.author_matches("ada", 3) == list(
        Paper.objects.filter(authors__contains=["Ada B"]).order_by("-pk").values_list("pk", flat=True)[:3]
    )


def test_typeahead_looks_through_older_papers_a_window_at_a_time(library, monkeypatch):
    """Windows of 2 and then 4 ids below the newest 2 papers, then the rest: the newest matches
    come first, from whichever windows hold them, and none is found twice or missed."""
    monkeypatch.setattr(postgres_typeahead, "RECENT_PAPERS", 2)
    monkeypatch.setattr(postgres_typeahead, "OLDER_WINDOWS", (2, 4))
    Library().upsert(
        make_record(f"2402.{n:05d}", f"Zebrafish number {n}", "Abstract.", [f"Ada {n}"], ["q-bio.QM"], None)
        for n in range(14)
    )
    zebrafish = list(
        Paper.objects.filter(title__startswith="Zebrafish").order_by("-pk").values_list("pk", flat=True)
    )
    backend = get_backend()
    for limit in (1, 3, 5, 9, 14, 20):
        assert backend.title_word_matches("zebrafish numb", limit) == zebrafish[:limit]
    # A prefix of one letter after whole words: the papers of the whole words, tested for it.
    ones = [pk for pk, n in zip(zebrafish, range(13, -1, -1), strict=True) if str(n).startswith("1")]
    assert backend.title_word_matches("zebrafish number 1", 8) == ones
    assert backend.author_matches("ada 1", 8) == ones
    assert backend.title_word_matches("zebrafish numbers 1", 8) == []


def test_a_library_made_before_the_authors_column_gets_it_from_its_migration(library):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE papers_paper DROP COLUMN search_authors")
    assert get_backend().check(repair=False) == [
        "papers_paper.search_authors is missing",
        "papers_paper.search_authors_gin is missing",
    ]
    migration = importlib.import_module("paperhaul.search.migrations.0004_author_words")
    with connection.schema_editor() as editor:
        migration.install(None, editor)
    assert get_backend().check(repair=False) == []
    assert keys("author:vaswani") == ["arxiv:1706.03762"]
    paper = Paper.objects.get(key="arxiv:1706.03762").pk
    assert get_backend().author_matches("vasw", 8) == [paper]
    # A title word is not an author's name ("Attention Is All You Need").
    assert get_backend().author_matches("attention", 8) == []
