"""Semantic Scholar's batch endpoint: records, citation counts kept and shown, passes that go on."""

from __future__ import annotations

import datetime as dt
import json

import orjson
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from werkzeug import Request, Response

from paperhaul.errors import SourceFormatError, SourceRejected, SourceUnavailable
from paperhaul.papers.citation_counts import counts_of
from paperhaul.papers.ingest.http import HttpClient
from paperhaul.papers.ingest.semantic_scholar import BATCH, asked_id, fetch_batch, record
from paperhaul.papers.models import Paper, SourceRecord, SyncState
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library

BATCH_PATH = "/s2/paper/batch"
JSON = "application/json"
ATTENTION = {
    "paperId": "204e3073870fae3d05bcbc2f6a8e263d9b72e776",
    "externalIds": {"ArXiv": "1706.03762", "DBLP": "conf/nips/VaswaniSPUJGKP17", "CorpusId": 13756489},
    "title": "Attention is All you Need",
    "abstract": None,
    "authors": [
        {"authorId": "40348417", "name": "Ashish Vaswani"},
        {"authorId": "1846258", "name": "Noam  Shazeer"},
    ],
    "venue": "Neural Information Processing Systems",
    "publicationDate": "2017-06-12",
    "citationCount": 151234,
    "influentialCitationCount": 18765,
    "referenceCount": 41,
}
BIORXIV = {
    "paperId": "abc123",
    "externalIds": {"DOI": "10.1101/2023.04.30.538439"},
    "title": "Protein language models at scale",
    "abstract": "We train protein models.",
    "authors": [],
    "venue": "bioRxiv",
    "publicationDate": "2023-05-01",
    "citationCount": 12,
    "influentialCitationCount": 1,
    "referenceCount": 80,
}


def test_asked_ids_name_arxiv_and_doi_keys_only():
    assert asked_id("arxiv:1706.03762") == "ARXIV:1706.03762"
    assert asked_id("arxiv:hep-th/9901001") == "ARXIV:hep-th/9901001"
    assert asked_id("doi:10.1101/2023.04.30.538439") == "DOI:10.1101/2023.04.30.538439"
    assert asked_id("url:https://github.com/openai/whisper") is None
    assert asked_id("title:attention") is None


def test_a_paper_becomes_a_record_under_the_library_s_key():
    found = record("arxiv:1706.03762", ATTENTION)
    assert (found.source, found.key, found.source_id) == (
        "semantic-scholar",
        "arxiv:1706.03762",
        "arxiv:1706.03762",
    )
    assert found.title == "Attention is All you Need" and found.abstract == ""
    assert found.authors == ("Ashish Vaswani", "Noam Shazeer")
    assert found.published == dt.date(2017, 6, 12)
    assert found.journal_ref == "Neural Information Processing Systems"
    assert found.aliases == ()
    assert found.extra == {
        "citations": 151234,
        "influential_citations": 18765,
        "references": 41,
        "paper_id": ATTENTION["paperId"],
    }


def test_the_tldr_is_kept_with_its_model():
    paper = dict(ATTENTION, tldr={"model": "tldr@v2.0.0", "text": " A new simple network\narchitecture. "})
    found = record("arxiv:1706.03762", paper)
    assert (found.extra["tldr"], found.extra["tldr_model"]) == (
        "A new simple network architecture.",
        "tldr@v2.0.0",
    )
    for missing in (None, {"model": "tldr@v2.0.0", "text": None}, {"text": "  "}, "text"):
        assert "tldr" not in record("arxiv:1706.03762", dict(ATTENTION, tldr=missing)).extra


def test_arxiv_as_a_venue_and_arxiv_s_own_doi_say_nothing():
    paper = dict(
        ATTENTION, venue="arXiv.org", externalIds={"ArXiv": "1706.03762", "DOI": "10.48550/arXiv.1706.03762"}
    )
    found = record("arxiv:1706.03762", paper)
    assert (found.journal_ref, found.doi) == ("", "")
    published = dict(ATTENTION, externalIds={"ArXiv": "1706.03762", "DOI": "10.5555/3295222.3295349"})
    assert record("arxiv:1706.03762", published).doi == "10.5555/3295222.3295349"


