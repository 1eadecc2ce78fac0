"""Parsing haul posts: the real ones, their irregularities, and malformed input."""

from __future__ import annotations

import datetime as dt

import pytest

from paperhaul.errors import RecordError
from paperhaul.hauls.document import ParsedItem, ParsedSection
from paperhaul.hauls.markdown import to_markdown
from paperhaul.hauls.parse import parse_haul
from tests.hauls.conftest import block, post, without_whitespace_differences


def parse_file(path):
    return parse_haul(path.read_text(encoding="utf-8"), path.name)


def test_every_real_post_parses_with_its_number_sections_and_items(real_posts):
    counts = {}
    for path in real_posts:
        haul = parse_file(path)
        counts[path.name] = (haul.number, len(haul.sections), len(haul.items))
        assert haul.front.title.startswith("ML Arxiv Haul ~")
        assert haul.front.tags == ("arxiv",)
        assert haul.front.published_at.tzinfo is not None
        assert all(item.title and item.key for item in haul.items)
        # Every item but the last is closed by <hr/>; the last runs to the end of the post.
        assert [item.closed for item in haul.items] == [True] * (len(haul.items) - 1) + [False]
    assert counts["ml-arxiv-14.md"] == (14, 1, 17)  # an intro without a heading
    assert counts["ml-arxiv-21.md"] == (21, 0, 13)  # no sections at all
    assert counts["ml-arxiv-22.md"] == (22, 3, 22)
    assert counts["000_7a0cdb1f7f7e9f58.txt"] == (27, 3, 22)
    assert counts["001_0362dc3a057e3df5.txt"] == (16, 2, 19)
    assert sum(items for _, _, items in counts.values()) == 238


def test_seed_post_details_survive(real_posts):
    seed = parse_file(real_posts[-2])
    assert [s.heading for s in seed.sections] == ["Comments / Criticism", "Chat-O.M.G.", "Papers"]
    assert seed.front.published_at == dt.datetime(2023, 12, 1, 3, 51, tzinfo=dt.UTC)
    cset = next(i for i in seed.items if "cset.georgetown.edu" in i.url)
    assert cset.abstract == ""  # a block without <p>
    assert cset.key == "url:https://cset.georgetown.edu/publication/decoding-intentions"
    assert "> [on safety / policy]" in cset.commentary
    last = seed.items[-1]
    assert '<img src="/blog-images/arxiv-27-1.png"/>' in last.commentary
    assert last.commentary.endswith("<br/>\n<br/>\n<br/>")


def test_sub_headings_stay_inside_their_section(real_posts):
    haul = parse_file(next(p for p in real_posts if p.name == "ml-arxiv-16.md"))
    chatter, papers = haul.sections
    assert chatter.heading == "New feature: Chatter about previous\N{NO-BREAK SPACE}papers"
    assert "### Meta" in chatter.body and "[a JSON dataset of 314 links](/arxiv.ts)" in chatter.body
    assert papers.heading == "New Paper Content"


def test_the_mojibake_seed_is_repaired_into_the_post_it_was_scraped_from(real_posts):
    seed = parse_file(real_posts[-1])
    original = parse_file(next(p for p in real_posts if p.name == "ml-arxiv-16.md"))
    assert seed == original
    assert any("mojibake" in warning for warning in seed.warnings)
    assert original.warnings == ()


def test_writing_a_parsed_post_gives_the_same_post_back(real_posts):
    for path in real_posts:
        haul = parse_file(path)
        text = to_markdown(haul)
        assert parse_haul(text, path.name) == haul, path.name


def test_a_real_post_written_back_differs_only_in_whitespace(real_posts):
    for path in real_posts[:-1]:  # the last is the mojibake seed, compared after import
        written = to_markdown(parse_file(path))
        original = path.read_text(encoding="utf-8")
        assert without_whitespace_differences(written) == without_whitespace_differences(original), path.name


def test_sections_between_items_and_text_after_a_rule():
    text = post(
        "Intro text.\n\n## Papers\n\n"
        + block("https://arxiv.org/abs/2301.00001", "One")
        + "\nFirst comment.\n\n<hr/>\n\nLoose text between items.\n\n"
        + block("https://arxiv.org/pdf/2301.00002v2.pdf", "Two")
        + "\n<hr/>\n\n## Later section\n\nMore.\n\n"
        + block("https://github.com/org/Repo", "Three")
        + "\n```\n## not a heading inside a fence\n```\n"
    )
    haul = parse_haul(text, "post.md")
    kinds = [(type(b).__name__, getattr(b, "heading", getattr(b, "title", ""))) for b in haul.blocks]
    assert kinds == [
        ("ParsedSection", ""),
        ("ParsedSection", "Papers"),
        ("ParsedItem", "One"),
        ("ParsedSection", ""),
        ("ParsedItem", "Two"),
        ("ParsedSection", "Later section"),
        ("ParsedItem", "Three"),
    ]
    assert haul.items[1].key == "arxiv:2301.00002"
    assert haul.items[1].commentary == "" and haul.items[1].closed
    assert "## not a heading" in haul.items[2].commentary
    assert haul.front.tags == ("arxiv", "llm")
    assert parse_haul(to_markdown(haul), "post.md") == haul


