"""The links dataset: tolerant reading of hand-edited files, dates, duplicates, clean writing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from paperhaul.errors import InputError, RecordError
from paperhaul.papers.ingest.links_dataset import (
    find_duplicates,
    parse_date,
    read_links,
    write_links,
)
from paperhaul.papers.records import PaperRecord

HAUL_27 = "https://blog.example.com/ml-arxiv-haul-27"
HAUL_28 = "https://blog.example.com/ml-arxiv-haul-28"

# A hand-edited JavaScript file as found in blog repositories.
HAND_EDITED = """\
// links covered by the haul; edit by hand
export const posts = [
  {
    blog: 'https://www.blog.example.com/ml-arxiv-haul-27/',
    src: "https://arxiv.org/abs/2311.11045",
    title: "Orca 2: Teaching Small Language Models How to Reason",
    posted: "30 Oct 2021",
  },
  /* a pdf link to the same paper, added later */
  {"blog": "https://blog.example.com/ml-arxiv-haul-27", "src": "http://arxiv.org/pdf/2311.11045v2.pdf",
   "title": 'Orca 2 (pdf)', "posted": "October 5, 2021", "updated": "2021-10-06T03:51:00.000Z",},
  {"blog": "https://blog.example.com/ml-arxiv-haul-28", "src": "https://www.biorxiv.org/content/10.1101/2023.10.01.560123v1",
   "title": "Protein language models", "posted": 2012},
  {"blog": "https://blog.example.com/ml-arxiv-haul-28", "src": "https://github.com/openai/whisper",
   "title": "Whisper", "posted": "sometime in spring", "note": "it's \\"great\\""},
];
"""


def test_hand_edited_file_is_read():
    records = list(read_links(HAND_EDITED, "links.js"))
    assert all(isinstance(r, PaperRecord) for r in records)
    assert [r.key for r in records] == [
        "arxiv:2311.11045",
        "arxiv:2311.11045",
        "doi:10.1101/2023.10.01.560123",
        "url:https://github.com/openai/whisper",
    ]
    first = records[0]
    assert first.source == "links"
    assert first.title == "Orca 2: Teaching Small Language Models How to Reason"
    assert first.source_id == "https://blog.example.com/ml-arxiv-haul-27 arxiv:2311.11045"
    assert first.extra == {
        "blog": "https://www.blog.example.com/ml-arxiv-haul-27/",  # as written
        "src": "https://arxiv.org/abs/2311.11045",
        "title": "Orca 2: Teaching Small Language Models How to Reason",
        "posted": "30 Oct 2021",
        "posted_date": "2021-10-30",
    }
    assert records[1].title == "Orca 2 (pdf)"
    assert records[1].extra["updated"] == "2021-10-06T03:51:00.000Z"
    assert records[1].extra["posted_date"] == "2021-10-05"
    # a year only: the text as written and 1 January of that year
    assert (records[2].extra["posted"], records[2].extra["posted_date"]) == (2012, "2012-01-01")
    # an unreadable date is kept as written, without a date
    assert records[3].extra["posted"] == "sometime in spring"
    assert records[3].extra["posted_date"] is None
    assert records[3].extra["other"] == {"note": 'it\'s "great"'}


def test_plain_json_without_wrapper():
    text = json.dumps([{"blog": HAUL_27, "src": "arxiv.org/abs/2311.11045", "title": "T"}])
    [record] = read_links(text)
    assert record.key == "arxiv:2311.11045"
    assert record.extra["posted"] is None and record.extra["posted_date"] is None


@pytest.mark.parametrize(
    "wrapper",
    ["export default {};", "module.exports = {};", "const posts = {}", "\ufeff{}\n"],
)
def test_other_wrappers(wrapper):
    entries = '[{"blog": "BLOG", "src": "https://arxiv.org/abs/2311.11045", "title": "T"},]'
    entries = entries.replace("BLOG", HAUL_27)
    [record] = read_links(wrapper.replace("{}", entries))
    assert record.key == "arxiv:2311.11045"


# ------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("30 Oct 2021", dt.date(2021, 10, 30)),
        ("30 October 2021", dt.date(2021, 10, 30)),
        ("October 5, 2021", dt.date(2021, 10, 5)),
        ("Oct 5 2021", dt.date(2021, 10, 5)),
        ("Oct. 5th, 2021", dt.date(2021, 10, 5)),
        ("Sept 30 2021", dt.date(2021, 9, 30)),
        ("2021-10-05", dt.date(2021, 10, 5)),
        ("2021/10/05", dt.date(2021, 10, 5)),
        ("2021-10-05T03:51:00.000Z", dt.date(2021, 10, 5)),
        ("2021-10-05T23:51:00-07:00", dt.date(2021, 10, 5)),  # as written, not converted
        ("Tue, 05 Oct 2021 10:00:00 GMT", dt.date(2021, 10, 5)),
        ("2012", dt.date(2012, 1, 1)),
        (2012, dt.date(2012, 1, 1)),
        ("Oct 2021", dt.date(2021, 10, 1)),
        ("2021-10", dt.date(2021, 10, 1)),
        ("  2021-10-05 ", dt.date(2021, 10, 5)),
    ],
)
def test_parse_date(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "text",
    ["", "sometime", "2021-02-30", "31 Foo 2021", "2012 Oct", "12", None, True, "10/05/2021"],
)
def test_parse_date_rejects(text):
    assert parse_date(text) is None


# ----------------------------------------------------------------------------------- errors


def test_bad_entries_are_reported_at_the_line_where_they_start():
    text = """[
  {"blog": "BLOG", "src": "https://arxiv.org/abs/2311.11045", "title": "Good"},
  {"blog": "BLOG",
   "title": "no src"},
  {"blog": "BLOG", "src": "https://arxiv.org/abs/2311.11046"},
  "just a string",
  {"blog": "BLOG", "src": "not a url at all", "title": "T"},
  {"blog": "BLOG", "src": "http://example.com:port/x", "title": "T"},
  {"blog": "not a blog", "src": "https://arxiv.org/abs/2311.11047", "title": "T"},
  {"blog": "BLOG", "src": ["https://arxiv.org/abs/2311.11047"], "title": "T"},
  {"blog": "BLOG", "src": "https://arxiv.org/abs/2311.11047", "title": "T", "posted": {}},
  {"blog": "BLOG", "src": "https://arxiv.org/abs/2311.11048", "title": "Also good"}
]""".replace("BLOG", HAUL_27)
    items = list(read_links(text, "links.json"))
    assert [r.title for r in items if isinstance(r, PaperRecord)] == ["Good", "Also good"]
    errors = [(e.line, e.reason) for e in items if isinstance(e, RecordError)]
    assert [line for line, _ in errors] == [3, 5, 6, 7, 8, 9, 10, 11]
    reasons = [reason for _, reason in errors]
    assert "without src" in reasons[0]
    assert "without title" in reasons[1]
    assert "not an object" in reasons[2]
    assert "unusable src URL" in reasons[3] and "unusable src URL" in reasons[4]
    assert "unusable blog URL" in reasons[5]
    assert "src is not a string" in reasons[6]
    assert "posted is not a date" in reasons[7]
    assert str(items[1]).startswith("links.json:3: ")


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('[\n  {"src": "a"}\n  {"src": "b"}\n]', 3, 3, "expected ',' or ']'"),
        ('[\n  {"src": "a\n"}\n]', 2, 11, "unterminated string"),
        ('[{"src": "a"}] trailing', 1, 16, "unexpected text after the array"),
        ('{"posts": []}', 1, 1, "expected a JSON array of links"),
        ("[\n  {src: 'a', title: TRUE}\n]", 2, 21, "unexpected 'T'"),
        ("[\n  /* open comment\n", 2, 3, "unterminated /* comment"),
        ('[{"src": "a"}', 1, 14, "expected ',' or ']'"),
        ("", 1, 1, "expected a JSON array of links"),
        ('[\n  {"title": "\\ud83e"}\n]', 2, 13, "a \\u escape is half of a character (a lone surrogate)"),
    ],
)
def test_unreadable_file_names_line_and_column(text, line, column, message):
    with pytest.raises(InputError) as info:
        read_links(text, "links.js")  # raised at the call, before any record
    error = info.value
    assert not isinstance(error, RecordError)
    assert (error.line, error.column) == (line, column)
    assert str(error) == f"links.js:{line}:{column}: {message}"


def test_escaped_emoji_as_json_writers_write_them_is_one_character():
    entry = {"blog": HAUL_27, "src": "https://arxiv.org/abs/2311.11045", "title": "Hugging 🤗 Orca"}
    text = json.dumps([entry])  # ensure_ascii: the emoji as a surrogate pair, "\\ud83e\\udd17"
    assert "\\ud83e\\udd17" in text
    (record,) = read_links(text, "links.json")
    assert record.title == "Hugging 🤗 Orca"


# ------------------------------------------------------------------------------- duplicates


def test_find_duplicates_within_one_blog():
    records = list(read_links(HAND_EDITED))
    text = json.dumps(
        [
            {"blog": HAUL_28, "src": "https://arxiv.org/abs/2311.11045", "title": "Orca again"},
            {"blog": HAUL_28 + "/", "src": "https://github.com/OpenAI/Whisper/", "title": "W2"},
        ]
    )
    more = list(read_links(text))
    pairs = find_duplicates([*records, RecordError("bad"), *more])
    # abs vs pdf v2 of one paper in haul 27; the repo linked twice in haul 28; Orca in haul 28
    # is not a duplicate of Orca in haul 27
    assert [(a.title, b.title) for a, b in pairs] == [
        ("Orca 2: Teaching Small Language Models How to Reason", "Orca 2 (pdf)"),
        ("Whisper", "W2"),
    ]


def test_no_duplicates():
    text = json.dumps(
        [
            {"blog": HAUL_27, "src": "https://arxiv.org/abs/2311.11045", "title": "A"},
            {"blog": HAUL_27, "src": "https://arxiv.org/abs/2311.11046", "title": "B"},
        ]
    )
    assert find_duplicates(read_links(text)) == []


# ---------------------------------------------------------------------------------- writing


def test_write_links_clean_form():
    entries = [
        {"title": "B", "src": "https://arxiv.org/abs/2311.11046", "blog": HAUL_27,
         "posted": "October 5, 2021", "updated": "Oct 6 2021"},
        {"src": "https://example.org/x", "title": "A", "blog": HAUL_28, "posted": "2012",
         "note": "kept"},
        {"src": "https://example.org/y", "title": "C", "blog": HAUL_28, "posted": "spring 2021"},
        {"src": "https://example.org/z", "title": "D", "blog": HAUL_28},
    ]  # fmt: skip
    expected = """[
  {
    "blog": "https://blog.example.com/ml-arxiv-haul-27",
    "src": "https://arxiv.org/abs/2311.11046",
    "title": "B",
    "posted": "2021-10-05",
    "updated": "2021-10-06"
  },
  {
    "blog": "https://blog.example.com/ml-arxiv-haul-28",
    "src": "https://example.org/x",
    "title": "A",
    "posted": "2012",
    "note": "kept"
  },
  {
    "blog": "https://blog.example.com/ml-arxiv-haul-28",
    "src": "https://example.org/y",
    "title": "C",
    "posted": "spring 2021"
  },
  {
    "blog": "https://blog.example.com/ml-arxiv-haul-28",
    "src": "https://example.org/z",
    "title": "D",
    "posted": null
  }
]
"""
    assert write_links(entries) == expected
    assert write_links(entries) == write_links(list(entries))  # stable


def test_write_then_read_gives_the_same_links():
    records = list(read_links(HAND_EDITED))
    clean = write_links(records)
    json.loads(clean)  # strict JSON
    again = list(read_links(clean))

    def summary(items):
        return [(r.key, r.title, r.source_id) for r in items]

    assert summary(again) == summary(records)
    assert [r.extra["posted_date"] for r in again] == [r.extra["posted_date"] for r in records]
    assert again[3].extra["other"] == {"note": 'it\'s "great"'}
    assert write_links(again) == clean  # the clean form is a fixed point


def test_write_links_requires_src_and_title():
    with pytest.raises(InputError, match="entry 2"):
        write_links([{"src": "https://a.example/x", "title": "ok"}, {"src": "https://b.example"}])
