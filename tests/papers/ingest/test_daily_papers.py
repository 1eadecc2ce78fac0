"""Daily-papers JSON (Hugging Face api/daily_papers shape): parsing and fetching."""

from __future__ import annotations

import copy
import datetime as dt
import logging

import orjson
import pytest

from paperhaul.errors import RecordError, SourceFormatError, SourceRejected, SourceUnavailable
from paperhaul.papers.ingest.daily_papers import fetch_daily_papers, parse_daily_papers
from paperhaul.papers.records import PaperRecord

FULL = {
    "paper": {
        "id": "2311.11045",
        "authors": [
            {"_id": "6551", "name": "Arindam Mitra", "hidden": False},
            {"_id": "6552", "name": "Luciano Del Corro", "hidden": False},
            {"_id": "6553", "name": "  Shweti\nMahajan ", "hidden": True},
        ],
        "publishedAt": "2023-11-18T11:22:18.000Z",
        "submittedOnDailyAt": "2023-11-20T01:05:09.123Z",
        "title": "Orca 2: Teaching Small Language\n  Models How to Reason",
        "summary": "Orca 1 learns from rich signals,\nsuch as explanation traces.",
        "upvotes": 12,
        "discussionId": "655b0a1c",
        "githubRepo": "https://github.com/microsoft/orca",
        "submittedOnDailyBy": {"fullname": "Someone Else", "user": "else", "type": "user"},
    },
    "publishedAt": "2023-11-20T01:05:09.123Z",
    "title": "Orca 2: Teaching Small Language Models How to Reason",
    "thumbnail": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2311.11045.png",
    "numComments": 3,
    "submittedBy": {"_id": "60f1", "fullname": "AK", "name": "akhaliq", "type": "user"},
    "isAuthorParticipating": False,
}
# Older payloads: no GitHub link, no comments, the submitter only inside the paper.
MINIMAL = {
    "paper": {
        "id": "2312.00001v2",
        "title": "A Minimal Entry",
        "submittedOnDailyBy": {"fullname": "Daily Bot", "user": "dailybot"},
    }
}


def parse(entries: list) -> list:
    return list(parse_daily_papers(orjson.dumps(entries), "daily.json"))


def test_full_entry():
    [record] = parse([FULL])
    assert isinstance(record, PaperRecord)
    assert record.source == "daily-papers"
    assert record.key == "arxiv:2311.11045"
    assert record.title == "Orca 2: Teaching Small Language Models How to Reason"
    assert record.abstract == "Orca 1 learns from rich signals, such as explanation traces."
    assert record.authors == ("Arindam Mitra", "Luciano Del Corro", "Shweti Mahajan")
    assert record.published == dt.date(2023, 11, 18)
    assert record.code_url == "https://github.com/microsoft/orca"
    assert record.extra == {
        "upvotes": 12,
        "num_comments": 3,
        "submitted_by": "akhaliq",  # the entry's submitter wins over the paper's
        "daily_date": "2023-11-20",
        "github_repo": "https://github.com/microsoft/orca",
    }


def test_missing_optional_fields_are_left_out():
    [record] = parse([MINIMAL])
    assert record.key == "arxiv:2312.00001"  # version dropped
    assert record.title == "A Minimal Entry"
    assert (record.abstract, record.authors, record.published, record.code_url) == (
        "",
        (),
        None,
        "",
    )
    assert record.extra == {"submitted_by": "dailybot"}


def test_bare_paper_objects_are_accepted():
    [record] = parse([FULL["paper"]])
    assert record.key == "arxiv:2311.11045"
    assert record.extra["daily_date"] == "2023-11-20"  # from submittedOnDailyAt
    assert record.extra["upvotes"] == 12


def test_entry_known_only_by_title_gets_a_title_key():
    [record] = parse([{"paper": {"title": "Attention Is All You Need!"}}])
    assert record.key == "title:attention is all you need"


def test_extras_of_the_wrong_type_are_dropped_not_fatal():
    entry = copy.deepcopy(FULL)
    entry["paper"]["upvotes"] = "lots"
    entry["numComments"] = True
    [record] = parse([entry])
    assert "upvotes" not in record.extra and "num_comments" not in record.extra