def test_the_page_address_quotes_the_id():
    from paperhaul.papers.ingest.semantic_scholar import page_url

    assert page_url("204e3073") == "https://www.semanticscholar.org/paper/204e3073"
    assert page_url('x/../"y') == "https://www.semanticscholar.org/paper/x%2F..%2F%22y"


def test_odd_values_are_left_out():
    paper = dict(
        ATTENTION, citationCount="many", influentialCitationCount=-1, publicationDate="2017", authors="x"
    )
    found = record("arxiv:1706.03762", paper)
    assert found.extra == {"references": 41, "paper_id": ATTENTION["paperId"]}
    assert (found.published, found.authors) == (None, ())


# ------------------------------------------------------------------------------------ the API


def serve_batch(site, known: dict[str, dict], *, seen: list | None = None) -> None:
    def handler(request: Request) -> Response:
        body = json.loads(request.data)
        if seen is not None:
            seen.append(
                {
                    "ids": body["ids"],
                    "fields": request.args["fields"],
                    "key": request.headers.get("x-api-key"),
                }
            )
        return Response(orjson.dumps([known.get(i) for i in body["ids"]]), content_type=JSON)

    site.server.expect_request(BATCH_PATH, method="POST").respond_with_handler(handler)


@pytest.mark.network_source
def test_a_batch_keeps_the_known_papers_under_their_keys(site, http_client):
    seen: list = []
    serve_batch(site, {"ARXIV:1706.03762": ATTENTION, "DOI:10.1101/2023.04.30.538439": BIORXIV}, seen=seen)
    keys = [
        "arxiv:1706.03762",
        "url:https://example.org/x",
        "arxiv:2401.99999",
        "doi:10.1101/2023.04.30.538439",
    ]
    found = fetch_batch(http_client, site.url("/s2"), keys, api_key="s2-secret")
    assert [c.record.key for c in found] == ["arxiv:1706.03762", "doi:10.1101/2023.04.30.538439"]
    assert seen == [
        {
            "ids": ["ARXIV:1706.03762", "ARXIV:2401.99999", "DOI:10.1101/2023.04.30.538439"],
            "fields": "externalIds,title,abstract,authors,venue,publicationDate,"
            "citationCount,influentialCitationCount,referenceCount,tldr,references.externalIds",
            "key": "s2-secret",
        }
    ]


def test_nothing_to_ask_asks_nothing(http_client):
    assert fetch_batch(http_client, "http://127.0.0.1:9", ["url:https://example.org/x", "title:t"]) == []


def test_more_than_a_batch_is_refused_before_asking(http_client):
    with pytest.raises(ValueError, match="at most 500"):
        fetch_batch(http_client, "http://127.0.0.1:9", [f"arxiv:2401.{n:05d}" for n in range(BATCH + 1)])


