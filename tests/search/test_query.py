"""The search query language (paperhaul.search.query): what the search box and `paperhaul search` accept."""

from __future__ import annotations

import contextlib
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperhaul.errors import InputError
from paperhaul.search.query import ParsedQuery, QueryError, parse_query

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
D = datetime.date


def full_width(text: str) -> str:
    """The full-width forms (U+FF01 onwards) of ASCII text, which NFKC maps back to ASCII."""
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


# Pieces that other query languages (FTS5, SQL, shells) give meaning to, and our own syntax.
HOSTILE = [
    "AND", "OR", "NOT", "NEAR", "NEAR(", "*", "^", ":", "(", ")", "{", "}", "+", "-", '"', "'",
    "'; DROP TABLE x; --", "\x00", "\\", "%", "_", "author:", "cat:", "year:", "before:", "after:",
    "title:", "-author:x", "http:", "https://", "arXiv:", "doi:", "10.1000/x", "2311.11077",
    "\u200b", "\ud800", "😀", "ﬁ", full_width("author:"), "\u0301", "\t", "\n", "\r\n",
]  # fmt: skip
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), max_size=30).map("".join)


def test_plain_words_keep_their_order() -> None:
    parsed = parse_query("diffusion dpo image")
    assert parsed.terms == ("diffusion", "dpo", "image")
    assert parsed.text == "diffusion dpo image"
    assert parsed.has_positive_text and not parsed.is_empty
    assert parsed.key is None


def test_phrases_and_exclusions() -> None:
    parsed = parse_query('"large language" models -deep -"few shot" -')
    assert parsed.terms == ("models",)
    assert parsed.phrases == ("large language",)
    assert parsed.excluded == ("deep", "few shot")
    assert parsed.text == "models large language"


def test_a_quote_ends_a_word() -> None:
    assert parse_query('a"b c"d').terms == ("a", "d")
    assert parse_query('a"b c"d').phrases == ("b c",)


@pytest.mark.parametrize(
    ("query", "terms", "phrases"),
    [
        ('unbalanced "quote here', ("unbalanced",), ("quote here",)),
        ('"', (), ()),
        ('x "', ("x",), ()),
        ('"a" "b', (), ("a", "b")),
    ],
)
def test_an_unbalanced_quote_runs_to_the_end(query: str, terms: tuple, phrases: tuple) -> None:
    parsed = parse_query(query)
    assert (parsed.terms, parsed.phrases) == (terms, phrases)


def test_unbalanced_quotes_in_exclusions_and_operators() -> None:
    assert parse_query('x -"a b').excluded == ("a b",)
    assert parse_query('author:"Geoffrey Hin').authors == ("Geoffrey Hin",)


def test_authors_all_kept() -> None:
    parsed = parse_query('author:hinton AUTHOR:"Geoffrey  Hinton" Author:lecun deep')
    assert parsed.authors == ("hinton", "Geoffrey Hinton", "lecun")
    assert parsed.terms == ("deep",)
    assert parsed.text == "deep"


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("cs.CL", "cs.CL"),
        ("cs.cl", "cs.CL"),
        ("STAT.ml", "stat.ML"),
        ("hep-th", "hep-th"),
        ("HEP-TH", "hep-th"),
        ("astro-ph.co", "astro-ph.CO"),
        ("cond-mat.Mes-Hall", "cond-mat.mes-hall"),
        ("physics.OPTICS", "physics.optics"),
        ('"q-bio.nc"', "q-bio.NC"),
    ],
)
def test_categories_in_arxiv_form(written: str, category: str) -> None:
    assert parse_query(f"cat:{written}").categories == (category,)


def test_several_categories() -> None:
    parsed = parse_query("cat:cs.CL cat:cs.LG transformers")
    assert parsed.categories == ("cs.CL", "cs.LG")
    assert parsed.terms == ("transformers",)


