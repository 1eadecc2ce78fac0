"""FTS5 MATCH expressions (paperhaul.search.fts5), run against a real in-memory FTS5 table."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperhaul.search.fts5 import match_expression, prefix_expression, quote
from paperhaul.search.query import ParsedQuery, QueryError, parse_query
from tests.search.test_query import HOSTILE, hostile_text

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ROWS = {
    1: (
        "Attention Is All You Need",
        "Ashish Vaswani, Noam Shazeer",
        "The dominant sequence transduction models are based on recurrent or convolutional networks.",
    ),
    2: (
        "Language Models are Few-Shot Learners",
        "Tom B. Brown, Dario Amodei",
        "We show that scaling up language models greatly improves few-shot performance.",
    ),
    3: (
        "Deep Learning",
        "Yann LeCun, Yoshua Bengio, Geoffrey Hinton",
        "Deep learning allows computational models to learn representations of data.",
    ),
    4: (
        "Geoffrey Hinton's Forward-Forward Algorithm Explained",
        "Jane Doe",
        "A review of the learning procedure proposed by Hinton.",
    ),
    5: (
        "Diffusion Model Alignment Using Direct Preference Optimization",
        "Bram Wallace, Meihua Dang",
        "Diffusion-DPO aligns text-to-image models with human preference data.",
    ),
    6: (
        "Preference Learning for Image Models: a Direct Approach",
        "Ana Pérez",
        "We learn what users prefer, directly.",
    ),
}


@pytest.fixture(scope="module")
def db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "create virtual table t using fts5(title, authors, abstract,"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    connection.executemany("insert into t(rowid, title, authors, abstract) values (?, ?, ?, ?)", [
        (rowid, *row) for rowid, row in ROWS.items()
    ])  # fmt: skip
    yield connection
    connection.close()


def rows(db: sqlite3.Connection, expression: str | None) -> set[int]:
    assert expression is not None
    return {rowid for (rowid,) in db.execute("select rowid from t where t match ?", (expression,))}


def search(db: sqlite3.Connection, query: str) -> set[int]:
    return rows(db, match_expression(parse_query(query)))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("models", {1, 2, 3, 5, 6}),
        ("direct preference", {5, 6}),  # words: anywhere in the row
        ('"direct preference"', {5}),  # phrase: adjacent, in order
        ('"preference direct"', set()),
        ("learning models", {3, 6}),
        ("models -deep", {1, 2, 5, 6}),
        ('models -"few-shot" -deep', {1, 5, 6}),
        ("models -deep -diffusion -attention -direct", {2}),
        ("hinton", {3, 4}),  # a plain word matches any column
        ("author:hinton", {3}),  # an author only the authors column
        ('author:"Geoffrey Hinton"', {3}),
        ('author:"Hinton Geoffrey"', set()),
        ("learning author:hinton", {3}),
        ("author:hinton author:bengio", {3}),
        ("author:hinton author:vaswani", set()),
        ("author:perez", {6}),  # diacritics removed on both sides
        ("learning author:hinton -deep", set()),
    ],
)
def test_expected_rows(db: sqlite3.Connection, query: str, expected: set[int]) -> None:
    assert search(db, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("deep OR attention", set()),  # "or" is a word that must occur, and row 1 lacks "deep"
        ("attention OR networks", {1}),  # ...row 1 has all three
        ("deep NOT learning", set()),  # no row has the word "not"
        ("title:attention", set()),  # not a column filter: the phrase "title attention"
        ("{title}: attention", set()),  # nor a column set: the word "title" must occur
        ("shaz*", set()),  # not a prefix query
        ("NEAR(deep learning)", set()),
        ("^deep", {3}),
        ("deep +learning", {3}),
        ("'; DROP TABLE t; --", set()),
    ],
)
def test_operators_in_user_text_are_words(db: sqlite3.Connection, query: str, expected: set[int]) -> None:
    assert search(db, query) == expected


def test_no_positive_text_is_none() -> None:
    for query in ("", "-deep", "cat:cs.CL", "year:2023", '-deep -"few shot" before:2020', "2311.11077"):
        assert match_expression(parse_query(query)) is None


def test_expression_shapes() -> None:
    parsed = parse_query('deep "large language" author:hinton -"few shot" -x')
    assert match_expression(parsed) == (
        '("deep" AND "large language" AND {authors} : "hinton") NOT ("few shot" OR "x")'
    )
    assert match_expression(parsed, columns={"authors": "author_names"}).count("{author_names} :") == 1


def test_quote_doubles_quotes_and_drops_what_fts5_cannot_read() -> None:
    assert quote('say "hi"') == '"say ""hi"""'
    assert quote("a\x00b\ud800") == '"ab"'