def test_payload_hash_changes_with_the_entry():
    changed = copy.deepcopy(FULL)
    changed["paper"]["upvotes"] = 13
    first, again, other = parse([FULL, FULL, changed])
    assert first.payload_hash == again.payload_hash != other.payload_hash


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("not an entry", "not an object"),
        ({"paper": "2311.11045"}, "not an object"),
        ({"paper": {"upvotes": 3}}, "without id or title"),
        ({"paper": {"id": "2311.11045"}}, "without title"),
        ({"paper": {"id": 2311.11045, "title": "T"}}, "id is float"),
        ({"paper": {"id": "not an id", "title": "T"}}, "unusable paper id"),
        ({"paper": {"id": "2311.11045", "title": ["T"]}}, "title is list"),
        ({"paper": {"id": "2311.11045", "title": "T", "authors": "A, B"}}, "authors is str"),
        ({"paper": {"id": "2311.11045", "title": "T", "authors": [{"id": 1}]}}, "author without"),
        ({"paper": {"id": "2311.11045", "title": "T", "publishedAt": "yesterday"}}, "bad date"),
    ],
)
def test_malformed_entry_yields_a_record_error_with_its_index(bad, reason):
    items = parse([FULL, bad, MINIMAL])
    assert isinstance(items[0], PaperRecord) and isinstance(items[2], PaperRecord)
    error = items[1]
    assert isinstance(error, RecordError)
    assert error.line == 2
    assert error.path == "daily.json"
    assert reason in str(error)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"error": "Invalid date"}', "expected a JSON array, got an object"),
        (b"[{", "not JSON"),
        (b"<!DOCTYPE html><html><body>Rate limited</body></html>", "not JSON"),
        (b"", "not JSON"),
        (b"42", "expected a JSON array"),
    ],
)
def test_a_document_that_is_not_an_array_is_rejected_at_once(content, message):
    with pytest.raises(SourceFormatError, match=message):
        parse_daily_papers(content, "daily.json")  # raised before iterating


def test_empty_array_is_an_empty_day():
    assert parse([]) == []


# -------------------------------------------------------------------------------- network


JSON = "application/json"
API = "/api/daily_papers"


@pytest.mark.network_source
def test_fetch_a_day(site, http_client):
    site.serve(API, orjson.dumps([FULL, MINIMAL]), content_type=JSON)
    records = fetch_daily_papers(http_client, site.url(API), dt.date(2023, 11, 20))
    assert [r.key for r in records] == ["arxiv:2311.11045", "arxiv:2312.00001"]
    assert site.queries(API) == [{"date": "2023-11-20"}]


@pytest.mark.network_source
def test_fetch_without_a_day_sends_no_date(site, http_client):
    site.serve(API, orjson.dumps([MINIMAL]), content_type=JSON)
    records = fetch_daily_papers(http_client, site.url(API))
    assert [r.title for r in records] == ["A Minimal Entry"]
    assert site.queries(API) == [{}]


@pytest.mark.network_source
def test_fetch_skips_and_logs_a_bad_entry(site, http_client, caplog):
    site.serve(API, orjson.dumps([{"paper": {}}, MINIMAL]), content_type=JSON)
    with caplog.at_level(logging.WARNING):
        records = fetch_daily_papers(http_client, site.url(API))
    assert [r.key for r in records] == ["arxiv:2312.00001"]
    assert "without id or title" in caplog.text


@pytest.mark.network_source
def test_fetch_follows_a_redirect_to_the_real_endpoint(site, http_client):
    site.serve("/old", status=308, headers={"Location": site.url(API)})
    site.serve(API, orjson.dumps([FULL]), content_type=JSON)
    records = fetch_daily_papers(http_client, site.url("/old"))
    assert [r.key for r in records] == ["arxiv:2311.11045"]
    assert len(site.requests(API)) == 1


@pytest.mark.network_source
def test_errors_name_the_final_url_after_a_redirect(site, http_client):
    site.serve("/old", status=302, headers={"Location": site.url("/moved")})
    site.serve("/moved", b"[1, 2", content_type=JSON)
    with pytest.raises(SourceFormatError, match="not JSON") as info:
        fetch_daily_papers(http_client, site.url("/old"))
    assert site.url("/moved") in str(info.value)


@pytest.mark.network_source
def test_fetch_html_error_page_instead_of_json(site, http_client):
    page = b"<!DOCTYPE html><html><body>Maintenance</body></html>"
    site.serve(API, page, content_type="text/html")
    with pytest.raises(SourceFormatError, match="expected JSON, got an HTML page"):
        fetch_daily_papers(http_client, site.url(API))


@pytest.mark.network_source
def test_fetch_malformed_json(site, http_client):
    site.serve(API, b'[{"paper": {"id": "2311.11045"', content_type=JSON)
    with pytest.raises(SourceFormatError, match="not JSON") as info:
        fetch_daily_papers(http_client, site.url(API))
    assert site.url(API) in str(info.value)


@pytest.mark.network_source
def test_fetch_error_object_instead_of_a_list(site, http_client):
    site.serve(API, b'{"error": "Invalid date"}', content_type=JSON)
    with pytest.raises(SourceFormatError, match="expected a JSON array"):
        fetch_daily_papers(http_client, site.url(API), dt.date(1999, 1, 1))


@pytest.mark.network_source
def test_fetch_404(site, http_client):
    site.serve(API, b"not found", status=404, content_type="text/plain")
    with pytest.raises(SourceRejected, match="404"):
        fetch_daily_papers(http_client, site.url(API))


@pytest.mark.network_source
def test_fetch_redirect_loop(site, http_client):
    site.serve("/loop", status=302, headers={"Location": site.url("/loop")})
    with pytest.raises(SourceUnavailable, match="redirect"):
        fetch_daily_papers(http_client, site.url("/loop"))
