"""The arXiv OAI-PMH source against a local server speaking OAI-PMH 2.0 (arXiv format)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from werkzeug import Request, Response

from paperhaul.errors import InputError, SourceFormatError, SourceRejected
from paperhaul.papers.ingest import arxiv_oai
from paperhaul.papers.records import Version

pytestmark = pytest.mark.network_source
FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
PATH = "/oai2"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def oai_xml(body: str, request_args: str = 'verb="ListRecords"') -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
<responseDate>2023-11-22T10:00:00Z</responseDate>
<request {request_args}>http://export.arxiv.org/oai2</request>
{body}
</OAI-PMH>""".encode()


def error_xml(code: str, message: str) -> bytes:
    return oai_xml(f'<error code="{code}">{message}</error>')


def record_xml(arxiv_id: str) -> str:
    return f"""<record><header><identifier>oai:arXiv.org:{arxiv_id}</identifier>
<datestamp>2023-11-21</datestamp><setSpec>cs</setSpec></header><metadata>
<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>{arxiv_id}</id><created>2023-11-20</created>
<authors><author><keyname>Author</keyname><forenames>An</forenames></author></authors>
<title>Paper {arxiv_id}</title><categories>cs.CL</categories>
<abstract>Abstract of {arxiv_id}.</abstract></arXiv></metadata></record>"""


class FakeOai:
    """ListRecords over ``ids`` in pages of ``page_size``, enforcing the protocol's arguments."""

    def __init__(self, ids: list[str], page_size: int = 1000) -> None:
        self.ids, self.page_size = ids, page_size

    def __call__(self, request: Request) -> Response:
        args = dict(request.args)
        if args.get("verb") != "ListRecords":
            return self._respond(error_xml("badVerb", "Illegal verb"))
        if "resumptionToken" in args:
            if set(args) != {"verb", "resumptionToken"}:
                return self._respond(error_xml("badArgument", "resumptionToken is exclusive"))
            session, _, cursor_text = args["resumptionToken"].partition("|")
            if session != "6960524" or not cursor_text.isdigit():
                return self._respond(error_xml("badResumptionToken", "Unknown token"))
            cursor = int(cursor_text)
        elif args.get("metadataPrefix") != "arXiv":
            return self._respond(error_xml("cannotDisseminateFormat", "Unknown format"))
        else:
            cursor = 0
        page = self.ids[cursor : cursor + self.page_size]
        after = cursor + self.page_size
        token = f"6960524|{after}" if after < len(self.ids) else ""
        records = "".join(record_xml(i) for i in page)
        body = (
            f'<ListRecords>{records}<resumptionToken cursor="{cursor}" '
            f'completeListSize="{len(self.ids)}">{token}</resumptionToken></ListRecords>'
        )
        return self._respond(oai_xml(body))

    @staticmethod
    def _respond(body: bytes) -> Response:
        return Response(body, content_type="text/xml; charset=utf-8")


def ids(n: int) -> list[str]:
    return [f"2311.{i:05d}" for i in range(n)]


# ------------------------------------------------------------------------------------- sets


@pytest.mark.parametrize(
    ("category", "set_spec"),
    [
        ("cs.CL", "cs:cs:CL"),
        ("cs", "cs"),
        ("math.GT", "math:math:GT"),
        ("math", "math"),
        ("hep-th", "physics:hep-th"),
        ("astro-ph.CO", "physics:astro-ph:CO"),
        ("cond-mat.mes-hall", "physics:cond-mat:mes-hall"),
        ("quant-ph", "physics:quant-ph"),
        ("math-ph", "physics:math-ph"),
        ("physics.optics", "physics:physics:optics"),
        ("physics", "physics"),
        ("stat.ML", "stat:stat:ML"),
        ("q-bio.NC", "q-bio:q-bio:NC"),
        ("q-fin.ST", "q-fin:q-fin:ST"),
        ("eess.AS", "eess:eess:AS"),
        ("econ.EM", "econ:econ:EM"),
        ("cs:cs:CL", "cs:cs:CL"),
    ],
)
def test_set_for_category(category, set_spec):
    assert arxiv_oai.set_for_category(category) == set_spec


def test_unknown_category():
    with pytest.raises(InputError, match=r"unknown arXiv category 'bio\.XX'"):
        arxiv_oai.set_for_category("bio.XX")


# ---------------------------------------------------------------------------------- parsing


