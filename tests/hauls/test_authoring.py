"""Composing a haul with the authoring services: every change keeps a post that reads back as the haul.

Papers new to the library are fetched from a fake arXiv API on 127.0.0.1 (authoring_server.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from paperhaul.errors import InputError, PaperhaulError
from paperhaul.hauls import authoring
from paperhaul.hauls.document import ParsedItem
from paperhaul.hauls.html import article_html
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul, HaulItem, HaulSection
from paperhaul.hauls.parse import parse_haul
from paperhaul.hauls.render import document_of, render
from paperhaul.papers.models import Paper
from tests.hauls.authoring_server import fetched_ids, serve_arxiv

pytestmark = pytest.mark.django_db


@pytest.fixture
def arxiv(settings, httpserver):
    """The arXiv API on the local server, answering at once and without retries."""
    settings.PAPERHAUL_ARXIV_DELAY = 0
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_HTTP_TIMEOUT = 2
    settings.PAPERHAUL_ARXIV_API_URL = serve_arxiv(httpserver)
    return httpserver


def reads_back(haul: Haul) -> None:
    """The haul's Markdown parses back to the haul (item keys aside: the link is kept as written)."""
    parsed = parse_haul(render(haul, "md"), f"haul-{haul.number}.md")
    assert _without_keys(parsed) == _without_keys(document_of(haul))


def _without_keys(doc):
    blocks = tuple(dataclasses.replace(b, key="") if isinstance(b, ParsedItem) else b for b in doc.blocks)
    return dataclasses.replace(doc, blocks=blocks)


def layout(haul: Haul) -> list[tuple[int, str, str]]:
    """(position, kind, heading or title, the item's section) of every block, in order."""
    rows = []
    for block in authoring.blocks(haul):
        if isinstance(block, HaulSection):
            rows.append((block.position, "section", block.heading))
        else:
            rows.append(
                (block.position, "item", f"{block.title} @ {block.section.heading if block.section else '-'}")
            )
    return rows


# ------------------------------------------------------------------------------------ new


def test_a_new_haul_is_a_draft_numbered_after_the_last(db):
    Haul.objects.create(number=41, title="Old", slug="old")
    haul = authoring.new_haul(
        "  ML Arxiv Haul ~42 ", snippet="Papers of the week", tags=["arxiv", "llm", "arxiv"]
    )
    assert (haul.number, haul.title, haul.slug, haul.status) == (
        42,
        "ML Arxiv Haul ~42",
        "ml-arxiv-haul-42",
        "draft",
    )
    assert haul.published_at is None and haul.tag_names() == ["arxiv", "llm"]
    reads_back(haul)
    assert authoring.new_haul("Another", number=7).slug == "another"


@pytest.mark.parametrize(
    "title, options, message",
    [
        ("", {}, "a haul needs a title"),
        ("ML Arxiv Haul ~9", {}, "the title says ~9 but this is haul 1"),
        ("Fine", {"number": 0}, "a haul number is a positive whole number"),
        ("Fine", {"snippet": "two\nlines"}, "the snippet must be one line"),
        ("Fine", {"tags": ["a,b"]}, "a tag cannot hold a comma"),
    ],
)
def test_a_new_haul_refuses_what_the_post_could_not_carry(db, title, options, message):
    with pytest.raises(InputError, match=message):
        authoring.new_haul(title, **options)
    assert not Haul.objects.exists()


def test_a_number_in_use_is_refused(db):
    authoring.new_haul("One", number=3)
    with pytest.raises(InputError, match="haul 3 exists already"):
        authoring.new_haul("Two", number=3)


# ------------------------------------------------------------------------------------ add


def test_adding_a_new_paper_fetches_it_and_fills_the_block(arxiv):
    haul = authoring.new_haul("Week 1")
    added = authoring.add_item(haul, "https://arxiv.org/pdf/2405.00001v1", "Hints, not answers. <b>Good</b>.")
    assert added.fetched and fetched_ids(arxiv) == ["2405.00001"]
    item = added.item
    assert item.paper.key == "arxiv:2405.00001" and item.paper.title.startswith("Pedagogical Alignment")
    assert item.url == "https://arxiv.org/pdf/2405.00001v1"
    assert item.title == "Pedagogical Alignment of Large Language Models"
    assert item.abstract == (
        "Large language models can be taught to give hints instead of answers. We collect a dataset of "
        "tutoring dialogues…"
    )
    assert item.commentary == "Hints, not answers. <b>Good</b>."
    assert added.findings == []
    reads_back(haul)

    # Known now: a second haul adding it under another form does not fetch again.
    other = authoring.new_haul("Week 2")
    again = authoring.add_item(other, "arXiv:2405.00001")
    assert not again.fetched and fetched_ids(arxiv) == ["2405.00001"]
    assert again.item.url == "http://arxiv.org/abs/2405.00001v1"  # the paper's own page, from arXiv


