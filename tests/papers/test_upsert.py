"""The upsert service: one item per paper, idempotent, version history, edits kept, duplicates reported."""

from __future__ import annotations

import datetime as dt

import pytest

from paperhaul.errors import RecordError
from paperhaul.papers.models import Identifier, Paper, PossibleDuplicate, SourceRecord
from paperhaul.papers.records import PaperRecord, Version
from paperhaul.papers.upsert import Library

pytestmark = pytest.mark.django_db


def arxiv(number: str, title: str, *, version: int = 1, source: str = "arxiv-api", **fields) -> PaperRecord:
    versions = tuple(Version(n, dt.datetime(2023, 11, n, tzinfo=dt.UTC)) for n in range(1, version + 1))
    return PaperRecord(
        source=source,
        key=f"arxiv:{number}",
        title=title,
        versions=versions,
        published=dt.date(2023, 11, 1),
        updated=dt.date(2023, 11, version),
        **fields,
    )


def test_import_twice_adds_then_reports_unchanged():
    records = [
        arxiv("2311.11077", "Adapters", abstract="We introduce Adapters."),
        arxiv("2310.17884", "Secrets"),
    ]
    first = Library().upsert(records)
    second = Library().upsert(records)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 2)
    assert second.summary() == "added 0 / updated 0 / unchanged 2 / failed 0"
    assert Paper.objects.count() == 2
    assert SourceRecord.objects.count() == 2


def test_fields_categories_and_identifiers_are_stored():
    record = arxiv(
        "2311.11077",
        "Adapters:  A Unified Library",
        abstract="We introduce Adapters.",
        authors=("Clifton Poth", "Hannah Sterz"),
        primary_category="cs.CL",
        categories=("cs.CL", "cs.LG"),
        doi="10.18653/v1/2023.emnlp-demo.13",
    )
    Library().upsert([record])
    paper = Paper.objects.get(key="arxiv:2311.11077")
    assert paper.authors == ["Clifton Poth", "Hannah Sterz"]
    assert paper.title_norm == "adapters a unified library"
    assert sorted(paper.categories.values_list("name", flat=True)) == ["cs.CL", "cs.LG"]
    assert set(paper.identifiers.values_list("key", flat=True)) == {
        "arxiv:2311.11077",
        "doi:10.18653/v1/2023.emnlp-demo.13",
    }
    assert paper.versions == [{"version": "v1", "created": "2023-11-01T00:00:00+00:00"}]


def test_newer_version_updates_and_keeps_history():
    Library().upsert([arxiv("2311.11077", "Old title", version=1)])
    stats = Library().upsert([arxiv("2311.11077", "New title", version=3)])
    paper = Paper.objects.get()
    assert stats.updated == 1
    assert paper.title == "New title"
    assert [v["version"] for v in paper.versions] == ["v1", "v2", "v3"]
    assert paper.updated == dt.date(2023, 11, 3)
    assert paper.published == dt.date(2023, 11, 1)


def test_older_version_does_not_overwrite_newer():
    Library().upsert([arxiv("2311.11077", "New title", version=2)])
    Library().upsert([arxiv("2311.11077", "Old title", version=1, source="arxiv-snapshot")])
    assert Paper.objects.get().title == "New title"


def test_person_edits_are_never_overwritten():
    Library().upsert([arxiv("2311.11077", "Typo titel", abstract="Original.")])
    paper = Paper.objects.get()
    paper.title = "Corrected title"
    paper.edited_fields = ["title"]
    paper.note = "read this"
    paper.save()
    Library().upsert([arxiv("2311.11077", "Typo titel v2", version=2, abstract="Revised.")])
    paper.refresh_from_db()
    assert paper.title == "Corrected title"
    assert paper.abstract == "Revised."
    assert paper.note == "read this"


def test_less_trusted_source_only_fills_empty_fields():
    Library().upsert([arxiv("2311.11077", "Adapters: A Unified Library")])
    links = PaperRecord(
        source="links", key="arxiv:2311.11077", title="Adapters", abstract="From a blog.", source_id="b x"
    )
    stats = Library().upsert([links])
    paper = Paper.objects.get()
    assert paper.title == "Adapters: A Unified Library"
    assert paper.abstract == "From a blog."
    assert stats.updated == 1


def test_title_only_item_becomes_the_real_paper_when_it_arrives():
    Library().upsert([PaperRecord(source="jsonl", key="title:adapters", title="Adapters!", abstract="A.")])
    paper_id = Paper.objects.get().pk
    stats = Library().upsert([arxiv("2311.11077", "Adapters")])
    paper = Paper.objects.get()
    assert stats.updated == 1 and stats.added == 0
    assert paper.pk == paper_id
    assert paper.key == "arxiv:2311.11077"
    assert set(paper.identifiers.values_list("key", flat=True)) == {"title:adapters", "arxiv:2311.11077"}
    assert set(paper.source_records.values_list("source", flat=True)) == {"jsonl", "arxiv-api"}


def test_title_only_record_attaches_to_the_known_paper():
    Library().upsert([arxiv("2311.11077", "Adapters")])
    stats = Library().upsert([PaperRecord(source="jsonl", key="title:adapters", title="ADAPTERS")])
    assert Paper.objects.count() == 1
    assert stats.added == 0