def _failures():
    def answer(body, status=200, content_type=JSON, headers=None):
        return lambda site: site.server.expect_request(BATCH_PATH, method="POST").respond_with_response(
            Response(body, status=status, content_type=content_type, headers=headers)
        )

    return [
        pytest.param(
            answer(b'{"message": "Forbidden"}', 403), SourceRejected, r"Semantic Scholar: Forbidden", id="403"
        ),
        pytest.param(
            answer(b'{"error": "Unrecognized or unsupported fields: [cites]"}', 400),
            SourceRejected,
            r"Semantic Scholar: Unrecognized or unsupported fields",
            id="400",
        ),
        pytest.param(
            answer(b'{"message": "Too Many Requests"}', 429, headers={"Retry-After": "2"}),
            SourceUnavailable,
            r"HTTP 429 .*after 3 tries",
            id="429",
        ),
        pytest.param(answer(b"", 503), SourceUnavailable, r"HTTP 503 .*after 3 tries", id="503"),
        pytest.param(
            answer(b'[{"paperId": "x"'), SourceFormatError, r"Semantic Scholar: not JSON", id="malformed"
        ),
        pytest.param(
            answer(b"[null, null]"), SourceFormatError, r"expected a list of 1 papers", id="wrong-length"
        ),
        pytest.param(
            answer(b"<!DOCTYPE html><html><body>Gateway</body></html>", content_type="text/html"),
            SourceFormatError,
            r"expected JSON, got an HTML page",
            id="html",
        ),
        pytest.param(
            lambda site: site.server.expect_request(BATCH_PATH, method="POST").respond_with_handler(
                lambda request: Response("", status=307, headers={"Location": site.url(BATCH_PATH)})
            ),
            SourceUnavailable,
            r"redirect",
            id="redirect-loop",
        ),
    ]


@pytest.mark.network_source
@pytest.mark.parametrize("install, error, pattern", _failures())
def test_every_failure_is_a_clear_error(site, fake_clock, install, error, pattern):
    install(site)
    client = HttpClient(timeout=0.5, retries=2, backoff=1.0, sleep=fake_clock.sleep, clock=fake_clock)
    with client, pytest.raises(error, match=pattern) as info:
        fetch_batch(client, site.url("/s2"), ["arxiv:1706.03762"])
    assert site.url(BATCH_PATH) in str(info.value)


@pytest.mark.network_source
def test_a_time_out_is_a_clear_error(site, fake_clock):
    def slow(request):
        site.release.wait(10)
        return Response("[]", content_type=JSON)

    site.server.expect_request(BATCH_PATH, method="POST").respond_with_handler(slow)
    client = HttpClient(timeout=0.25, retries=1, backoff=1.0, sleep=fake_clock.sleep, clock=fake_clock)
    with client, pytest.raises(SourceUnavailable, match="timed out after 2 tries"):
        fetch_batch(client, site.url("/s2"), ["arxiv:1706.03762"])


# ------------------------------------------------------------------------ the library's counts


@pytest.fixture
def counts_api(settings, site):
    settings.PAPERHAUL_SEMANTIC_SCHOLAR_API_URL = site.url("/s2")
    settings.PAPERHAUL_SEMANTIC_SCHOLAR_DELAY = 0
    settings.PAPERHAUL_SEMANTIC_SCHOLAR_API_KEY = ""
    settings.PAPERHAUL_HTTP_RETRIES = 0
    return site


def add(key: str, title: str, **fields) -> Paper:
    source = "arxiv-api" if key.startswith("arxiv:") else "web"
    Library().upsert([PaperRecord(source=source, key=key, title=title, **fields)])
    return Paper.objects.get(key=key)