def test_every_field_is_mapped_and_deleted_records_skipped():
    page = arxiv_oai.parse_page(fixture_bytes("oai_page1.xml"), "http://x/oai2")
    assert (page.resumption_token, page.cursor, page.complete_list_size) == ("7219844|1001", 0, 4)
    assert [r.key for r in page.records] == ["arxiv:2311.11077", "arxiv:2311.11078"]
    paper = page.records[0]
    assert paper.source == "arxiv-oai"
    assert paper.source_id == "2311.11077"
    assert paper.title == "Sparse Mixtures of Tiny Experts for Low-Resource Machine Translation"
    assert paper.abstract == (
        "We study mixtures of very small experts for translation between low-resource "
        "languages. Routing is learned jointly with the experts."
    )
    assert paper.authors == ("Ada K. Lovelace", "Alan Turing Jr", "The Tiny Experts Collaboration")
    assert paper.published == dt.date(2023, 11, 18)
    assert paper.updated == dt.date(2023, 11, 21)
    assert paper.versions == (Version(1, dt.date(2023, 11, 18)),)
    assert paper.primary_category == "cs.CL"
    assert paper.categories == ("cs.CL", "cs.AI", "cs.LG")
    assert paper.comments == "EMNLP 2023; 12 pages, 4 figures"
    assert paper.journal_ref == "Proceedings of EMNLP 2023, pages 1-12"
    assert paper.doi == "10.18653/v1/2023.emnlp-main.999"
    assert paper.license == "http://creativecommons.org/licenses/by/4.0/"
    assert paper.abs_url == "https://arxiv.org/abs/2311.11077"
    assert paper.pdf_url == "https://arxiv.org/pdf/2311.11077"
    assert paper.extra == {"datestamp": "2023-11-21"}
    bare = page.records[1]
    assert (bare.updated, bare.doi, bare.journal_ref, bare.comments) == (None, "", "", "")


def test_old_style_ids_and_the_end_of_the_list():
    page = arxiv_oai.parse_page(fixture_bytes("oai_page2.xml"))
    assert [r.key for r in page.records] == ["arxiv:math/0309136", "arxiv:hep-th/9901001"]
    assert [r.source_id for r in page.records] == ["math/0309136", "hep-th/9901001"]
    assert page.records[0].primary_category == "math.GT"
    # An empty resumptionToken element means the list is complete.
    assert (page.resumption_token, page.cursor, page.complete_list_size) == (None, 1001, 4)


def test_payload_hash_follows_the_record():
    first = arxiv_oai.parse_page(oai_xml(f"<ListRecords>{record_xml('2311.00001')}</ListRecords>"))
    again = arxiv_oai.parse_page(
        oai_xml(f"<ListRecords>{record_xml('2311.00009')}\n{record_xml('2311.00001')}</ListRecords>")
    )
    changed = arxiv_oai.parse_page(
        oai_xml(f"<ListRecords>{record_xml('2311.00001').replace('Paper', 'A paper')}</ListRecords>")
    )
    assert first.records[0].payload_hash == again.records[1].payload_hash
    assert first.records[0].payload_hash != changed.records[0].payload_hash


def test_no_records_match_is_an_empty_complete_page():
    page = arxiv_oai.parse_page(error_xml("noRecordsMatch", "No records match"))
    assert page.records == []
    assert page.resumption_token is None


@pytest.mark.parametrize(
    "code", ["badResumptionToken", "badArgument", "cannotDisseminateFormat", "noSetHierarchy"]
)
def test_oai_errors_are_rejections(code):
    with pytest.raises(SourceRejected, match=rf"OAI-PMH error {code}: Something is wrong \(http://x\)"):
        arxiv_oai.parse_page(error_xml(code, "Something  is\n wrong"), "http://x")


def test_a_document_that_is_not_oai_pmh():
    with pytest.raises(SourceFormatError, match=r"expected an OAI-PMH response, got <feed>"):
        arxiv_oai.parse_page(fixture_bytes("api_feed.xml"), "http://x")


# --------------------------------------------------------------------------------- harvesting


def test_harvest_follows_resumption_tokens(site, make_client, fake_clock):
    seen_at: list[float] = []
    pages = iter([fixture_bytes("oai_page1.xml"), fixture_bytes("oai_page2.xml")])

    def handler(request: Request) -> Response:
        seen_at.append(fake_clock.now)
        return Response(next(pages), content_type="text/xml")

    site.handle(PATH, handler)
    harvest = arxiv_oai.list_pages(
        make_client(),
        site.url(PATH),
        set_spec="cs:cs:CL",
        from_date=dt.date(2023, 11, 20),
        until="2023-11-21",
    )
    got = list(harvest)
    assert [[r.key for r in p.records] for p in got] == [
        ["arxiv:2311.11077", "arxiv:2311.11078"],
        ["arxiv:math/0309136", "arxiv:hep-th/9901001"],
    ]
    assert [p.resumption_token for p in got] == ["7219844|1001", None]
    assert site.queries(PATH) == [
        {
            "verb": "ListRecords",
            "metadataPrefix": "arXiv",
            "set": "cs:cs:CL",
            "from": "2023-11-20",
            "until": "2023-11-21",
        },
        {"verb": "ListRecords", "resumptionToken": "7219844|1001"},
    ]
    assert all(b - a >= 3.0 for a, b in itertools.pairwise(seen_at)), seen_at


