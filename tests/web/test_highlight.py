"""Marked words in titles and snippets: the right words, the best window, and never any markup of
the text's or the query's own."""

from __future__ import annotations

import pytest

from paperhaul.search.query import parse_query
from paperhaul.web.highlight import SNIPPET_CHARS, Highlighter

FILLER = "Nothing to see in this sentence about other matters entirely. " * 12


def marked(q: str) -> Highlighter:
    return Highlighter(parse_query(q))


def test_words_are_marked_whatever_their_case_and_form():
    html = marked("Diffusion preferences").whole("Aligning diffusion models to human PREFERENCE data")
    assert html == "Aligning <mark>diffusion</mark> models to human <mark>PREFERENCE</mark> data"


def test_whole_words_only_and_short_words_exactly():
    html = marked("lm art").whole("LMs and an LM in palm trees; article and art.")
    assert html == "<mark>LMs</mark> and an <mark>LM</mark> in palm trees; article and <mark>art</mark>."


def test_a_phrase_is_marked_as_one_unit_and_only_where_it_occurs_whole():
    html = marked('"human feedback" human').whole("Learning from human feedback beats human ratings.")
    assert html == "Learning from <mark>human feedback</mark> beats <mark>human</mark> ratings."
    assert "<mark>" not in marked('"human feedback"').whole("feedback from a human")


def test_a_hyphenated_term_matches_as_a_sequence():
    assert marked("Diffusion-DPO").whole("We propose Diffusion-DPO here") == (
        "We propose <mark>Diffusion-DPO</mark> here"
    )


def test_accents_are_ignored_and_the_original_text_is_kept():
    assert marked("sean").whole("By Seán Ó Héigeartaigh") == "By <mark>Seán</mark> Ó Héigeartaigh"
    assert marked("Héigeartaigh").whole("heigeartaigh") == "<mark>heigeartaigh</mark>"


def test_excluded_words_operators_and_lone_stopwords_are_not_marked():
    html = marked("attention -speech author:vaswani cat:cs.CL the").whole(
        "The attention of speech by Vaswani in cs.CL"
    )
    assert html == "The <mark>attention</mark> of speech by Vaswani in cs.CL"


def test_nothing_to_mark_gives_the_escaped_text():
    assert marked("").whole("a < b") == "a &lt; b"
    assert marked("*").whole("a & b") == "a &amp; b"


def test_snippet_is_the_window_with_most_query_words():
    text = FILLER + "Here the transformer meets diffusion in one sentence. " + FILLER
    html = marked("transformer diffusion").snippet(text)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>transformer</mark> meets <mark>diffusion</mark>" in html
    visible = html.replace("<mark>", "").replace("</mark>", "")
    assert len(visible) <= SNIPPET_CHARS + 2
    # Cut at spaces, not inside words.
    assert visible[1] != " " and visible[1:].split(" ")[0] in text.split(" ")


def test_snippet_prefers_more_different_words_to_more_repeats():
    text = "model model model model. " + FILLER + "A model for speech. " + FILLER
    html = marked("model speech").snippet(text, size=60)
    assert "<mark>model</mark> for <mark>speech</mark>" in html


def test_snippet_without_matches_is_the_start_and_short_text_is_whole():
    text = FILLER
    html = marked("kangaroo").snippet(text)
    assert text.startswith(html[:-1]) and html.endswith("…") and "<mark>" not in html
    assert marked("short").snippet("A short abstract.") == "A <mark>short</mark> abstract."


def test_snippet_near_the_end_shows_a_full_window():
    text = FILLER + "the final word is zebra"
    html = marked("zebra").snippet(text, size=100)
    assert html.startswith("…") and html.endswith("<mark>zebra</mark>")
    assert len(html.replace("<mark>", "").replace("</mark>", "")) > 80


@pytest.mark.parametrize(
    "text, query",
    [
        ("<script>alert('x')</script> runs a script", "script"),
        ('<img src=x onerror="alert(1)"> image', "img onerror image"),
        ("a <b>bold</b> claim", "<b>"),
        ("quotes \" and ' inside", '"'),
        ("the mark> tag and <mark> itself", "mark>"),
        ("ampersand &amp; entity &lt;", "amp lt"),
    ],
)
def test_hostile_text_and_queries_stay_inert(text, query):
    for html in (marked(query).whole(text), marked(query).snippet(text), marked(query).snippet(text * 20)):
        stripped = html.replace("<mark>", "").replace("</mark>", "")
        assert "<" not in stripped and ">" not in stripped and '"' not in stripped
        assert html.count("<mark>") == html.count("</mark>")


def test_a_matched_tag_name_is_marked_inside_its_escaped_brackets():
    html = marked("script").whole("<script>alert(1)</script>")
    assert html == "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"
