"""The arXiv API source against a local server speaking the API's Atom format."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from werkzeug import Request, Response

from paperhaul.errors import ArxivApiError, SourceFormatError, SourceRejected
from paperhaul.papers.ids import UnrecognisedIdentifier
from paperhaul.papers.ingest import arxiv_api
from paperhaul.papers.records import Version

pytestmark = pytest.mark.network_source
FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"

PATH = "/api/query"
UTC = dt.UTC


def entry_xml(arxiv_id: str, version: int = 1) -> str:
    return f"""
  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}v{version}</id>
    <updated>2023-11-2{version}T10:00:00Z</updated>
    <published>2023-11-20T10:00:00Z</published>
    <title>Paper {arxiv_id}</title>
    <summary>Abstract of {arxiv_id}.</summary>
    <author><name>Author of {arxiv_id}</name></author>
    <link href="http://arxiv.org/abs/{arxiv_id}v{version}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}v{version}" rel="related"
          type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.LG"
          scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>"""


def feed_xml(entries: list[str], total: int, start: int = 0) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query</title>
  <id>http://arxiv.org/api/fake</id>
  <updated>2023-11-22T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{start}</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{len(entries)}</opensearch:itemsPerPage>
  {"".join(entries)}
</feed>""".encode()


class FakeApi:
    """Answers id_list and search queries the way arXiv does (max_results defaults to 10)."""

    def __init__(self, corpus: list[str] | None = None, total: int | None = None) -> None:
        self.corpus = corpus or []
        self.total = len(self.corpus) if total is None else total

    def __call__(self, request: Request) -> Response:
        args = request.args
        start, count = int(args.get("start", 0)), int(args.get("max_results", 10))
        if args.get("id_list"):
            ids = args["id_list"].split(",")[:count]
            body = feed_xml([entry_xml(i) for i in ids], len(ids))
        else:
            ids = self.corpus[start : start + count]
            body = feed_xml([entry_xml(i) for i in ids], self.total, start)
        return Response(body, content_type="application/atom+xml; charset=UTF-8")


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def corpus(n: int) -> list[str]:
    return [f"2311.{i:05d}" for i in range(n)]


# -------------------------------------------------------------------------------- mapping


def test_every_field_is_mapped():
    records, total = arxiv_api.parse_feed(fixture_bytes("api_feed.xml"), "http://x/api")
    assert total == 3
    assert [r.key for r in records] == [
        "arxiv:2311.11077",
        "arxiv:hep-th/9901001",
        "arxiv:math/0309136",
    ]
    paper = records[0]
    assert paper.source == "arxiv-api"
    assert paper.source_id == "2311.11077"
    assert paper.title == "Sparse Mixtures of Tiny Experts for Low-Resource Machine Translation"
    assert paper.abstract == (
        "We study mixtures of very small experts for translation between low-resource "
        "languages. Routing is learned jointly with the experts and costs less than 2% of the "
        "compute of a dense model."
    )
    assert paper.authors == ("Ada K. Lovelace", "Alan Turing", "Grace Hopper")
    assert paper.published == dt.date(2023, 11, 18)
    assert paper.updated == dt.date(2023, 11, 21)
    assert paper.versions == (
        Version(1, dt.datetime(2023, 11, 18, 13, 45, 3, tzinfo=UTC)),
        Version(2, dt.datetime(2023, 11, 21, 17, 2, 11, tzinfo=UTC)),
    )
    assert paper.latest_version == 2
    assert paper.primary_category == "cs.CL"
    assert paper.categories == ("cs.CL", "cs.AI", "cs.LG")
    assert paper.doi == "10.18653/v1/2023.emnlp-main.999"
    assert paper.journal_ref == "Proceedings of EMNLP 2023, pages 1-12"
    assert paper.comments == "EMNLP 2023; 12 pages, 4 figures"
    assert paper.abs_url == "http://arxiv.org/abs/2311.11077v2"
    assert paper.pdf_url == "http://arxiv.org/pdf/2311.11077v2"


def test_old_style_ids_and_versions():
    records, _ = arxiv_api.parse_feed(fixture_bytes("api_feed.xml"))
    hep, math = records[1], records[2]
    assert (hep.key, hep.source_id) == ("arxiv:hep-th/9901001", "hep-th/9901001")
    assert hep.versions == (Version(1, dt.datetime(1999, 1, 4, 9, 12, 45, tzinfo=UTC)),)
    assert hep.doi == hep.journal_ref == ""
    assert (math.key, math.source_id) == ("arxiv:math/0309136", "math/0309136")
    assert [v.number for v in math.versions] == [1, 3]
    assert math.versions[1].created == dt.datetime(2004, 5, 2, 11, 0, tzinfo=UTC)
    assert math.primary_category == "math.GT"