@pytest.mark.django_db
def test_counts_are_kept_shown_and_never_overwrite_arxiv_s_metadata(counts_api, capsys, client):
    paper = add("arxiv:1706.03762", "Attention Is All You Need", authors=("Ashish Vaswani",))
    add("url:https://example.org/blog", "A blog post")  # not asked: Semantic Scholar knows no links
    seen: list = []
    known = {"ARXIV:1706.03762": ATTENTION}
    serve_batch(counts_api, known, seen=seen)
    call_command("sync", "semantic-scholar")
    assert capsys.readouterr().out.strip() == "added 0 / updated 1 / unchanged 0 / failed 0"
    assert seen[0]["ids"] == ["ARXIV:1706.03762"]
    paper.refresh_from_db()
    assert paper.title == "Attention Is All You Need" and paper.authors == ["Ashish Vaswani"], "arXiv's stay"
    assert paper.journal_ref == "Neural Information Processing Systems", "what arXiv lacked is filled in"
    cited = counts_of(paper)
    assert cited == {
        "count": 151234,
        "influential": 18765,
        "source": "Semantic Scholar",
        "as_of": timezone.localdate().isoformat(),
        "url": f"https://www.semanticscholar.org/paper/{ATTENTION['paperId']}",
    }
    call_command("show", "1706.03762")
    assert f"cited by: 151,234 (Semantic Scholar, {cited['as_of']})" in capsys.readouterr().out
    call_command("show", "1706.03762", "--json")
    assert json.loads(capsys.readouterr().out)["citations"]["count"] == 151234
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/papers/1706.03762").content.decode()
    assert "<dt>Cited by</dt>" in html and ">151,234 papers</a>, 18,765 building on it" in html
    counts_read = [q["sql"] for q in queries if "semantic-scholar" in q["sql"] and "sourcerecord" in q["sql"]]
    assert len(counts_read) == 1, "the page reads the counts once"

    call_command("sync", "semantic-scholar")  # counted today: nothing is due
    assert capsys.readouterr().out.strip() == "added 0 / updated 0 / unchanged 0 / failed 0"
    assert len(seen) == 1
    a_week_ago = timezone.now() - dt.timedelta(days=8)
    SourceRecord.objects.filter(source="semantic-scholar").update(fetched_at=a_week_ago)
    call_command("sync", "semantic-scholar", "--json")  # due again; the same counts
    assert json.loads(capsys.readouterr().out)["unchanged"] == 1
    call_command("sync", "semantic-scholar")
    assert len(seen) == 2, "asked a week later, not again the next time"
    capsys.readouterr()
    SourceRecord.objects.filter(source="semantic-scholar").update(fetched_at=a_week_ago)
    known["ARXIV:1706.03762"] = dict(ATTENTION, citationCount=151300)
    call_command("sync", "semantic-scholar", "--json")
    assert json.loads(capsys.readouterr().out)["updated"] == 1
    assert counts_of(paper)["count"] == 151300