@pytest.mark.parametrize(
    ("query", "after", "before"),
    [
        ("year:2023", D(2023, 1, 1), D(2024, 1, 1)),
        ("year:2020-2023", D(2020, 1, 1), D(2024, 1, 1)),
        ("before:2023", None, D(2023, 1, 1)),
        ("before:2023-06", None, D(2023, 6, 1)),
        ("before:2023-06-15", None, D(2023, 6, 15)),
        ("after:2023", D(2023, 1, 1), None),
        ("after:2023-06", D(2023, 6, 1), None),
        ("after:2024-02-29", D(2024, 2, 29), None),
        ('after:"2023"', D(2023, 1, 1), None),
        ("year:9999", D(9999, 1, 1), None),
        # Every bound narrows the range.
        ("year:2020-2023 after:2021-06 before:2025", D(2021, 6, 1), D(2024, 1, 1)),
        ("after:2020 after:2019 before:2022 before:2023", D(2020, 1, 1), D(2022, 1, 1)),
        # Impossible ranges are no error: they match nothing.
        ("year:2023 before:2020", D(2023, 1, 1), D(2020, 1, 1)),
        ("year:2023-2020", D(2023, 1, 1), D(2021, 1, 1)),
        ("after:2023 before:2023", D(2023, 1, 1), D(2023, 1, 1)),
    ],
)
def test_dates(query: str, after: datetime.date | None, before: datetime.date | None) -> None:
    parsed = parse_query(query)
    assert (parsed.after, parsed.before) == (after, before)
    assert not parsed.is_empty and not parsed.has_positive_text


@pytest.mark.parametrize(
    "token",
    [
        "before:yesterday",
        "year:20x3",
        "year:2023-06",
        "year:0000",
        "year:2020-0000",
        "after:2023-13",
        "after:2023-02-30",
        "before:2023-6",
        "before:23",
        "after:2023-06-01T00:00",
        'before:""',
        "after:٢٠٢٣",  # Arabic-Indic digits: int() would take them, dates do not
    ],
)
def test_a_bad_date_names_the_token(token: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(f"diffusion {token} models")
    message = str(caught.value)
    assert token in message and "\n" not in message


def test_query_error_is_an_input_error() -> None:
    assert issubclass(QueryError, InputError)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("2311.11077", "arxiv:2311.11077"),
        ("2311.11077v2", "arxiv:2311.11077"),
        ("  2311.11077v2.  ", "arxiv:2311.11077"),
        ("arXiv:2311.11077", "arxiv:2311.11077"),
        ("arXiv: 2311.11077v1", "arxiv:2311.11077"),
        ("hep-th/9901001", "arxiv:hep-th/9901001"),
        ("math.GT/0309136", "arxiv:math/0309136"),
        ("10.48550/arXiv.2311.11077", "arxiv:2311.11077"),
        ("10.1038/nature14539", "doi:10.1038/nature14539"),
        ("doi:10.1038/NATURE14539", "doi:10.1038/nature14539"),
        ("https://doi.org/10.1038/nature14539", "doi:10.1038/nature14539"),
        ("https://arxiv.org/abs/2311.11077v1", "arxiv:2311.11077"),
        ("arxiv.org/pdf/2311.11077.pdf", "arxiv:2311.11077"),
        ("huggingface.co/papers/2311.11077", "arxiv:2311.11077"),
        ("https://github.com/openai/whisper/", "url:https://github.com/openai/whisper"),
        ("http://www.example.com/post?utm_source=x", "url:https://example.com/post"),
        ("example.com/post", "url:https://example.com/post"),
    ],
)
def test_a_whole_query_naming_a_paper_is_a_jump(query: str, key: str) -> None:
    parsed = parse_query(query)
    assert parsed == ParsedQuery(key=key)
    assert not parsed.is_empty and not parsed.has_positive_text


@pytest.mark.parametrize(
    "query",
    [
        "transformer",
        "cs.CL",
        "node.js",
        "example.com",
        "arxiv.org/",
        "e.g.",
        "3.14",
        "10.1234",
        "http:",
        "https://",
        "title:attention",
        "2311.11077 diffusion",
        "2311.11077 arXiv:2311.11078",
    ],
)
def test_words_are_not_links(query: str) -> None:
    parsed = parse_query(query)
    assert parsed.key is None
    assert parsed.has_positive_text


def test_unknown_fields_are_plain_words() -> None:
    parsed = parse_query("foo:bar C++: see http: title:x")
    assert parsed.terms == ("foo:bar", "C++:", "see", "http:", "title:x")


