"""OpenReview's API 2: notes read as papers, a venue paged through, one forum fetched, failures."""

from __future__ import annotations

import copy
import datetime as dt
import logging

import orjson
import pytest
from werkzeug import Response

from paperhaul.errors import RecordError, SourceFormatError, SourceRejected, SourceUnavailable
from paperhaul.papers.ingest import openreview
from paperhaul.papers.ingest.http import HttpClient
from paperhaul.papers.ingest.openreview import PAGE_SIZE, fetch_forum, parse_note, venue_pages
from tests.papers.ingest.conftest import gzip_response

DAY_MS = 86_400_000
# 2024-10-04, 2025-01-23, 2025-02-28 and 2024-09-28 at noon, UTC, in milliseconds.
ODATE, PDATE, MDATE, CDATE = 1728043200000, 1737633600000, 1740744000000, 1727524800000
BIBTEX = """@inproceedings{
smith2025scaling,
title={Scaling Laws for Sparse Mixture-of-Experts},
author={Alice Smith and Bj{\\"o}rn Jones},
booktitle={The Thirteenth International Conference on Learning Representations},
year={2025},
url={https://openreview.net/forum?id=abcDEF123x}
}"""
# An accepted paper as API 2 answers it (content fields are {"value": ...} objects).
ACCEPTED = {
    "id": "abcDEF123x",
    "forum": "abcDEF123x",
    "number": 4321,
    "cdate": CDATE,
    "odate": ODATE,
    "pdate": PDATE,
    "mdate": MDATE,
    "domain": "ICLR.cc/2025/Conference",
    "invitations": ["ICLR.cc/2025/Conference/-/Submission", "ICLR.cc/2025/Conference/-/Post_Submission"],
    "readers": ["everyone"],
    "content": {
        "title": {"value": "Scaling Laws for Sparse\n  Mixture-of-Experts"},
        "authors": {"value": ["Alice Smith", "Björn  Jones"]},
        "authorids": {"value": ["~Alice_Smith1", "~Björn_Jones1"]},
        "keywords": {"value": ["mixture of experts", " scaling laws "]},
        "TLDR": {"value": "Sparse experts follow their own scaling law."},
        "abstract": {"value": "We fit scaling laws\nto sparse models."},
        "primary_area": {"value": "foundation or frontier models, including LLMs"},
        "venue": {"value": "ICLR 2025 Oral"},
        "venueid": {"value": "ICLR.cc/2025/Conference"},
        "pdf": {"value": "/pdf/3f2c9a0e.pdf"},
        "_bibtex": {"value": BIBTEX},
        "paperhash": {"value": "smith|scaling_laws_for_sparse_mixtureofexperts"},
    },
}
# A paper under review: anonymous (no authors field readable), "Submitted to" as its venue.
UNDER_REVIEW = {
    "id": "Zy9Q-8_k2L",
    "forum": "Zy9Q-8_k2L",
    "number": 17,
    "cdate": CDATE,
    "odate": ODATE,
    "mdate": MDATE,
    "content": {
        "title": {"value": "A Paper Under Review"},
        "abstract": {"value": "Still being reviewed."},
        "venue": {"value": "Submitted to ICLR 2026"},
        "venueid": {"value": "ICLR.cc/2026/Conference/Submission"},
        "pdf": {"value": "/pdf/99.pdf"},
        "_bibtex": {
            "value": "@inproceedings{anonymous2025a,\ntitle={A Paper Under Review},\nauthor={Anonymous},\n"
            "booktitle={Submitted to The Fourteenth International Conference on Learning Representations},\n"
            "year={2025},\nnote={under review}\n}"
        },
    },
}
# API 1 wrote content values bare.
API_1 = {
    "id": "B1lfHhR9tm",
    "forum": "B1lfHhR9tm",
    "tcdate": CDATE,
    "content": {
        "title": "The Neuro-Symbolic Concept Learner",
        "authors": ["Jiayuan Mao", "Chuang Gan"],
        "abstract": "We propose the NS-CL.",
        "venue": "ICLR 2019",
        "pdf": "/pdf/abc.pdf",
    },
}
REVIEW = {"id": "rev1", "forum": "abcDEF123x", "content": {"title": {"value": "Official review"}}}
JSON = "application/json"
NOTES = "/notes"