def test_subject_class_in_an_old_style_id_is_dropped():
    feed = feed_xml([entry_xml("math.GT/0309136", 2)], 1)
    [record], _ = arxiv_api.parse_feed(feed)
    assert record.key == "arxiv:math/0309136"
    assert record.source_id == "math/0309136"
    assert record.latest_version == 2


def test_payload_hash_depends_on_the_entry_only():
    one, _ = arxiv_api.parse_feed(feed_xml([entry_xml("2311.00001")], 1))
    other_feed, _ = arxiv_api.parse_feed(
        feed_xml([entry_xml("2311.00009"), "\n\n  ", entry_xml("2311.00001")], 99, start=40)
    )
    changed, _ = arxiv_api.parse_feed(feed_xml([entry_xml("2311.00001", version=2)], 1))
    assert one[0].payload_hash == other_feed[1].payload_hash
    assert one[0].payload_hash != changed[0].payload_hash


def test_error_entry_raises_arxiv_api_error():
    with pytest.raises(ArxivApiError, match=r"incorrect id format for 1234\.123456 \(http://x\)"):
        arxiv_api.parse_feed(fixture_bytes("api_error.xml"), "http://x")


def test_a_document_that_is_not_an_atom_feed():
    with pytest.raises(SourceFormatError, match=r"expected an Atom feed, got <OAI-PMH>.*http://x"):
        arxiv_api.parse_feed(fixture_bytes("oai_page1.xml"), "http://x")


def test_empty_result():
    assert arxiv_api.parse_feed(feed_xml([], 0)) == ([], 0)


# -------------------------------------------------------------------------------- fetching


def test_fetch_by_ids_normalises_and_deduplicates(site, make_client):
    site.serve(PATH, fixture_bytes("api_feed.xml"), content_type="application/atom+xml")
    ids = ["2311.11077v2", " hep-th/9901001 ", "math.GT/0309136", "arXiv:2311.11077v2", ""]
    records = list(arxiv_api.fetch_by_ids(make_client(), site.url(PATH), ids))
    assert [r.key for r in records] == [
        "arxiv:2311.11077",
        "arxiv:hep-th/9901001",
        "arxiv:math/0309136",
    ]
    assert site.queries(PATH) == [
        {"id_list": "2311.11077v2,hep-th/9901001,math/0309136", "start": "0", "max_results": "3"}
    ]


def test_fetch_by_ids_in_slices_of_2000(site, make_client):
    site.handle(PATH, FakeApi())
    ids = corpus(4500)
    records = list(arxiv_api.fetch_by_ids(make_client(), site.url(PATH), ids))
    assert [r.source_id for r in records] == ids
    asked = [q["id_list"].split(",") for q in site.queries(PATH)]
    assert [len(a) for a in asked] == [2000, 2000, 500]
    assert list(itertools.chain(*asked)) == ids
    assert [q["max_results"] for q in site.queries(PATH)] == ["2000", "2000", "500"]


def test_fetch_by_ids_rejects_a_non_id_before_asking(site, make_client):
    site.handle(PATH, FakeApi())
    with pytest.raises(UnrecognisedIdentifier, match="not-an-id"):
        list(arxiv_api.fetch_by_ids(make_client(), site.url(PATH), ["2311.00001", "not-an-id"]))
    assert site.requests(PATH) == []


def test_search_pages_through_all_results(site, make_client):
    site.handle(PATH, FakeApi(corpus(4100)))
    records = list(arxiv_api.search(make_client(), site.url(PATH), "cat:cs.CL"))
    assert [r.source_id for r in records] == corpus(4100)
    assert site.queries(PATH) == [
        {
            "search_query": "cat:cs.CL",
            "start": str(start),
            "max_results": "2000",
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }
        for start in (0, 2000, 4000)
    ]


def test_search_stops_at_max_results(site, make_client):
    site.handle(PATH, FakeApi(corpus(4100)))
    records = list(arxiv_api.search(make_client(), site.url(PATH), "all:llm", max_results=2500))
    assert len(records) == 2500
    assert [(q["start"], q["max_results"]) for q in site.queries(PATH)] == [
        ("0", "2000"),
        ("2000", "500"),
    ]


def test_search_with_small_pages_start_and_sort(site, make_client):
    site.handle(PATH, FakeApi(corpus(12)))
    records = arxiv_api.search(
        make_client(),
        site.url(PATH),
        "au:turing",
        page_size=3,
        start=5,
        sort_by="lastUpdatedDate",
        sort_order="ascending",
    )
    assert [r.source_id for r in records] == corpus(12)[5:]
    queries = site.queries(PATH)
    assert [(q["start"], q["max_results"]) for q in queries] == [
        ("5", "3"),
        ("8", "3"),
        ("11", "3"),
    ]
    assert {(q["sortBy"], q["sortOrder"]) for q in queries} == {("lastUpdatedDate", "ascending")}