def test_an_operator_without_a_value_is_a_word() -> None:
    assert parse_query("author: hinton").terms == ("author:", "hinton")
    assert parse_query("year:").terms == ("year:",)


def test_a_negated_operator_excludes_its_text() -> None:
    parsed = parse_query("deep -author:hinton -year:2020")
    assert parsed.excluded == ("author:hinton", "year:2020")
    assert (parsed.authors, parsed.after, parsed.before) == ((), None, None)


def test_normalisation() -> None:
    # NFKC (ligature, full-width operator), controls as spaces, invisible characters dropped.
    parsed = parse_query(
        "\ufb01ne-tuning " + full_width("author:hinton") + " a\x00b\tc soft\u00adware zero\u200bwidth"
    )
    assert parsed.terms == ("fine-tuning", "a", "b", "c", "software", "zerowidth")
    assert parsed.authors == ("hinton",)


def test_words_without_letters_or_digits_are_dropped() -> None:
    parsed = parse_query('😀 * + ( ) -- - "" "!!" -"?" author:"" cat:* x')
    assert parsed == ParsedQuery(terms=("x",))


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "\x00", "\u200b", '""', "-", "😀", 'author:""'])
def test_empty_queries(query: str) -> None:
    parsed = parse_query(query)
    assert parsed.is_empty and not parsed.has_positive_text
    assert parsed.text == ""


def test_exclusions_alone_are_not_empty() -> None:
    parsed = parse_query("-deep")
    assert not parsed.is_empty and not parsed.has_positive_text


def test_length_limit() -> None:
    assert parse_query("x" * 1000).terms == ("x" * 1000,)
    assert parse_query("  " + "x " * 500 + "  ").terms == ("x",) * 500  # padding and runs of spaces
    with pytest.raises(QueryError, match="1000"):
        parse_query("x" * 1001)
    with pytest.raises(QueryError, match="limit is 20"):
        parse_query("twenty-one characters", max_length=20)


def test_ten_thousand_characters() -> None:
    with pytest.raises(QueryError):
        parse_query("a " * 5000)
    assert len(parse_query("a " * 5000, max_length=10_000).terms) == 5000


@pytest.mark.parametrize("query", ["'; DROP TABLE x; --", "a AND b OR NOT c", "NEAR(a b, 2) {title}: x*"])
def test_other_languages_are_text(query: str) -> None:
    parsed = parse_query(query)
    assert parsed.key is None and parsed.has_positive_text
    assert not (parsed.authors or parsed.categories or parsed.after or parsed.before)


@pytest.mark.parametrize("tail", [")", "!/", "/."])
def test_pathological_links_are_words(tail: str) -> None:
    parsed = parse_query("https://a.com/x" + tail * 4000, max_length=10_000)
    assert parsed.key is None or parsed.key.startswith("url:https://a.com")


def _check(parsed: ParsedQuery) -> None:
    for text in (*parsed.terms, *parsed.phrases, *parsed.excluded, *parsed.authors, *parsed.categories):
        assert text == text.strip() and text and '"' not in text and "\x00" not in text
        assert any(ch.isalnum() for ch in text)
    assert parsed.text == " ".join((*parsed.terms, *parsed.phrases))


@FAST
@given(st.one_of(st.text(max_size=200), hostile_text))
def test_any_text_parses_or_is_a_query_error(text: str) -> None:
    try:
        parsed = parse_query(text, max_length=10_000)
    except QueryError as error:
        assert "\n" not in str(error)
        return
    _check(parsed)


ten_thousand_characters = st.one_of(st.text(min_size=1, max_size=300), hostile_text.filter(bool)).map(
    lambda text: (text * (10_000 // len(text) + 1))[:10_000]
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ten_thousand_characters)
def test_long_text_is_a_query_error_or_parses(text: str) -> None:
    with contextlib.suppress(QueryError):
        _check(parse_query(text, max_length=20_000))
    with pytest.raises(QueryError, match="too long"):
        parse_query(text + "x" * 1001)


@FAST
@given(st.lists(st.from_regex(r"[a-z]{1,12}", fullmatch=True), min_size=1, max_size=20))
def test_plain_words_round_trip(words: list[str]) -> None:
    parsed = parse_query(" ".join(words))
    assert parsed.terms == tuple(words)
    assert parsed.text == " ".join(words)