def test_an_accepted_paper():
    record = parse_note(ACCEPTED)
    assert record.source == "openreview"
    assert record.key == "url:https://openreview.net/forum?id=abcDEF123x"
    assert record.source_id == "abcDEF123x"
    assert record.title == "Scaling Laws for Sparse Mixture-of-Experts"
    assert record.abstract == "We fit scaling laws to sparse models."
    assert record.authors == ("Alice Smith", "Björn Jones")
    assert record.published == dt.date(2024, 10, 4), "first public: opened before it was published"
    assert record.updated == dt.date(2025, 2, 28)
    assert record.comments == "ICLR 2025 Oral"
    assert record.journal_ref == "The Thirteenth International Conference on Learning Representations (2025)"
    assert record.abs_url == "https://openreview.net/forum?id=abcDEF123x"
    assert record.pdf_url == "https://openreview.net/pdf?id=abcDEF123x"
    assert record.extra == {
        "venue": "ICLR 2025 Oral",
        "venue_id": "ICLR.cc/2025/Conference",
        "number": 4321,
        "keywords": ["mixture of experts", "scaling laws"],
        "tldr": "Sparse experts follow their own scaling law.",
        "primary_area": "foundation or frontier models, including LLMs",
    }


def test_a_paper_under_review_has_no_authors_and_no_journal():
    record = parse_note(UNDER_REVIEW)
    assert record.authors == ()
    assert record.comments == "Submitted to ICLR 2026"
    assert record.journal_ref == ""
    assert record.published == dt.date(2024, 10, 4)


def test_anonymous_authors_are_no_authors():
    note = copy.deepcopy(UNDER_REVIEW)
    note["content"]["authors"] = {"value": ["Anonymous"]}
    assert parse_note(note).authors == ()


def test_api_1_notes_with_bare_values():
    record = parse_note(API_1)
    assert record.key == "url:https://openreview.net/forum?id=B1lfHhR9tm"
    assert record.authors == ("Jiayuan Mao", "Chuang Gan")
    assert record.comments == "ICLR 2019"
    assert record.journal_ref == ""  # no BibTeX to name the proceedings
    assert record.published == dt.date(2024, 9, 28)


def test_the_payload_hash_follows_the_note():
    changed = copy.deepcopy(ACCEPTED)
    changed["content"]["venue"]["value"] = "ICLR 2025 Poster"
    assert parse_note(changed).payload_hash != parse_note(ACCEPTED).payload_hash
    assert parse_note(copy.deepcopy(ACCEPTED)).payload_hash == parse_note(ACCEPTED).payload_hash


@pytest.mark.parametrize(
    "note, reason",
    [
        (REVIEW, "a reply, not a paper"),
        ({"id": "x1", "forum": "x1", "content": {"title": {"value": "  "}}}, "no title"),
        ({"id": "x1", "forum": "x1"}, "no content"),
        (["not", "a", "note"], "not an object"),
        ({"id": "x1", "forum": "x1", "content": {"title": {"value": 3}}}, "no title"),
    ],
)
def test_notes_that_are_no_paper_are_record_errors(note, reason):
    with pytest.raises(RecordError, match=reason):
        parse_note(note)


def test_odd_field_types_are_ignored_not_fatal():
    note = copy.deepcopy(ACCEPTED)
    note["content"]["authors"] = {"value": ["Alice Smith", 7, None]}
    note["content"]["keywords"] = {"value": "not a list"}
    note["content"]["_bibtex"] = {"value": "not bibtex at all"}
    note["pdate"] = "yesterday"
    note["number"] = "12"
    record = parse_note(note)
    assert record.authors == ("Alice Smith",)
    assert record.journal_ref == ""
    assert record.published == dt.date(2024, 10, 4)
    assert "keywords" not in record.extra and "number" not in record.extra