def test_search_page_size_is_capped_at_2000(site, make_client):
    site.handle(PATH, FakeApi(corpus(10)))
    list(arxiv_api.search(make_client(), site.url(PATH), "all:x", page_size=50_000))
    assert site.queries(PATH)[0]["max_results"] == "2000"


def test_search_stops_at_an_empty_page(site, make_client):
    site.handle(PATH, FakeApi(corpus(3), total=5000))  # arXiv sometimes over-reports
    records = list(arxiv_api.search(make_client(), site.url(PATH), "all:x", page_size=2))
    assert len(records) == 3
    assert [q["start"] for q in site.queries(PATH)] == ["0", "2", "3"]


def test_requests_are_at_least_3_seconds_apart(site, make_client, fake_clock):
    seen_at: list[float] = []
    api = FakeApi(corpus(7))

    def handler(request: Request) -> Response:
        seen_at.append(fake_clock.now)
        return api(request)

    site.handle(PATH, handler)
    client = make_client(min_interval=3.0)
    records = list(arxiv_api.search(client, site.url(PATH), "all:x", page_size=2))
    assert len(records) == 7
    assert len(seen_at) == 4
    assert all(b - a >= 3.0 for a, b in itertools.pairwise(seen_at)), seen_at
    assert fake_clock.sleeps == [3.0, 3.0, 3.0]


def test_503_with_retry_after_then_success(site, make_client, fake_clock):
    site.serve(PATH, b"busy", status=503, headers={"Retry-After": "7"}, once=True)
    site.serve(PATH, fixture_bytes("api_feed.xml"))
    records = list(arxiv_api.fetch_by_ids(make_client(), site.url(PATH), ["2311.11077"]))
    assert len(records) == 3
    assert fake_clock.sleeps == [7.0]


def test_error_feed_from_the_server(site, make_client):
    site.serve(PATH, fixture_bytes("api_error.xml"), content_type="application/atom+xml")
    with pytest.raises(ArxivApiError, match=r"incorrect id format for 1234\.123456") as info:
        list(arxiv_api.fetch_by_ids(make_client(), site.url(PATH), ["1234.12345"]))
    assert site.url(PATH) in str(info.value)


def test_http_400_with_arxiv_error_feed_tells_arxivs_reason(site, make_client):
    """arXiv answers a malformed query with HTTP 400 and its error feed."""
    site.serve(PATH, fixture_bytes("api_error.xml"), status=400)
    with pytest.raises(ArxivApiError, match=r"incorrect id format for 1234\.123456") as info:
        list(arxiv_api.search(make_client(), site.url(PATH), "id:1234.123456"))
    assert site.url(PATH) in str(info.value)


def test_http_400_without_an_error_feed_is_a_rejection(site, make_client):
    site.serve(PATH, b"Bad Request", status=400, content_type="text/plain")
    with pytest.raises(SourceRejected, match=r"HTTP 400") as info:
        list(arxiv_api.search(make_client(), site.url(PATH), "all:x"))
    assert site.url(PATH) in str(info.value)


def test_gzip_encoded_feed(site, make_client):
    site.serve_gzip(PATH, fixture_bytes("api_feed.xml"))
    records = list(arxiv_api.fetch_by_ids(make_client(), site.url(PATH), ["2311.11077"]))
    assert len(records) == 3


def test_failure_gives_a_clear_error_and_no_records(site, make_client, failure):
    failure.install(site, PATH, fixture_bytes("api_feed.xml"))
    got = []
    client = make_client(**failure.client_options)
    with pytest.raises(failure.error) as info:
        got.extend(arxiv_api.search(client, site.url(PATH), "all:x"))
    failure.check(info.value, site.url(PATH))
    assert got == []


def test_failure_on_a_later_page_keeps_earlier_pages_only(site, make_client, failure):
    """Records of the pages before the failure are all given; none of the failing page."""
    site.handle(PATH, FakeApi(corpus(4)), once=True)
    failure.install(site, PATH, feed_xml([entry_xml(i) for i in corpus(4)[2:]], 4, start=2))
    got = []
    client = make_client(**failure.client_options)
    with pytest.raises(failure.error) as info:
        got.extend(arxiv_api.search(client, site.url(PATH), "all:x", page_size=2))
    failure.check(info.value, site.url(PATH))
    assert [r.source_id for r in got] == corpus(4)[:2]
