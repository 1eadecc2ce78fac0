"""Statistics of hauls: numbers on the real posts against a count made from the files themselves,
one haul's stats, the SVG chart, and `paperhaul haul stats`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import lxml.etree
import pytest

from paperhaul.hauls.chart import Bar, bar_chart, nice_step
from paperhaul.hauls.document import ParsedHaul
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul
from paperhaul.hauls.parse import parse_haul, repair_mojibake
from paperhaul.hauls.stats import haul_stats, month_chart, site_stats, source_of
from tests.hauls.conftest import block, post
from tests.hauls.crafted import import_crafted

SVG = "{http://www.w3.org/2000/svg}"


def parsed_posts(paths: list[Path]) -> dict[int, ParsedHaul]:
    """The real posts as parsed from the files, by number (one seed is haul ~16 again)."""
    posts = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        parsed = parse_haul(repair_mojibake(text) or text, path.name)
        posts[parsed.number] = parsed
    return posts


def bars(svg: str) -> list[lxml.etree._Element]:
    root = lxml.etree.fromstring(svg.encode())
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    return root.findall(f".//{SVG}rect[@class='bar']")


@pytest.mark.django_db
def test_numbers_on_the_real_posts_match_a_count_from_the_files(real_posts):
    import_hauls(real_posts)
    posts = parsed_posts(real_posts)
    keys = {number: list(dict.fromkeys(item.key for item in p.items)) for number, p in posts.items()}
    stats = site_stats()

    assert {row.number: row.items for row in stats.hauls} == {n: len(k) for n, k in keys.items()}
    assert [row.number for row in stats.hauls] == sorted(posts, key=lambda n: posts[n].front.published_at)[
        ::-1
    ]
    assert stats.items == sum(len(k) for k in keys.values()) == 219
    assert stats.papers == len({key for k in keys.values() for key in k})
    arxiv = sum(key.startswith("arxiv:") for k in keys.values() for key in k)
    sources = dict(stats.sources)
    assert sources["arXiv"] == arxiv
    assert sum(sources.values()) == stats.items and sources["arXiv"] > stats.items - sources["arXiv"]
    assert sources["GitHub"] == sum(
        "github.com/" in item.url
        for p in posts.values()
        for item in p.items
        if not item.key.startswith("arxiv:")
    )
    assert dict(stats.domains)["arxiv.org"] == sum(
        item.url.startswith("https://arxiv.org/") for p in posts.values() for item in p.items
    )
    assert [(name, count) for name, count, _ in stats.tags] == [("arxiv", 12)]

    months = Counter()
    for number, p in posts.items():
        months[f"{p.front.published_at:%Y-%m}"] += len(keys[number])
    assert {m: c for m, c in stats.per_month if c} == dict(months)
    assert [m for m, _ in stats.per_month] == [f"2023-{n:02d}" for n in range(1, 13)]  # gaps included
    assert dict(stats.per_month)["2023-04"] == 0

    chart = bars(month_chart(stats))
    assert [(b.get("data-label"), int(b.get("data-value"))) for b in chart] == [
        (f"{dt.date.fromisoformat(m + '-01'):%B %Y}", c) for m, c in stats.per_month if c
    ]


@pytest.mark.django_db
def test_one_haul_draft_or_published_and_what_it_repeats(tmp_path: Path):
    hauls = import_crafted(tmp_path)
    later = post(
        block("https://arxiv.org/pdf/2401.00002v3", "Sparse Attention for Long Documents")
        + "Again.\n<hr/>\n"
        + block("https://www.biorxiv.org/content/10.1101/2023.01.01.522222v1", "A Cell Paper")
        + block("https://huggingface.co/blog/some-post", "A Blog Post"),
        title="Later Haul ~10",
        published="2023-07-01T10:00:00.000Z",
    )
    (tmp_path / "later.md").write_text(later, encoding="utf-8")
    import_hauls([tmp_path / "later.md"])

    one = haul_stats(Haul.objects.get(number=10))
    assert (one.items, one.covered_before, one.status) == (3, 1, "published")
    assert dict(one.sources) == {"arXiv": 1, "bioRxiv / medRxiv": 1, "Hugging Face": 1}
    assert dict(one.domains) == {"arxiv.org": 1, "biorxiv.org": 1, "huggingface.co": 1}
    assert one.url.endswith("/hauls/later-haul-10/") and one.tags == ["arxiv", "llm"]

    draft = haul_stats(hauls[9])
    assert (draft.status, draft.published, draft.url, draft.items) == ("draft", None, "", 1)
    site = site_stats()
    assert 9 not in [row.number for row in site.hauls] and site.items == 2 + 1 + 3
    assert site.per_month == [("2023-05", 2), ("2023-06", 1), ("2023-07", 3)]


def test_sources_by_identity_and_host():
    assert source_of("arxiv:2306.07899", "https://huggingface.co/papers/2306.07899") == "arXiv"
    assert (
        source_of("doi:10.1101/2023.01.01.1", "https://doi.org/10.1101/2023.01.01.1") == "bioRxiv / medRxiv"
    )
    assert source_of("url:github.com/a/b", "https://github.com/a/b") == "GitHub"
    assert source_of("url:nature.com/x", "https://www.nature.com/articles/x") == "journals"
    assert source_of("url:lukesalamone.github.io/p", "https://lukesalamone.github.io/p") == "web and blogs"


def test_the_chart_is_accessible_escaped_xml_with_a_bar_per_month_with_data():
    data = [
        Bar("May 2023", ("May", "2023"), 3),
        Bar("June 2023", ("Jun",), 0),
        Bar("<July> & co", ("Jul",), 12),
    ]
    svg = bar_chart(
        data, title="Papers <b>", description="Desc & more", x_label="Month", y_label="Papers", unit="papers"
    )
    root = lxml.etree.fromstring(svg.encode())
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.find(f"{SVG}title").text == "Papers <b>"
    desc = root.find(f"{SVG}desc").text
    assert (
        desc.startswith("Desc & more") and "June 2023: 0 papers" in desc and "<July> & co: 12 papers" in desc
    )
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Month" in texts and "Papers" in texts and "May2023" in texts
    drawn = bars(svg)
    assert [(b.get("data-label"), b.get("data-value")) for b in drawn] == [
        ("May 2023", "3"),
        ("<July> & co", "12"),
    ]
    assert drawn[1].find(f"{SVG}title").text == "<July> & co: 12 papers"
    assert float(drawn[1].get("height")) == 4 * float(drawn[0].get("height"))  # 12 vs 3 on one scale
    assert not root.xpath("//*[local-name()='script' or local-name()='style' or @style]")

    empty = lxml.etree.fromstring(
        bar_chart([], title="t", description="d.", x_label="x", y_label="y", unit="u")
    )
    assert empty.find(f"{SVG}desc").text == "d. No data yet."


@pytest.mark.parametrize(
    ("largest", "step"), [(0, 1), (3, 1), (5, 1), (6, 2), (37, 10), (120, 50), (999, 200)]
)
def test_nice_steps(largest, step):
    assert nice_step(largest) == step


def test_stats_on_the_command_line(cli, shared: Path, tmp_path: Path):
    assert cli("import", "haul", str(shared / "data" / "hauls")).code == 0
    chart = tmp_path / "chart.svg"
    done = cli("haul", "stats", "--json", "--chart", str(chart))
    assert done.code == 0, done.stderr
    document = done.json()
    assert (document["hauls"], document["items"], document["papers"]) == (11, 197, 197)
    assert document["items_per_haul"][0] == {
        "number": 24,
        "title": "ML Arxiv Haul ~24",
        "published": "2023-10-12",
        "items": 15,
        "url": "http://localhost:8000/hauls/ml-arxiv-haul-24/",
    }
    assert sum(document["per_month"].values()) == 197 and document["tags"] == {"arxiv": 11}
    assert len(bars(chart.read_text(encoding="utf-8"))) == sum(1 for c in document["per_month"].values() if c)

    one = cli("haul", "stats", "20", "--json").json()
    assert (one["items"], one["sections"], one["status"], one["published"]) == (
        17,
        2,
        "published",
        "2023-06-30",
    )
    text = cli("haul", "stats", "20")
    assert text.code == 0 and text.stdout.startswith("ML Arxiv Haul ~20 (~20, published 2023-06-30)\n")
    overall = cli("haul", "stats").stdout
    assert overall.startswith("11 published hauls: 197 items, 197 papers\n")
    assert "\nPapers covered per month\n" in overall

    missing = cli("haul", "stats", "99")
    assert missing.code == 1 and missing.stderr.strip() == "CommandError: no haul number 99"
    nowhere = cli("haul", "stats", "--chart", str(tmp_path / "no" / "chart.svg"))
    assert nowhere.code == 1 and "no such folder" in nowhere.stderr