def test_keys_of_forum_links():
    assert openreview.forum_of_key("url:https://openreview.net/forum?id=abcDEF123x") == "abcDEF123x"
    assert openreview.forum_of_key("url:https://openreview.net/group?id=TMLR") is None
    assert openreview.forum_of_key("arxiv:2401.00001") is None


# ------------------------------------------------------------------------------------ the API


def numbered(count: int, start: int = 0) -> list[dict]:
    notes = []
    for number in range(start, start + count):
        note = copy.deepcopy(API_1)
        note["id"] = note["forum"] = f"forum{number:05d}"
        note["content"]["title"] = f"Paper number {number}"
        notes.append(note)
    return notes


def serve_venue(site, total: int) -> None:
    """A venue of ``total`` notes, paged as OpenReview's API pages them (made once, sliced per page)."""
    notes = numbered(total)

    def handler(request):
        offset, limit = int(request.args["offset"]), int(request.args["limit"])
        return Response(
            orjson.dumps({"notes": notes[offset : offset + limit], "count": total}), content_type=JSON
        )

    site.handle(NOTES, handler)


@pytest.fixture
def paging_client(fake_clock) -> HttpClient:
    """A client that waits for a page of a thousand notes on a loaded machine and never retries, so
    the requests a test counts are the pages asked for (the shared client's 0.5 s time-out once
    made a slow first page be asked twice)."""
    client = HttpClient(timeout=10.0, retries=0, sleep=fake_clock.sleep, clock=fake_clock)
    yield client
    client.close()


@pytest.mark.network_source
def test_a_venue_is_paged_a_thousand_notes_at_a_time(site, paging_client):
    serve_venue(site, PAGE_SIZE * 2 + 3)
    pages = list(venue_pages(paging_client, site.url(""), "ICLR.cc/2025/Conference"))
    assert [len(page.records) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 3]
    assert {page.count for page in pages} == {PAGE_SIZE * 2 + 3}
    assert site.queries(NOTES) == [
        {"content.venueid": "ICLR.cc/2025/Conference", "limit": str(PAGE_SIZE), "offset": str(offset)}
        for offset in (0, PAGE_SIZE, PAGE_SIZE * 2)
    ]
    keys = [record.key for page in pages for record in page.records]
    assert len(set(keys)) == PAGE_SIZE * 2 + 3


@pytest.mark.network_source
def test_a_venue_of_exactly_one_page_asks_once(site, paging_client):
    serve_venue(site, PAGE_SIZE)
    assert [len(page.records) for page in venue_pages(paging_client, site.url(""), "TMLR")] == [PAGE_SIZE]
    assert len(site.requests(NOTES)) == 1


@pytest.mark.network_source
def test_a_server_that_ignores_the_offset_is_an_error_not_an_endless_loop(site, paging_client):
    page = orjson.dumps({"notes": numbered(PAGE_SIZE)})  # no count, and the same page every time
    site.serve(NOTES, page, content_type=JSON)
    with pytest.raises(SourceFormatError, match="the page at offset 1000 repeats an earlier one"):
        list(venue_pages(paging_client, site.url(""), "TMLR"))
    assert len(site.requests(NOTES)) == 2


@pytest.mark.network_source
def test_a_reply_among_the_notes_is_skipped_and_logged(site, http_client, caplog):
    site.serve(NOTES, orjson.dumps({"notes": [REVIEW, ACCEPTED], "count": 2}), content_type=JSON)
    with caplog.at_level(logging.WARNING):
        [page] = venue_pages(http_client, site.url(""), "ICLR.cc/2025/Conference")
    assert [r.source_id for r in page.records] == ["abcDEF123x"]
    assert page.notes == 2
    assert "a reply, not a paper" in caplog.text


@pytest.mark.network_source
def test_one_forum(site, http_client):
    site.serve(NOTES, orjson.dumps({"notes": [ACCEPTED]}), content_type=JSON)
    record = fetch_forum(http_client, [site.url("/")], "abcDEF123x")
    assert record is not None and record.title == "Scaling Laws for Sparse Mixture-of-Experts"
    assert site.queries(NOTES) == [{"id": "abcDEF123x"}]