def test_line_numbers_and_number_fallback():
    text = post("## Papers\n\n" + block("https://arxiv.org/abs/2301.00001", "One"), title="A haul")
    haul = parse_haul(text, "ml-arxiv-31.md")
    assert haul.number == 31
    assert isinstance(haul.blocks[0], ParsedSection) and haul.blocks[0].line == 8
    assert isinstance(haul.blocks[1], ParsedItem) and haul.blocks[1].line == 10


def error_of(text: str, name: str = "bad.md") -> str:
    with pytest.raises(RecordError) as caught:
        parse_haul(text, name)
    return str(caught.value)


def test_no_front_matter_is_an_error_on_line_1():
    assert (
        error_of("## Papers\n\ntext\n") == "bad.md:1: no front matter: a haul post starts with a '---' line"
    )


def test_front_matter_errors_name_their_line():
    assert error_of("---\ntitle: x ~1\n") == "bad.md:1: front matter is not closed: no second '---' line"
    assert error_of("---\nsnippet: s\n---\n") == "bad.md:1: front matter has no title"
    assert error_of("---\ntitle: x ~1\nno colon here\n---\n").startswith(
        "bad.md:3: front matter line is not 'key: value'"
    )
    assert error_of("---\ntitle: x ~1\npublished_at: last tuesday\n---\n") == (
        "bad.md:3: published_at is not an ISO 8601 date-time: 'last tuesday'"
    )
    assert error_of("---\ntitle: x ~1\ntitle: y\n---\n") == "bad.md:3: front matter key 'title' given twice"
    assert error_of("---\ntitle: no number\n---\n", "post.md").startswith("post.md:2: no haul number")


def test_a_paper_block_without_a_link_names_the_line_of_its_anchor():
    text = post(
        "## Papers\n\n"
        + block("https://arxiv.org/abs/2301.00001", "One").replace(
            ' href="https://arxiv.org/abs/2301.00001"', ""
        )
    )
    assert error_of(text, "ml-arxiv-20.md") == (
        'ml-arxiv-20.md:11: paper block without a link: <a href="URL"> is missing'
    )
    empty = post(block("", "One"))
    assert error_of(empty).startswith("bad.md:9: paper block without a link")


def test_a_broken_blockquote_is_an_error_naming_its_line():
    unclosed = post(
        block("https://arxiv.org/abs/2301.00001", "One").replace("</blockquote>", "") + "\n<hr/>\n"
    )
    assert error_of(unclosed) == "bad.md:8: paper block is not closed: no </blockquote> before the next block"
    at_the_end = post('<blockquote>\n<a href="https://arxiv.org/abs/2301.00001">\n<h4>One</h4>\n')
    assert error_of(at_the_end).startswith("bad.md:8: paper block is not closed")
    garbled = post(
        '<blockquote>\n<a href="https://arxiv.org/abs/2301.00001">\n<h4>One</h4>\n<p>x\n</blockquote>\n'
    )
    assert error_of(garbled).startswith("bad.md:8: malformed paper block")


def test_unusable_links_are_errors():
    assert error_of(post(block("javascript:alert(1)", "One"))) == (
        "bad.md:9: paper link is not an http(s) URL: 'javascript:alert(1)'"
    )
    assert error_of(post(block("https://arxiv.org/abs/2301.00001", ""))) == (
        "bad.md:8: paper block has an empty title (<h4></h4>)"
    )


def test_hostile_html_is_kept_as_text_with_a_warning():
    script = '<script>alert("x")</script>\n<img src=x onerror="alert(1)">'
    haul = parse_haul(post(block("https://arxiv.org/abs/2301.00001", "One") + "\n" + script + "\n"), "p.md")
    assert haul.items[0].commentary == script
    assert haul.warnings == ("p.md:8: commentary holds '<script': kept as written, removed when published",)


def test_a_quote_in_commentary_is_not_a_paper_block():
    quote = '<blockquote><a href="https://twitter.com/x/status/1">@x</a> said so</blockquote>'
    haul = parse_haul(post(block("https://arxiv.org/abs/2301.00001", "One") + "\n" + quote + "\n"), "p.md")
    assert len(haul.items) == 1 and haul.items[0].commentary == quote