def test_same_title_different_keys_reported_never_merged():
    Library().upsert([arxiv("2305.18290", "Direct Preference Optimization")])
    acl = PaperRecord(source="web", key="doi:10.1/acl.1", title="Direct preference optimization.")
    stats = Library().upsert([acl])
    assert Paper.objects.count() == 2
    assert stats.possible_duplicates == 1
    report = PossibleDuplicate.objects.get()
    assert {report.paper.key, report.other.key} == {"arxiv:2305.18290", "doi:10.1/acl.1"}


def test_same_title_in_one_batch_is_reported_too():
    stats = Library().upsert([arxiv("2305.18290", "Same Title"), arxiv("2305.18291", "Same title")])
    assert (stats.added, stats.possible_duplicates) == (2, 1)


def test_alias_resolves_to_the_same_paper():
    Library().upsert([arxiv("2311.11077", "Adapters", doi="10.18653/v1/x")])
    web = PaperRecord(source="web", key="doi:10.18653/v1/x", title="Adapters (EMNLP)", abstract="A.")
    stats = Library().upsert([web])
    assert Paper.objects.count() == 1
    assert stats.updated == 1


def test_one_key_twice_in_a_batch_is_one_paper():
    stats = Library().upsert(
        [
            arxiv("2311.11077", "Adapters"),
            PaperRecord(source="daily-papers", key="arxiv:2311.11077", title="Adapters"),
        ]
    )
    assert Paper.objects.count() == 1
    assert stats.added == 1 and stats.processed == 2
    assert SourceRecord.objects.count() == 2


def test_bad_record_stops_unless_skipped():
    bad = RecordError("no title", line=2, path="x.jsonl")
    with pytest.raises(RecordError, match=r"x\.jsonl:2: no title"):
        Library(batch_size=10).upsert([arxiv("2311.00001", "A"), bad, arxiv("2311.00002", "B")])
    assert Paper.objects.count() == 0
    stats = Library(batch_size=10).upsert(
        [arxiv("2311.00001", "A"), bad, arxiv("2311.00002", "B")], skip_bad=True
    )
    assert (stats.added, stats.failed) == (2, 1)
    assert stats.errors == ["x.jsonl:2: no title"]


def test_interrupted_import_keeps_whole_batches_and_carries_on():
    records = [arxiv(f"2311.{n:05d}", f"Paper {n}") for n in range(1, 8)]

    def interrupted():
        yield from records[:5]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Library(batch_size=2).upsert(interrupted())
    assert Paper.objects.count() == 4
    stats = Library(batch_size=2).upsert(records)
    assert (stats.added, stats.unchanged) == (3, 4)
    assert Identifier.objects.count() == 7


def test_the_last_progress_report_comes_when_every_record_is_written_before_the_indexes_settle():
    """The import's bar says "finishing" while the indexes are built or merged (minutes after a
    large import on PostgreSQL): the report that says so comes before import_finished's receivers."""
    from paperhaul.papers.signals import import_finished

    events: list[tuple[int, bool] | str] = []

    def finished(sender, **kwargs) -> None:
        events.append("import_finished")

    import_finished.connect(finished)
    try:
        records = [arxiv(f"2311.{n:05d}", f"Paper {n}") for n in range(1, 6)]
        Library(batch_size=2).upsert(records, on_batch=lambda s: events.append((s.processed, s.finishing)))
    finally:
        import_finished.disconnect(finished)
    assert events == [(2, False), (4, False), (5, True), "import_finished"]


def test_an_interrupted_import_still_says_finishing_before_the_indexes_settle():
    """Ctrl-C during a large import: the indexes are still built or merged before the command
    exits, and the bar says so rather than looking stuck on the import."""
    from paperhaul.papers.signals import import_finished

    events: list[tuple[int, bool] | str] = []

    def finished(sender, **kwargs) -> None:
        events.append("import_finished")

    def records():
        yield from (arxiv(f"2311.{n:05d}", f"Paper {n}") for n in range(1, 4))
        raise KeyboardInterrupt

    import_finished.connect(finished)
    try:
        with pytest.raises(KeyboardInterrupt):
            Library(batch_size=2).upsert(
                records(), on_batch=lambda s: events.append((s.processed, s.finishing))
            )
    finally:
        import_finished.disconnect(finished)
    assert events == [(2, False), (2, True), "import_finished"]
    assert Paper.objects.count() == 2, "the batch written stays; the one being gathered was not written"


def test_scan_reports_near_identical_titles_only():
    from paperhaul.papers.duplicates import scan_near_titles

    Library().upsert(
        [
            arxiv("2305.00001", "Scaling laws for neural language models"),
            PaperRecord(source="web", key="doi:10.1/x", title="Scaling law for neural language models"),
            arxiv("2305.00002", "Scaling laws for reward model overoptimization"),
            arxiv("2305.00003", "Attention is all you need"),
        ]
    )
    assert scan_near_titles() == 1
    report = PossibleDuplicate.objects.get()
    assert {report.paper.key, report.other.key} == {"arxiv:2305.00001", "doi:10.1/x"}
    assert report.reason.startswith("near-identical titles")
    assert scan_near_titles() == 0, "a second scan reports nothing new"


def test_alias_held_by_another_paper_is_reported_not_moved():
    Library().upsert(
        [arxiv("2311.11077", "Adapters"), PaperRecord(source="web", key="doi:10.1234/b", title="B")]
    )
    stats = Library().upsert([arxiv("2311.11077", "Adapters", version=2, doi="10.1234/b")])
    assert stats.possible_duplicates == 1
    assert Identifier.objects.get(key="doi:10.1234/b").paper.key == "doi:10.1234/b"
    assert PossibleDuplicate.objects.get().reason == "both resolve doi:10.1234/b"