@pytest.mark.network_source
@pytest.mark.parametrize("status", [404, 403])
def test_a_forum_the_api_does_not_have_is_none(site, http_client, status):
    error = {"name": "NotFoundError", "message": "The Note abc was not found", "status": status}
    site.serve(NOTES, orjson.dumps(error), status=status, content_type=JSON)
    assert fetch_forum(http_client, [site.url("")], "abc") is None


@pytest.mark.network_source
def test_a_forum_api_2_does_not_have_is_asked_of_api_1(site, http_client):
    error = {"name": "NotFoundError", "message": "The Note B1lfHhR9tm was not found", "status": 404}
    site.serve("/v2/notes", orjson.dumps(error), status=404, content_type=JSON)
    site.serve("/v1/notes", orjson.dumps({"notes": [API_1]}), content_type=JSON)
    record = fetch_forum(http_client, [site.url("/v2"), site.url("/v1")], "B1lfHhR9tm")
    assert record is not None and record.title == "The Neuro-Symbolic Concept Learner"
    assert site.queries("/v1/notes") == [{"id": "B1lfHhR9tm"}]


@pytest.mark.network_source
def test_an_empty_answer_for_a_forum_is_none(site, http_client):
    site.serve(NOTES, orjson.dumps({"notes": [], "count": 0}), content_type=JSON)
    assert fetch_forum(http_client, [site.url("")], "abc") is None


@pytest.mark.network_source
def test_the_api_error_document_is_the_error(site, http_client):
    error = {"name": "ValidationError", "message": "limit must be <= 1000", "status": 400}
    site.serve(NOTES, orjson.dumps(error), status=400, content_type=JSON)
    with pytest.raises(SourceRejected, match="OpenReview: ValidationError: limit must be <= 1000") as info:
        list(venue_pages(http_client, site.url(""), "TMLR"))
    assert site.url(NOTES) in str(info.value)


def _json_failures():
    page = orjson.dumps({"notes": numbered(3), "count": 3})
    html = b"<!DOCTYPE html><html><body>Maintenance</body></html>"
    return [
        pytest.param(
            lambda site: site.serve(NOTES, status=503, headers={"Retry-After": "5"}),
            SourceUnavailable,
            r"HTTP 503 .*after 3 tries",
            id="http-503",
        ),
        pytest.param(
            lambda site: site.serve(NOTES, status=429, content_type="text/plain"),
            SourceUnavailable,
            r"HTTP 429 .*after 3 tries",
            id="http-429",
        ),
        pytest.param(lambda site: site.block(NOTES), SourceUnavailable, r"timed out", id="time-out"),
        pytest.param(
            lambda site: site.serve(NOTES, page[:-20], content_type=JSON),
            SourceFormatError,
            r"OpenReview: not JSON",
            id="malformed-json",
        ),
        pytest.param(
            lambda site: site.handle(NOTES, lambda request: gzip_response(page, keep=0.6)),
            SourceFormatError,
            r"compressed response cut short|not JSON",
            id="truncated-gzip",
        ),
        pytest.param(
            lambda site: site.serve(NOTES, html, content_type="text/html"),
            SourceFormatError,
            r"expected JSON, got an HTML page",
            id="html-error-page",
        ),
        pytest.param(
            lambda site: site.serve(NOTES, b'{"count": 3}', content_type=JSON),
            SourceFormatError,
            r"expected an object with a list of notes",
            id="no-notes",
        ),
        pytest.param(
            lambda site: site.serve(NOTES, status=302, headers={"Location": NOTES}),
            SourceUnavailable,
            r"redirect",
            id="redirect-loop",
        ),
    ]


@pytest.mark.network_source
@pytest.mark.parametrize("install, error, pattern", _json_failures())
def test_every_failure_is_a_clear_error(site, fake_clock, install, error, pattern):
    from paperhaul.papers.ingest.http import HttpClient

    install(site)
    client = HttpClient(timeout=0.25, retries=2, backoff=1.0, sleep=fake_clock.sleep, clock=fake_clock)
    try:
        with pytest.raises(error, match=pattern) as info:
            list(venue_pages(client, site.url(""), "TMLR"))
    finally:
        client.close()
    assert site.url(NOTES) in str(info.value)
