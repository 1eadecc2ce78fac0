"""Importing haul posts into the library, and rendering them back (the round trip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperhaul.errors import RecordError
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul, HaulItem, HaulMention, HaulSection, Tag
from paperhaul.hauls.parse import parse_haul, repair_mojibake
from paperhaul.hauls.render import render
from paperhaul.papers.models import Paper
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library
from tests.hauls.conftest import block, post, without_whitespace_differences

pytestmark = pytest.mark.django_db


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_real_post_imports_and_renders_back_the_same_post(real_posts):
    stats = import_hauls(real_posts)
    # ml-arxiv-16 and the mojibake seed are one post: the second is unchanged.
    assert (stats.added, stats.updated, stats.unchanged) == (12, 0, 1)
    assert stats.items == 219 and stats.papers_added == 219
    assert Haul.objects.count() == 12 and HaulItem.objects.count() == 219
    for path in real_posts:
        original = repair_mojibake(path.read_text(encoding="utf-8")) or path.read_text(encoding="utf-8")
        expected = parse_haul(original, path.name)
        rendered = render(Haul.objects.get(number=expected.number), "md")
        assert parse_haul(rendered, path.name) == expected, path.name
        assert without_whitespace_differences(rendered) == without_whitespace_differences(original), path.name


def test_the_same_posts_again_change_nothing(real_posts):
    import_hauls(real_posts)
    before = list(HaulItem.objects.order_by("pk").values_list("pk", "paper_id", "commentary"))
    stats = import_hauls(real_posts)
    assert (stats.added, stats.updated, stats.unchanged, stats.items, stats.papers_added) == (0, 0, 13, 0, 0)
    assert list(HaulItem.objects.order_by("pk").values_list("pk", "paper_id", "commentary")) == before


def test_items_sit_in_their_section_and_tags_keep_their_order(tmp_path):
    text = post("Intro.\n\n## Papers\n\n" + block("https://arxiv.org/abs/2301.00001", "One") + "\nNice.\n")
    import_hauls([write(tmp_path, "a.md", text)])
    haul = Haul.objects.get(number=7)
    assert haul.status == Haul.Status.PUBLISHED and haul.slug == "ml-arxiv-haul-7"
    assert haul.tag_names() == ["arxiv", "llm"] and Tag.objects.count() == 2
    item = haul.items.get()
    assert item.section.heading == "Papers" and item.commentary == "Nice." and not item.closed
    assert item.paper.key == "arxiv:2301.00001" and item.paper.title == "One"
    assert item.paper.source_records.get().source == "haul"
    assert [s.level for s in haul.sections.all()] == [0, 2]


def test_a_changed_post_updates_its_haul_in_place(tmp_path):
    path = write(
        tmp_path,
        "a.md",
        post("## Papers\n\n" + block("https://arxiv.org/abs/2301.00001", "One") + "\nOld.\n"),
    )
    import_hauls([path])
    haul_pk = Haul.objects.get().pk
    path.write_text(
        post(
            "## Papers\n\n"
            + block("https://arxiv.org/abs/2301.00001", "One")
            + "\nNew words.\n\n<hr/>\n\n"
            + block("https://arxiv.org/abs/2301.00002", "Two")
        ),
        encoding="utf-8",
    )
    stats = import_hauls([path])
    assert (stats.added, stats.updated, stats.items, stats.papers_added) == (0, 1, 2, 1)
    haul = Haul.objects.get()
    assert haul.pk == haul_pk
    assert list(haul.items.values_list("commentary", flat=True)) == ["New words.", ""]
    assert HaulSection.objects.count() == 1 and HaulItem.objects.count() == 2


def test_a_paper_linked_from_two_posts_is_one_paper_covered_twice(tmp_path):
    first = post(block("https://arxiv.org/abs/2301.00001", "One"), title="Haul ~1")
    second = post(block("http://export.arxiv.org/pdf/2301.00001v3.pdf", "One (v3)"), title="Haul ~2")
    stats = import_hauls([write(tmp_path, "1.md", first), write(tmp_path, "2.md", second)])
    assert stats.papers_added == 1 and stats.items == 2
    paper = Paper.objects.get()
    assert paper.haul_items.count() == 2
    assert sorted(paper.haul_items.values_list("haul__number", flat=True)) == [1, 2]
    # Each post keeps the link as it wrote it.
    assert Haul.objects.get(number=2).items.get().url == "http://export.arxiv.org/pdf/2301.00001v3.pdf"


def test_a_paper_already_in_the_library_keeps_its_better_metadata(tmp_path):
    Library().upsert_one(
        PaperRecord(source="arxiv-api", key="arxiv:2301.00001", title="One", abstract="The full abstract.")
    )
    import_hauls(
        [write(tmp_path, "1.md", post(block("https://arxiv.org/abs/2301.00001", "One", "The full…")))]
    )
    paper = Paper.objects.get()
    assert paper.abstract == "The full abstract."
    assert paper.haul_items.count() == 1


def test_a_link_to_a_covered_paper_in_a_later_section_is_a_mention(tmp_path):
    older = post(
        block("https://arxiv.org/abs/2301.00001", "One"), title="Haul ~1", published="2023-01-01T00:00:00Z"
    )
    newer = post(
        "## Chatter about previous papers\n\n- More on One: https://arxiv.org/pdf/2301.00001v2.\n"
        "- And a tweet https://twitter.com/x/status/1\n\n## Papers\n\n"
        + block("https://arxiv.org/abs/2301.00009", "Nine"),
        title="Haul ~2",
        published="2023-02-01T00:00:00Z",
    )
    # Given newest first: posts are stored oldest first, so the mention finds its paper.
    stats = import_hauls([write(tmp_path, "2.md", newer), write(tmp_path, "1.md", older)])
    assert stats.mentions == 1
    mention = HaulMention.objects.get()
    assert mention.paper.key == "arxiv:2301.00001"
    assert (mention.haul.number, mention.section.heading) == (2, "Chatter about previous papers")
    assert mention.url == "https://arxiv.org/pdf/2301.00001v2"


def test_a_malformed_post_stops_the_import_before_anything_is_written(tmp_path):
    good = write(tmp_path, "1.md", post(block("https://arxiv.org/abs/2301.00001", "One"), title="Haul ~1"))
    bad = write(tmp_path, "2.md", post(block("", "Two"), title="Haul ~2"))
    with pytest.raises(RecordError, match=r"/2\.md:9: paper block without a link"):
        import_hauls([good, bad])
    assert not Haul.objects.exists() and not Paper.objects.exists()


def test_hostile_commentary_is_stored_as_written_with_a_warning(tmp_path):
    script = "<script>alert(1)</script>"
    stats = import_hauls(
        [write(tmp_path, "1.md", post(block("https://arxiv.org/abs/2301.00001", "One") + script))]
    )
    assert stats.warnings == [
        f"{tmp_path / '1.md'}:8: commentary holds '<script': kept as written, removed when published"
    ]
    assert HaulItem.objects.get().commentary == script
