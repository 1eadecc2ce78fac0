"""/hauls/stats/: the published hauls' numbers and the papers-per-month chart, inline and CSP-clean."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from django.urls import reverse

from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.stats import site_stats
from tests.hauls.crafted import import_crafted

pytestmark = pytest.mark.django_db


def page_of(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200
    return lxml.html.document_fromstring(response.content.decode())


def table_rows(page: lxml.html.HtmlElement, heading_id: str) -> list[list[str]]:
    section = page.xpath(f"//section[@aria-labelledby='{heading_id}']")[0]
    return [[cell.text_content().strip() for cell in row.xpath("td")] for row in section.xpath(".//tbody/tr")]


def test_the_page_shows_the_real_hauls_numbers_and_chart(client, shared: Path):
    import_hauls([shared / "data" / "hauls"])
    assert reverse("haul_stats") == "/hauls/stats/"
    response = client.get("/hauls/stats/")
    page = page_of(response)
    stats = site_stats()

    assert page.findtext(".//h1") == "Haul statistics"
    assert "11 published hauls covering 197 items (197 distinct papers)" in page.findtext(
        ".//p[@class='lead']"
    )
    svg = page.xpath("//*[local-name()='svg']")[0]
    assert svg.get("role") == "img"
    title, desc = (page.get_element_by_id(i) for i in svg.get("aria-labelledby").split())
    assert title.text == "Papers covered per month" and "October 2023: 15 papers" in desc.text
    drawn = svg.xpath(".//*[local-name()='rect'][@class='bar']")
    assert [int(rect.get("data-value")) for rect in drawn] == [c for _, c in stats.per_month if c]
    # The page's Content-Security-Policy allows no inline style: the chart needs none.
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert not svg.xpath(".//*[@style] | .//*[local-name()='style' or local-name()='script']")

    assert table_rows(page, "per-month-title") == [[m, str(c)] for m, c in stats.per_month]
    sources = dict((name, int(count)) for name, count, _ in table_rows(page, "sources-title"))
    assert sources == dict(stats.sources) and sum(sources.values()) == 197
    per_haul = table_rows(page, "per-haul-title")
    assert [row[0] for row in per_haul] == [f"ML Arxiv Haul ~{n}" for n in range(24, 13, -1)]
    assert per_haul[0][1:] == ["12 Oct 2023", "15"]
    link = page.xpath("//section[@aria-labelledby='per-haul-title']//a/@href")[0]
    assert link == "/hauls/ml-arxiv-haul-24/" and client.get(link).status_code == 200
    assert page.xpath("//a[text()='arxiv']/@href") == ["/tags/arxiv/"]


def test_drafts_are_not_counted_and_hostile_titles_are_text(client, tmp_path: Path):
    import_crafted(tmp_path)
    page = page_of(client.get("/hauls/stats/"))
    per_haul = table_rows(page, "per-haul-title")
    assert [row[0] for row in per_haul] == ["Vision & Sound Haul ~8", "ML Arxiv Haul ~7"]
    assert "Unfinished Haul" not in page.text_content()
    assert not page.xpath("//script[not(@src)] | //*[@onerror]")


def test_without_published_hauls_the_page_says_so(client):
    page = page_of(client.get("/hauls/stats/"))
    assert "No haul has been published yet." in page.text_content()
    assert not page.xpath("//*[local-name()='svg']")
