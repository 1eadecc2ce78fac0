"""The arXiv listing feeds (rss.arxiv.org RSS 2.0 and Atom) against a local server."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from paperhaul.errors import InputError, SourceFormatError
from paperhaul.papers.ingest import arxiv_listing
from paperhaul.papers.records import Version

pytestmark = pytest.mark.network_source
FIXTURES = Path(__file__).parent / "fixtures" / "arxiv"
RSS = "/rss/cs.CL"
ATOM = "/atom/cs.CL"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def rss(items: str, title: str = "cs.CL updates on arXiv.org") -> bytes:
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/"
 version="2.0"><channel><title>{title}</title><link>http://rss.arxiv.org/rss/cs.CL</link>
<description>cs.CL updates on the arXiv.org e-print archive.</description>
{items}</channel></rss>""".encode()


# ---------------------------------------------------------------------------------- parsing


def test_rss_new_item_maps_every_field():
    records = arxiv_listing.parse_listing(fixture_bytes("listing_cs_CL.rss"), "http://x/rss/cs.CL")
    assert [r.key for r in records] == [
        "arxiv:2311.11077",
        "arxiv:2311.10001",
        "arxiv:2305.01234",
        "arxiv:2306.05555",
    ]
    paper = records[0]
    assert paper.source == "arxiv-listing"
    assert paper.source_id == "2311.11077"
    assert paper.title == "Sparse Mixtures of Tiny Experts for Low-Resource Machine Translation"
    assert paper.abstract == (
        "We study mixtures of very small experts for translation between low-resource "
        "languages. Routing is learned jointly with the experts."
    )
    assert paper.authors == ("Ada K. Lovelace", "Alan Turing", "Grace Hopper")
    assert paper.versions == (Version(1),)
    assert paper.published == dt.date(2023, 11, 22)
    assert paper.updated is None
    assert paper.primary_category == "cs.CL"
    assert paper.categories == ("cs.CL", "cs.AI")
    assert paper.license == "http://creativecommons.org/licenses/by/4.0/"
    assert paper.abs_url == "https://arxiv.org/abs/2311.11077"
    assert paper.pdf_url == "https://arxiv.org/pdf/2311.11077v1"
    assert paper.extra == {"announce_type": "new", "listing": "cs.CL"}


def test_rss_cross_and_replacements():
    _, cross, replace, replace_cross = arxiv_listing.parse_listing(fixture_bytes("listing_cs_CL.rss"))
    assert cross.extra == {"announce_type": "cross", "listing": "cs.CL"}
    assert (cross.primary_category, cross.categories) == ("cs.CV", ("cs.CV", "cs.CL"))
    # A cross-list is not the paper's first announcement: it tells no publication date.
    assert (cross.published, cross.updated) == (None, None)

    assert replace.extra["announce_type"] == "replace"
    assert replace.versions == (Version(3),)
    assert (replace.published, replace.updated) == (None, dt.date(2023, 11, 22))
    assert replace.title == "Tokenizers & Their Discontents"
    assert replace.abstract == "Tokenizers are <b>not</b> neutral."
    assert replace.authors == ("Alan Turing", "Emmy Knot")
    assert replace.doi == "10.1000/xyz123"
    assert replace.journal_ref == "Journal of Tokens 3 (2023) 1-20"
    assert replace.license == "http://creativecommons.org/licenses/by-sa/4.0/"

    assert replace_cross.extra["announce_type"] == "replace-cross"
    assert replace_cross.latest_version == 2
    assert replace_cross.updated == dt.date(2023, 11, 22)


def test_atom_gives_the_same_records_as_rss():
    by_rss = {r.key: r for r in arxiv_listing.parse_listing(fixture_bytes("listing_cs_CL.rss"))}
    atom = arxiv_listing.parse_listing(fixture_bytes("listing_cs_CL.atom"))
    assert [r.key for r in atom] == ["arxiv:2311.11077", "arxiv:2305.01234"]
    for record in atom:
        expected = by_rss[record.key]
        assert dataclasses.replace(record, payload_hash="x") == dataclasses.replace(
            expected, payload_hash="x"
        )