def test_many_pages_against_a_strict_server(site, make_client, fake_clock):
    site.handle(PATH, FakeOai(ids(2500)))
    pages = list(arxiv_oai.list_pages(make_client(), site.url(PATH), set_spec="cs"))
    assert [len(p.records) for p in pages] == [1000, 1000, 500]
    assert [p.cursor for p in pages] == [0, 1000, 2000]
    assert {p.complete_list_size for p in pages} == {2500}
    assert [r.source_id for p in pages for r in p.records] == ids(2500)
    assert fake_clock.sleeps == [3.0, 3.0]


def test_checkpoint_and_resume(site, make_client):
    """A caller stores each page's token after writing it; after a crash it resumes there."""
    site.handle(PATH, FakeOai(ids(25), page_size=10))
    url = site.url(PATH)
    written: list[str] = []
    checkpoint = None
    for page in arxiv_oai.list_pages(make_client(), url):
        written += [r.source_id for r in page.records]
        checkpoint = page.resumption_token
        break  # the process dies here
    # Nothing was asked beyond the page the caller took.
    assert len(site.requests(PATH)) == 1
    for page in arxiv_oai.list_pages(make_client(), url, resumption_token=checkpoint):
        written += [r.source_id for r in page.records]
        checkpoint = page.resumption_token
    assert written == ids(25)
    assert checkpoint is None
    assert site.queries(PATH)[1] == {"verb": "ListRecords", "resumptionToken": "6960524|10"}


def test_no_records_match_ends_the_harvest(site, make_client):
    site.serve(PATH, error_xml("noRecordsMatch", "No records match"), content_type="text/xml")
    pages = list(arxiv_oai.list_pages(make_client(), site.url(PATH), from_date="2099-01-01"))
    assert [p.records for p in pages] == [[]]


def test_bad_resumption_token_from_the_server(site, make_client):
    site.handle(PATH, FakeOai(ids(3)))
    with pytest.raises(SourceRejected, match=r"badResumptionToken: Unknown token") as info:
        list(arxiv_oai.list_pages(make_client(), site.url(PATH), resumption_token="stale|5"))
    assert site.url(PATH) in str(info.value)


def test_a_repeated_token_stops_the_harvest(site, make_client):
    page = oai_xml(
        f"<ListRecords>{record_xml('2311.00001')}<resumptionToken>same|1</resumptionToken></ListRecords>"
    )
    site.serve(PATH, page, content_type="text/xml")
    with pytest.raises(SourceFormatError, match=r"repeated"):
        list(arxiv_oai.list_pages(make_client(), site.url(PATH)))
    assert len(site.requests(PATH)) == 2


def test_bad_date_is_refused_before_asking(site, make_client):
    with pytest.raises(InputError, match=r"from date must be YYYY-MM-DD"):
        next(arxiv_oai.list_pages(make_client(), site.url(PATH), from_date="20/11/2023"))
    assert site.requests(PATH) == []


def test_503_with_retry_after_then_success(site, make_client, fake_clock):
    site.serve(PATH, b"busy", status=503, headers={"Retry-After": "10"}, once=True)
    site.serve(PATH, fixture_bytes("oai_page2.xml"), content_type="text/xml")
    pages = list(arxiv_oai.list_pages(make_client(), site.url(PATH)))
    assert len(pages[0].records) == 2
    assert fake_clock.sleeps == [10.0]


def test_gzip_encoded_page(site, make_client):
    site.serve_gzip(PATH, fixture_bytes("oai_page2.xml"))
    pages = list(arxiv_oai.list_pages(make_client(), site.url(PATH)))
    assert len(pages[0].records) == 2


def test_failure_gives_a_clear_error_and_no_page(site, make_client, failure):
    failure.install(site, PATH, fixture_bytes("oai_page2.xml"))
    got = []
    with pytest.raises(failure.error) as info:
        got.extend(arxiv_oai.list_pages(make_client(**failure.client_options), site.url(PATH)))
    failure.check(info.value, site.url(PATH))
    assert got == []


def test_failure_on_a_later_page_then_resume(site, make_client, failure):
    site.serve(PATH, fixture_bytes("oai_page1.xml"), content_type="text/xml", once=True)
    failure.install(site, PATH, fixture_bytes("oai_page2.xml"))
    got = []
    with pytest.raises(failure.error) as info:
        got.extend(arxiv_oai.list_pages(make_client(**failure.client_options), site.url(PATH)))
    failure.check(info.value, site.url(PATH))
    assert [len(p.records) for p in got] == [2]
    # The source is back: the harvest goes on from the last stored token.
    site.server.clear_all_handlers()
    site.serve(PATH, fixture_bytes("oai_page2.xml"), content_type="text/xml")
    client = make_client()
    rest = list(arxiv_oai.list_pages(client, site.url(PATH), resumption_token=got[-1].resumption_token))
    assert [r.key for p in rest for r in p.records] == [
        "arxiv:math/0309136",
        "arxiv:hep-th/9901001",
    ]
    assert site.queries(PATH)[-1] == {"verb": "ListRecords", "resumptionToken": "7219844|1001"}