def test_an_abstract_start_is_cut_at_a_word_with_an_ellipsis():
    assert authoring.abstract_start("Short and sweet.") == "Short and sweet."
    assert authoring.abstract_start("one two three four", limit=9) == "one two…"
    assert authoring.abstract_start("one two, three", limit=8) == "one two…"
    assert authoring.abstract_start("abcdefghijkl", limit=5) == "abcde…"
    assert authoring.abstract_start("  We   study\nthings  ") == "We study things"


def test_html_in_a_fetched_title_is_text(arxiv, settings, httpserver):
    httpserver.clear()
    papers = {"2405.00009": ("Tags <b>&</b> Titles", "Less < more.")}
    settings.PAPERHAUL_ARXIV_API_URL = serve_arxiv(httpserver, papers)
    haul = authoring.new_haul("Week 1")
    item = authoring.add_item(haul, "2405.00009").item
    assert (item.title, item.abstract) == ("Tags &lt;b&gt;&amp;&lt;/b&gt; Titles", "Less &lt; more.")
    assert "<b>" not in article_html(document_of(haul))
    reads_back(haul)


@pytest.mark.parametrize(
    "target, message",
    [
        ("just words", "not a usable link"),
        ("nonsense", "not an arXiv id, DOI or URL"),
        ('https://example.org/a"b', "not a usable link"),
        ("title:Paper", "a title is not enough"),
    ],
)
def test_an_unusable_target_adds_nothing(arxiv, target, message):
    haul = authoring.new_haul("Week 1")
    with pytest.raises(PaperhaulError, match=message):
        authoring.add_item(haul, target)
    assert not HaulItem.objects.exists() and not fetched_ids(arxiv)


def test_a_paper_arxiv_does_not_have_adds_nothing(arxiv):
    haul = authoring.new_haul("Week 1")
    with pytest.raises(PaperhaulError, match=r"arXiv has no paper 2405\.09999"):
        authoring.add_item(haul, "arXiv:2405.09999")
    assert not HaulItem.objects.exists() and not Paper.objects.exists()


# ------------------------------------------------------------------------------ sections and order


@pytest.fixture
def composed(arxiv):
    """Intro, ## Comments, ## Papers with two items: blocks 1-5."""
    haul = authoring.new_haul("Week 1")
    authoring.add_section(haul, "", level=0, body="Welcome to the haul.")
    authoring.add_section(haul, "Comments", body="Some *remarks*.")
    papers = authoring.add_section(haul, "Papers")
    authoring.add_item(haul, "2405.00001", "First.", section=papers)
    authoring.add_item(haul, "2405.00002", "Second.")
    return haul


def test_items_go_into_sections_and_positions_stay_dense(composed):
    haul = composed
    assert layout(haul) == [
        (0, "section", ""),
        (1, "section", "Comments"),
        (2, "section", "Papers"),
        (3, "item", "Pedagogical Alignment of Large Language Models @ Papers"),
        (4, "item", "Sparse Attention for Long Documents @ Papers"),
    ]
    comments = authoring.find_section(haul, "comments")
    authoring.add_item(haul, "2405.00003", "Into comments.", section=comments)
    assert [row[2] for row in layout(haul)][2] == (
        "Chain of Thought Prompting Elicits Reasoning in Large Language Models @ Comments"
    )
    reads_back(haul)


def test_moving_blocks_keeps_each_item_in_the_section_above_it(composed):
    haul = composed
    authoring.move_block(haul, 5, to=3)  # the second paper above "## Papers": into Comments
    assert layout(haul)[2] == (2, "item", "Sparse Attention for Long Documents @ Comments")
    authoring.move_block(haul, 4, to=2)  # "## Papers" above Comments, taking nothing with it
    assert layout(haul) == [
        (0, "section", ""),
        (1, "section", "Papers"),
        (2, "section", "Comments"),
        (3, "item", "Sparse Attention for Long Documents @ Comments"),
        (4, "item", "Pedagogical Alignment of Large Language Models @ Comments"),
    ]
    reads_back(haul)
    with pytest.raises(InputError, match="no block 6: places go from 1 to 5"):
        authoring.move_block(haul, 6, to=1)


def test_removing_a_section_gives_its_items_to_the_section_above(composed):
    haul = composed
    removed = authoring.remove_block(haul, 3)
    assert isinstance(removed, HaulSection) and removed.heading == "Papers"
    assert [row[2] for row in layout(haul)] == [
        "",
        "Comments",
        "Pedagogical Alignment of Large Language Models @ Comments",
        "Sparse Attention for Long Documents @ Comments",
    ]
    authoring.remove_block(haul, 3)
    assert [p for p, _, _ in layout(haul)] == [0, 1, 2]
    assert Paper.objects.filter(key="arxiv:2405.00001").exists()  # the library keeps the paper
    reads_back(haul)