@pytest.mark.parametrize("name", ["", "authors names", 'a"', "NOT", "1col", "{x}"])
def test_bad_column_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        match_expression(ParsedQuery(authors=("x",)), columns={"authors": name})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lang", {2}),
        ("language mod", {2}),
        ("attention is all you ne", {1}),
        ("diffusion pref", {5}),
        ("shaz", {1}),
        ("hint", {3, 4}),
        ("deep learn", {3}),
        ("  Deep   LEARNING ", {3}),
        ("deep OR", set()),  # "OR" is a word: no row has a word starting with "or" beside "deep"
        ("author:hint", set()),  # the query language is not parsed: "author" must occur
        ('"few-sh', {2}),
        ("models a d", {6}),  # "a" is a whole word: a space was typed after it
    ],
)
def test_prefix_expression(db: sqlite3.Connection, text: str, expected: set[int]) -> None:
    assert rows(db, prefix_expression(text)) == expected


def test_prefix_expression_shape() -> None:
    assert prefix_expression("large lang") == '"large" AND "lang"*'
    assert prefix_expression('say "hi') == '"say" AND "hi"*'
    assert prefix_expression("deep -") == '"deep"*'
    assert prefix_expression("state-of-the-art") == '"state" AND "of" AND "the" AND "art"*'
    # A one-letter last word would make FTS5 merge every word with that letter: it waits.
    assert prefix_expression("Jabai S") == '"Jabai"*'
    assert prefix_expression("A B") == '"A"'  # not every word that starts with "a"
    assert prefix_expression("x") is None


@pytest.mark.parametrize("text", ["", "   ", "\x00", "- * ( )", "😀", '"'])
def test_prefix_expression_without_words(text: str) -> None:
    assert prefix_expression(text) is None


# --- any input: SQLite accepts every expression, and user text stays inside strings -------------

_STRING = r'"(?:[^"]|"")*"'
_EXPRESSION_RE = re.compile(rf"(?:{_STRING}|\{{authors\}} :|AND|OR|NOT|[() ])*")
_PREFIX_RE = re.compile(rf"(?:{_STRING} AND )*{_STRING}\*?")


def _assert_inert(expression: str) -> None:
    assert _EXPRESSION_RE.fullmatch(expression), expression
    assert "\x00" not in expression


@FAST
@given(st.one_of(st.text(max_size=200), hostile_text))
def test_any_query_gives_a_valid_expression(db: sqlite3.Connection, text: str) -> None:
    try:
        parsed = parse_query(text, max_length=10_000)
    except QueryError:
        return
    expression = match_expression(parsed)
    if expression is None:
        assert not (parsed.terms or parsed.phrases or parsed.authors)
        return
    _assert_inert(expression)
    rows(db, expression)


pieces = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=10)), max_size=5).map("".join)


@FAST
@given(
    st.builds(
        ParsedQuery,
        terms=st.lists(pieces, max_size=4).map(tuple),
        phrases=st.lists(pieces, max_size=3).map(tuple),
        excluded=st.lists(pieces, max_size=3).map(tuple),
        authors=st.lists(pieces, max_size=3).map(tuple),
    )
)
def test_any_parsed_query_gives_a_valid_expression(db: sqlite3.Connection, parsed: ParsedQuery) -> None:
    """match_expression does not rely on the parser: any strings at all stay inert."""
    expression = match_expression(parsed)
    if expression is not None:
        _assert_inert(expression)
        rows(db, expression)


@FAST
@given(st.one_of(st.text(max_size=200), hostile_text))
def test_any_text_gives_a_valid_prefix_expression(db: sqlite3.Connection, text: str) -> None:
    expression = prefix_expression(text)
    if expression is not None:
        assert _PREFIX_RE.fullmatch(expression), expression
        rows(db, expression)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=200).map(lambda text: (text * (10_000 // len(text) + 1))[:10_000]))
def test_ten_thousand_characters(db: sqlite3.Connection, text: str) -> None:
    for expression in (prefix_expression(text), _parsed_expression(text)):
        if expression is not None:
            rows(db, expression)


def _parsed_expression(text: str) -> str | None:
    try:
        return match_expression(parse_query(text, max_length=20_000))
    except QueryError:
        return None