def test_listing_name_from_the_feed_title_or_the_url():
    item = """<item><title>T</title><link>https://arxiv.org/abs/2311.00001</link>
<description>arXiv:2311.00001v1 Announce Type: new
Abstract: A.</description><guid>oai:arXiv.org:2311.00001v1</guid></item>"""
    [titled] = arxiv_listing.parse_listing(rss(item, title="cs.LG updates on arXiv.org"))
    assert titled.extra["listing"] == "cs.LG"
    [untitled] = arxiv_listing.parse_listing(rss(item, title=""), "http://x/rss/stat.ML")
    assert untitled.extra["listing"] == "stat.ML"
    [named] = arxiv_listing.parse_listing(rss(item), "http://x/rss/cs.CL", category="cs.CL+cs.AI")
    assert named.extra["listing"] == "cs.CL+cs.AI"


def test_item_without_preamble_takes_its_id_from_the_guid():
    item = """<item><title>T</title><description>Just an abstract.</description>
<guid isPermaLink="false">oai:arXiv.org:2311.00002v4</guid>
<arxiv:announce_type>replace</arxiv:announce_type></item>"""
    [record] = arxiv_listing.parse_listing(rss(item))
    assert (record.key, record.latest_version) == ("arxiv:2311.00002", 4)
    assert record.abstract == "Just an abstract."
    assert record.extra["announce_type"] == "replace"


def test_item_without_an_arxiv_id_is_a_format_error():
    item = "<item><title>T</title><description>No id here.</description></item>"
    with pytest.raises(SourceFormatError, match=r"listing item without an arXiv id.*http://x"):
        arxiv_listing.parse_listing(rss(item), "http://x")


def test_a_day_without_announcements_is_an_empty_listing():
    assert arxiv_listing.parse_listing(rss("")) == []


def test_well_formed_html_is_not_a_feed():
    page = b"<html><head><title>arXiv</title></head><body>Not found</body></html>"
    with pytest.raises(SourceFormatError, match=r"expected an RSS or Atom feed, got <html>"):
        arxiv_listing.parse_listing(page, "http://x")


# ---------------------------------------------------------------------------------- fetching


@pytest.mark.parametrize(("fmt", "path", "count"), [("rss", RSS, 4), ("atom", ATOM, 2)])
def test_fetch_listing(site, make_client, fmt, path, count):
    site.serve(path, fixture_bytes(f"listing_cs_CL.{fmt}"), content_type="application/rss+xml")
    records = arxiv_listing.fetch_listing(make_client(), site.url("/") + "/", "cs.CL", fmt=fmt)
    assert len(records) == count
    assert {r.extra["listing"] for r in records} == {"cs.CL"}
    assert [r.path for r in site.requests()] == [path]


def test_unknown_format_is_refused_before_asking(site, make_client):
    with pytest.raises(InputError, match=r"listing format must be one of rss, atom"):
        arxiv_listing.fetch_listing(make_client(), site.url(""), "cs.CL", fmt="json")
    assert site.requests() == []


def test_503_with_retry_after_then_success(site, make_client, fake_clock):
    site.serve(RSS, b"busy", status=503, headers={"Retry-After": "7"}, once=True)
    site.serve(RSS, fixture_bytes("listing_cs_CL.rss"))
    records = arxiv_listing.fetch_listing(make_client(), site.url(""), "cs.CL")
    assert len(records) == 4
    assert fake_clock.sleeps == [7.0]


def test_gzip_encoded_listing(site, make_client):
    site.serve_gzip(RSS, fixture_bytes("listing_cs_CL.rss"))
    assert len(arxiv_listing.fetch_listing(make_client(), site.url(""), "cs.CL")) == 4


def test_failure_gives_a_clear_error(site, make_client, failure):
    failure.install(site, RSS, fixture_bytes("listing_cs_CL.rss"))
    client = make_client(**failure.client_options)
    with pytest.raises(failure.error) as info:
        arxiv_listing.fetch_listing(client, site.url(""), "cs.CL")
    failure.check(info.value, site.url(RSS))