def test_edits_change_what_the_post_shows(composed):
    haul = composed
    item = authoring.block_at(haul, 4)
    authoring.edit_item(item, title="Better title", abstract="Shorter…", commentary="Rewritten.\n\n> quote")
    section = authoring.block_at(haul, 2)
    authoring.edit_section(
        section, heading="Comments / Criticism", body="See https://arxiv.org/abs/2405.00002"
    )
    markdown = render(haul, "md")
    assert "<h4>Better title</h4>" in markdown and "## Comments / Criticism" in markdown
    assert "Rewritten.\n\n> quote\n\n<hr/>" in markdown
    # A link in a section to a paper the library holds is a mention, as when importing.
    assert [m.paper.key for m in haul.mentions.all()] == ["arxiv:2405.00002"]
    reads_back(haul)


@pytest.mark.parametrize(
    "change",
    [
        lambda haul: authoring.edit_item(
            authoring.block_at(haul, 4), commentary="Fine.\n\n## Not a heading here"
        ),
        lambda haul: authoring.edit_item(authoring.block_at(haul, 4), commentary="One\n<hr/>\nTwo"),
        lambda haul: authoring.edit_item(authoring.block_at(haul, 4), abstract="cut </blockquote> short"),
        lambda haul: authoring.edit_section(authoring.block_at(haul, 2), body="text\n# Heading"),
        lambda haul: authoring.add_section(haul, "", level=0, body="loose text", place=3),
        lambda haul: authoring.move_block(haul, 1, to=3),
    ],
    ids=[
        "heading-in-commentary",
        "rule-in-commentary",
        "p-in-abstract",
        "heading-in-body",
        "intro-mid",
        "move-intro",
    ],
)
def test_a_change_the_post_could_not_carry_is_refused_and_nothing_changes(composed, change):
    haul = composed
    before = render(haul, "md")
    with pytest.raises(InputError, match="would not read back from the haul's Markdown"):
        change(haul)
    haul.refresh_from_db()
    assert render(haul, "md") == before


def test_bad_sections_are_refused(composed):
    with pytest.raises(InputError, match="level 1 or 2, or no heading with level 0"):
        authoring.add_section(composed, "Heading", level=0)
    with pytest.raises(InputError, match="level is 1"):
        authoring.add_section(composed, "Heading", level=3)
    with pytest.raises(InputError, match="one line"):
        authoring.add_section(composed, "Two\nlines")
    with pytest.raises(InputError, match="has no section 'Nope'"):
        authoring.find_section(composed, "Nope")


# ------------------------------------------------------------------------------ publish


def test_publish_and_unpublish(composed):
    haul = composed
    empty = authoring.new_haul("Empty")
    with pytest.raises(InputError, match=f"haul {empty.number} has no items"):
        authoring.publish(empty)

    at = dt.datetime(2024, 5, 3, 8, 30, 15, 123456, tzinfo=dt.UTC)
    authoring.publish(haul, at)
    haul.refresh_from_db()
    assert haul.status == "published" and haul.published_at == at.replace(microsecond=123000)
    reads_back(haul)
    assert "published_at: 2024-05-03T08:30:15.123Z" in render(haul, "md")

    authoring.publish(haul)  # again: keeps its date
    assert haul.published_at == at.replace(microsecond=123000)
    authoring.publish(haul, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    assert haul.published_at == dt.datetime(2024, 6, 1, tzinfo=dt.UTC)

    authoring.unpublish(haul)
    haul.refresh_from_db()
    assert (haul.status, haul.published_at) == ("draft", None)
    reads_back(haul)
    authoring.publish(haul)
    assert (
        haul.published_at is not None
        and abs(haul.published_at - dt.datetime.now(dt.UTC)).total_seconds() < 60
    )


def test_a_published_haul_keeps_its_address_when_retitled(composed):
    haul = composed
    authoring.edit_haul(haul, title="Week One")
    assert haul.slug == "week-one"
    authoring.publish(haul)
    authoring.edit_haul(haul, title="Week One, Revised", tags=["vision"])
    haul.refresh_from_db()
    assert (haul.title, haul.slug, haul.tag_names()) == ("Week One, Revised", "week-one", ["vision"])


def test_parse_when():
    assert authoring.parse_when("2024-05-01") == dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    assert authoring.parse_when("2024-05-01T10:00:00+02:00").utcoffset() == dt.timedelta(hours=2)
    with pytest.raises(InputError, match="not an ISO 8601"):
        authoring.parse_when("yesterday")


# ------------------------------------------------------------------------------ imported hauls


def test_an_edited_import_is_written_again_by_a_later_import_of_its_file(arxiv, tmp_path: Path):
    from tests.hauls.conftest import block, post

    path = tmp_path / "ml-arxiv-7.md"
    path.write_text(
        post(block("https://arxiv.org/abs/2301.00001", "One") + "\nAs written.\n"), encoding="utf-8"
    )
    import_hauls([path])
    haul = Haul.objects.get(number=7)
    assert haul.source_hash
    authoring.edit_item(authoring.block_at(haul, 1), commentary="Edited in the studio.")
    haul.refresh_from_db()
    assert haul.source_hash == ""

    stats = import_hauls([path])
    assert (stats.updated, stats.unchanged) == (1, 0)
    assert authoring.block_at(haul, 1).commentary == "As written."
    assert import_hauls([path]).unchanged == 1