@pytest.mark.django_db
def test_a_pass_cut_short_goes_on_where_it_stopped_and_unknown_papers_are_noted(counts_api, capsys):
    papers = [add(f"arxiv:2401.0000{n}", f"Paper {n}") for n in range(5)]
    seen: list = []
    serve_batch(
        counts_api,
        {f"ARXIV:2401.0000{n}": dict(BIORXIV, paperId=f"p{n}", title=f"Paper {n}") for n in range(4)},
        seen=seen,
    )
    call_command("sync", "semantic-scholar", "--limit", "3")
    assert seen[-1]["ids"] == [f"ARXIV:2401.0000{n}" for n in range(3)]
    assert SyncState.objects.get(name="semantic-scholar").resumption_token == str(papers[2].pk)
    capsys.readouterr()
    call_command("sync", "semantic-scholar", "--limit", "3", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert seen[-1]["ids"] == ["ARXIV:2401.00003", "ARXIV:2401.00004"]
    assert summary["notes"] == [
        f"going on from the paper after #{papers[2].pk}, where the last pass stopped",
        "1 papers are not known to Semantic Scholar (yet)",
    ]
    assert SyncState.objects.get(name="semantic-scholar").resumption_token == "", "the pass is over"
    call_command("sync", "semantic-scholar")  # the next pass: only the unknown paper is due
    assert seen[-1]["ids"] == ["ARXIV:2401.00004"]


@pytest.mark.django_db
def test_bad_arguments_and_an_unreachable_api_are_one_clear_error(counts_api, settings):
    add("arxiv:1706.03762", "Attention Is All You Need")
    with pytest.raises(CommandError, match="--limit must be at least 1"):
        call_command("sync", "semantic-scholar", "--limit", "0")
    settings.PAPERHAUL_SEMANTIC_SCHOLAR_API_URL = "http://127.0.0.1:9/s2"
    with pytest.raises(CommandError, match="unreachable"):
        call_command("sync", "semantic-scholar")
    assert not SourceRecord.objects.filter(source="semantic-scholar").exists()
    assert SyncState.objects.get(name="semantic-scholar").resumption_token == ""


@pytest.mark.django_db
def test_a_preprint_and_its_published_version_each_keep_their_counts(counts_api):
    """Two items of the library (an arXiv preprint, its DOI) are one paper on Semantic Scholar."""
    preprint = add("arxiv:1706.03762", "Attention Is All You Need")
    published = add("doi:10.5555/3295222.3295349", "Attention is All you Need")
    known = {"ARXIV:1706.03762": ATTENTION, "DOI:10.5555/3295222.3295349": ATTENTION}
    serve_batch(counts_api, known)
    call_command("sync", "semantic-scholar")
    call_command("sync", "semantic-scholar", "--stale-days", "0")  # asked again: nothing moves
    assert counts_of(preprint)["count"] == counts_of(published)["count"] == 151234
    assert SourceRecord.objects.filter(source="semantic-scholar").count() == 2


@pytest.mark.django_db
def test_a_paper_only_a_link_described_is_still_one_to_refresh(counts_api):
    from paperhaul.papers.refresh import incomplete

    Library().upsert([PaperRecord(source="links", key="arxiv:1706.03762", title="attention")])
    serve_batch(counts_api, {"ARXIV:1706.03762": ATTENTION})
    call_command("sync", "semantic-scholar")
    paper = Paper.objects.get(key="arxiv:1706.03762")
    assert paper.title == "Attention is All you Need", "what the link gave is improved on"
    assert counts_of(paper)["count"] == 151234
    assert incomplete() == ["arxiv:1706.03762"], "arXiv's own record is still to be fetched"


@pytest.mark.django_db
def test_counting_records_the_references_shown_on_pages_and_by_show(counts_api, capsys, client):
    def cites(arxiv: str) -> dict:
        return {"paperId": "x", "externalIds": {"ArXiv": arxiv}}

    add("arxiv:1706.03762", "Attention Is All You Need")
    add("arxiv:1409.0473", "Neural Machine Translation by Jointly Learning to Align and Translate")
    attention = dict(ATTENTION, references=[cites("1409.0473"), {"externalIds": {"DOI": "10.1/not-here"}}])
    serve_batch(
        counts_api, {"ARXIV:1706.03762": attention, "ARXIV:1409.0473": dict(ATTENTION, references=[])}
    )
    call_command("sync", "semantic-scholar")
    capsys.readouterr()
    call_command("show", "1706.03762", "--json")
    shown = json.loads(capsys.readouterr().out)
    assert shown["cites_in_library"] == ["arxiv:1409.0473"] and shown["cited_by_in_library"] == []
    assert "not-here" not in json.dumps(shown["sources"]), "the keys stay out of the source record"
    page = client.get("/papers/1409.0473").content.decode()
    assert "Citations in this library" in page and "Cited by 1 paper here" in page
    assert 'href="/papers/1706.03762"' in page


@pytest.mark.django_db
def test_an_answer_too_large_with_references_is_asked_again_without(counts_api, capsys, caplog):
    """Semantic Scholar caps an answer at 10 MB; a batch of surveys asked with their references can
    go over. The pass goes on with the counts alone rather than sticking at that batch."""
    add("arxiv:1706.03762", "Attention Is All You Need")
    asked: list[str] = []

    def handler(request: Request) -> Response:
        asked.append(request.args["fields"])
        if "references" in request.args["fields"]:
            return Response(
                '{"error": "Response would exceed maximum size of 10 MB"}', status=400, content_type=JSON
            )
        return Response(orjson.dumps([ATTENTION]), content_type=JSON)

    counts_api.server.expect_request(BATCH_PATH, method="POST").respond_with_handler(handler)
    call_command("sync", "semantic-scholar")
    assert capsys.readouterr().out.strip() == "added 0 / updated 1 / unchanged 0 / failed 0"
    assert ["references" in fields for fields in asked] == [True, False]
    assert "exceed maximum size" in caplog.text
    assert counts_of(Paper.objects.get())["count"] == 151234
