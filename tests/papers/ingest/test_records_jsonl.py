"""Paper records JSON lines: reading, line-numbered errors, writing, and the round trip."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest

from paperhaul.errors import RecordError
from paperhaul.papers.ingest.records_jsonl import read_jsonl, write_jsonl
from paperhaul.papers.records import PaperRecord, Version


def read(*lines: str) -> list:
    return list(read_jsonl(lines, "papers.jsonl"))


def test_full_line():
    line = orjson.dumps(
        {
            "id": "arXiv:2311.11045v2",
            "title": "Orca 2:\n  Teaching Small Language Models How to Reason",
            "abstract": "Orca 1 learns\nfrom rich signals.",
            "authors": ["Arindam Mitra", " Luciano  Del Corro "],
            "published": "2023-11-18",
            "updated": "2023-11-21T10:00:00Z",
            "categories": ["cs.AI", "cs.CL"],
            "primary_category": "cs.AI",
            "doi": "10.48550/arXiv.2311.11045",
            "code_url": "https://github.com/microsoft/orca",
            "pdf_url": "https://arxiv.org/pdf/2311.11045v2",
            "journal_ref": "Proc. X 2024",
            "comments": "12 pages",
            "license": "http://creativecommons.org/licenses/by/4.0/",
            "versions": [
                {"version": "v1", "created": "Sat, 18 Nov 2023 11:22:18 GMT"},
                {"version": "v2", "created": "2023-11-21T10:00:00+00:00"},
            ],
            "unknown_field": "ignored",
        }
    ).decode()
    [record] = read(line)
    assert isinstance(record, PaperRecord)
    assert record.source == "jsonl"
    assert record.key == record.source_id == "arxiv:2311.11045"
    assert record.title == "Orca 2: Teaching Small Language Models How to Reason"
    assert record.abstract == "Orca 1 learns from rich signals."
    assert record.authors == ("Arindam Mitra", "Luciano Del Corro")
    assert record.published == dt.date(2023, 11, 18)
    assert record.updated == dt.date(2023, 11, 21)
    assert record.categories == ("cs.AI", "cs.CL")
    assert record.primary_category == "cs.AI"
    assert record.code_url == "https://github.com/microsoft/orca"
    assert (record.journal_ref, record.comments) == ("Proc. X 2024", "12 pages")
    utc = dt.UTC
    assert record.versions == (
        Version(1, dt.datetime(2023, 11, 18, 11, 22, 18, tzinfo=utc)),
        Version(2, dt.datetime(2023, 11, 21, 10, 0, tzinfo=utc)),
    )
    assert record.latest_version == 2


@pytest.mark.parametrize(
    ("line", "key", "abs_url"),
    [
        ('{"url": "https://arxiv.org/pdf/2311.11045v2.pdf", "title": "T"}', "arxiv:2311.11045",
         "https://arxiv.org/pdf/2311.11045v2.pdf"),
        ('{"url": "https://arxiv.org/abs/2311.11045", "title": "T"}', "arxiv:2311.11045", ""),
        ('{"url": "https://www.example.com/post/?utm_source=x", "title": "T"}',
         "url:https://example.com/post", "https://www.example.com/post/?utm_source=x"),
        ('{"id": "doi:10.1000/ABC", "url": "https://doi.org/10.1000/abc", "title": "T"}',
         "doi:10.1000/abc", ""),
        ('{"id": "2311.11045", "url": "https://example.com/mirror", "title": "T"}',
         "arxiv:2311.11045", "https://example.com/mirror"),
        ('{"title": "Pedagogical Alignment of LLMs", "abstract": "x"}',
         "title:pedagogical alignment of llms", ""),
    ],
)  # fmt: skip
def test_key_from_id_then_url_then_title(line, key, abs_url):
    [record] = read(line)
    assert (record.key, record.source_id, record.abs_url) == (key, key, abs_url)


def test_blank_lines_are_skipped_but_counted_and_bytes_are_accepted():
    lines = [b'\xef\xbb\xbf{"title": "First"}\n', b"\n", b"   \r\n", b'{"title": 5}\n']
    items = list(read_jsonl(lines, "papers.jsonl"))
    assert items[0].title == "First"  # a UTF-8 BOM on the first line is not an error
    assert isinstance(items[1], RecordError) and items[1].line == 4
    assert len(items) == 2


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"title": "T",', "not JSON"),
        ("title: T", "not JSON"),
        (b'{"title": "\xff"}', "not JSON"),
        ('["T"]', "not a JSON object but a list"),
        ('"T"', "not a JSON object but a string"),
        ('{"abstract": "no title"}', "no title"),
        ('{"title": "   "}', "no title"),
        ('{"title": ["T"]}', "title is a list, not a string"),
        ('{"title": "!!!"}', "title without letters or digits"),
        ('{"id": "not an id", "title": "T"}', "unusable id: 'not an id'"),
        ('{"id": 2311.11045, "title": "T"}', "id is a number, not a string"),
        ('{"url": "http://example.com:port/x", "title": "T"}', "unusable url"),
        ('{"url": "http://[::1", "title": "T"}', "unusable url"),
        ('{"title": "T", "authors": "A and B"}', "authors must be a list of strings, not a string"),
        ('{"title": "T", "authors": ["A", 3]}', "item 2 is a number"),
        ('{"title": "T", "categories": "cs.CL"}', "categories must be a list of strings"),
        ('{"title": "T", "published": "2023-13-01"}', "bad date in published: '2023-13-01'"),
        ('{"title": "T", "published": "18 Nov 2023"}', "bad date in published"),
        ('{"title": "T", "updated": 20231118}', "updated is a number, not an ISO date"),
        ('{"title": "T", "versions": "v1"}', "versions is a string, not a list"),
        ('{"title": "T", "versions": [{"version": "first"}]}', "bad version"),
        (
            '{"title": "T", "versions": [{"version": "v1", "created": "then"}]}',
            "bad date in versions",
        ),
        ('{"title": "T", "extra": [1]}', "extra is a list, not an object"),
        ('{"title": "T", "doi": 10}', "doi is a number, not a string"),
        ('{"title": "T", "trust": "high"}', 'trust must be a whole number from 0 to 3, not "high"'),
        ('{"title": "T", "trust": 4}', "trust must be a whole number from 0 to 3, not 4"),
        ('{"title": "T", "trust": true}', "trust must be a whole number from 0 to 3, not true"),
        ('{"title": "T", "trust": 1.0}', "trust must be a whole number from 0 to 3, not 1.0"),
    ],
)
def test_bad_line_yields_a_record_error_with_its_number(line, reason):
    items = list(read_jsonl(['{"title": "Good"}', "", line, '{"title": "Also good"}'], "in.jsonl"))
    assert [i.title for i in items if isinstance(i, PaperRecord)] == ["Good", "Also good"]
    [error] = [i for i in items if isinstance(i, RecordError)]
    assert error.line == 3
    assert error.path == "in.jsonl"
    assert reason in error.reason
    assert "\n" not in str(error)
    assert str(error).startswith("in.jsonl:3: ")


# ---------------------------------------------------------------------------------- writing


def records_to_write() -> list[PaperRecord]:
    return [
        PaperRecord(
            source="jsonl",
            key="arxiv:2311.11045",
            title="Orca 2: Teaching Small Language Models How to Reason",
            abstract="Orca 1 learns from rich signals.",
            authors=("Arindam Mitra", "Luciano Del Corro"),
            published=dt.date(2023, 11, 18),
            updated=dt.date(2023, 11, 21),
            versions=(
                Version(1, dt.datetime(2023, 11, 18, 11, 22, 18, tzinfo=dt.UTC)),
                Version(2, dt.date(2023, 11, 21)),
                Version(3),
            ),
            primary_category="cs.AI",
            categories=("cs.AI", "cs.CL"),
            doi="10.1000/xyz",
            journal_ref="J. 1",
            comments="line one\u2028still one line",
            license="CC-BY",
            pdf_url="https://arxiv.org/pdf/2311.11045v2",
            code_url="https://github.com/microsoft/orca",
            extra={"upvotes": 12, "nested": {"a": [1, 2]}},
        ),
        PaperRecord(source="jsonl", key="doi:10.1101/2023.10.01.560123", title="Proteins", trust=1),
        PaperRecord(
            source="jsonl",
            key="url:https://example.com/post",
            title="A post",
            abs_url="https://www.example.com/post/",
        ),
        PaperRecord(source="jsonl", key="title:pedagogical alignment", title="Pedagogy"),
    ]


def test_write_jsonl_writes_one_compact_document_per_line():
    lines = list(write_jsonl(records_to_write()))
    assert len(lines) == 4
    for line in lines:
        assert line.endswith("\n") and line.count("\n") == 1
        assert line == orjson.dumps(orjson.loads(line)).decode() + "\n"  # compact
    assert orjson.loads(lines[1]) == {
        "id": "doi:10.1101/2023.10.01.560123",
        "url": "https://doi.org/10.1101/2023.10.01.560123",
        "title": "Proteins",
        "trust": 1,
    }


def test_round_trip_gives_back_equal_records():
    records = records_to_write()
    text = "".join(write_jsonl(records))
    again = list(read_jsonl(text.split("\n")))
    assert again == records
    assert "".join(write_jsonl(again)) == text


def test_round_trip_through_a_file(tmp_path):
    path = tmp_path / "export.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.writelines(write_jsonl(records_to_write()))
    with path.open(encoding="utf-8") as lines:
        assert list(read_jsonl(lines, str(path))) == records_to_write()


def test_write_jsonl_is_lazy():
    def endless():
        while True:
            yield PaperRecord(source="jsonl", key="title:x", title="X")

    lines = write_jsonl(endless())
    assert next(lines) == next(lines)


# ------------------------------------------------------------------------------ real data


def test_daily_papers_sample_reads_as_title_keyed_records(shared):
    path = shared / "data" / "daily-papers-sample.jsonl"
    with path.open(encoding="utf-8") as lines:
        items = list(read_jsonl(lines, str(path)))
    errors = [i for i in items if isinstance(i, RecordError)]
    assert errors == []
    assert len(items) == 134
    assert all(r.key.startswith("title:") and r.title and r.abstract for r in items)
    assert items[0].title == "Pedagogical Alignment of Large Language Models"
    assert items[0].key == "title:pedagogical alignment of large language models"
