"""The "topics" layout of a haul (the seed highlights article's): papers grouped under topic headings,
from the command line and on the haul's page; the post's own layout stays the default."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from django.core.cache import cache

from paperhaul.enrich.assign import choose_topics
from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul
from paperhaul.hauls.parse import parse_haul
from paperhaul.hauls.render import render
from paperhaul.papers.models import Paper
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library
from tests.hauls.conftest import block, post

# Papers of the seed highlights article (004), with the section the article files them under.
HIGHLIGHTS = [
    ("2305.18290", "Direct Preference Optimization", "cs.CL", "large-language-models"),
    ("2305.07027", "EfficientViT: Memory Efficient Vision Transformer", "cs.CV", "computer-vision"),
    ("2305.11206", "LIMA: Less Is More for Alignment", "cs.CL", "large-language-models"),
    ("2305.13516", "Scaling Speech Technology to 1,000+ Languages", "eess.AS", "audio-and-speech"),
    ("2305.14342", "Sophia: A Scalable Stochastic Second-order Optimizer", "math.OC", "general-methods"),
]
REPO = ("https://github.com/example/tool", "A Handy Tool")  # no topic: under "Other papers"

BODY = (
    "## Comments / Criticism\n\nA remark about last week.\n\n## Papers\n\n"
    + "".join(
        block(f"https://arxiv.org/abs/{n}", title) + f"\nOn {title}.\n\n<hr/>\n\n"
        for n, title, *_ in HIGHLIGHTS
    )
    + block(*REPO)
    + "\nUseful.\n\n<hr/>\n\n## Closing words\n\nThanks for reading.\n"
)
GROUPED = [
    ("h2", "Comments / Criticism"),
    ("h2", "Papers"),
    ("h3", "Large Language Models"),
    ("h4", "Direct Preference Optimization"),
    ("h4", "LIMA: Less Is More for Alignment"),
    ("h3", "Computer Vision"),
    ("h4", "EfficientViT: Memory Efficient Vision Transformer"),
    ("h3", "Audio and Speech"),
    ("h4", "Scaling Speech Technology to 1,000+ Languages"),
    ("h3", "General Methods"),
    ("h4", "Sophia: A Scalable Stochastic Second-order Optimizer"),
    ("h3", "Other papers"),
    ("h4", "A Handy Tool"),
    ("h2", "Closing words"),
]
# Without the topic headings, each paper's title is one level below its section ("## Papers").
AS_POSTED = [("h3" if tag == "h4" else tag, text) for tag, text in GROUPED if tag != "h3"]
AS_POSTED[3], AS_POSTED[4] = AS_POSTED[4], AS_POSTED[3]  # EfficientViT comes second in the post


def record(number: str, title: str, category: str) -> PaperRecord:
    return PaperRecord(
        key=f"arxiv:{number}",
        title=title,
        abstract=f"We study {title}.",
        categories=(category,),
        primary_category=category,
        source="test",
        source_id=number,
    )


def headings(html: str) -> list[tuple[str, str]]:
    tree = lxml.html.fromstring(html)
    article = tree if tree.tag == "article" else tree.xpath("//article[@class='haul']")[0]
    return [(h.tag, h.text_content().strip()) for h in article.xpath(".//h2 | .//h3 | .//h4")]


@pytest.fixture
def haul(db, tmp_path: Path) -> Haul:
    """Haul ~7 of the highlights' papers, each filed by a person under the article's topic."""
    Library().upsert([record(number, title, category) for number, title, category, _ in HIGHLIGHTS])
    (tmp_path / "ml-arxiv-7.md").write_text(post(BODY), encoding="utf-8")
    import_hauls([tmp_path / "ml-arxiv-7.md"])
    for number, _, _, slug in HIGHLIGHTS:
        choose_topics(Paper.objects.get(key=f"arxiv:{number}"), [Topic.objects.get(slug=slug)])
    return Haul.objects.get(number=7)


def test_the_topics_layout_groups_papers_under_topic_headings_in_the_taxonomys_order(haul):
    assert headings(render(haul, "html", "topics")) == GROUPED


def test_the_default_layout_is_the_posts_own(haul):
    assert headings(render(haul, "html")) == headings(render(haul, "html", "post")) == AS_POSTED


def test_a_paper_goes_under_its_most_confident_topic_only(haul):
    lima = Paper.objects.get(key="arxiv:2305.11206")
    choose_topics(lima, [Topic.objects.get(slug="general-methods"), Topic.objects.get(slug="biology")])
    found = headings(render(haul, "html", "topics"))
    assert found.count(("h4", "LIMA: Less Is More for Alignment")) == 1
    assert found.index(("h4", "LIMA: Less Is More for Alignment")) > found.index(("h3", "General Methods"))
    assert ("h3", "Biology") not in found  # General Methods comes first in the taxonomy


def test_the_markdown_render_groups_too_and_reads_back(haul):
    text = render(haul, "md", "topics")
    marks = ["## Papers", "### Large Language Models", "Direct Preference", "LIMA", "### Computer Vision"]
    marks += [
        "EfficientViT",
        "### Audio and Speech",
        "### General Methods",
        "### Other papers",
        "## Closing words",
    ]
    at = [text.index(mark) for mark in marks]
    assert at == sorted(at)
    doc = parse_haul(text, "grouped.md")
    assert [item.key for item in doc.items][:3] == [
        "arxiv:2305.18290",
        "arxiv:2305.11206",
        "arxiv:2305.07027",
    ]
    assert len(doc.items) == len(HIGHLIGHTS) + 1


def test_layouts_other_than_the_posts_need_a_document_format(haul):
    with pytest.raises(InputError, match="--layout topics works with --format md or html"):
        render(haul, "email", "topics")
    with pytest.raises(InputError, match="unknown layout 'columns'"):
        render(haul, "html", "columns")


def test_the_haul_page_offers_the_grouped_view_and_keeps_each_papers_anchor(client, haul):
    cache.clear()
    default = client.get(f"/hauls/{haul.slug}/")
    assert headings(default.content.decode()) == AS_POSTED
    assert 'href="?layout=topics">grouped by topic</a>' in default.content.decode()
    grouped = client.get(f"/hauls/{haul.slug}/", {"layout": "topics"})
    assert grouped.status_code == 200
    html = grouped.content.decode()
    assert headings(html) == GROUPED
    assert 'href="?layout=topics" aria-current="true"' in html
    tree = lxml.html.fromstring(html)
    anchors = {
        section.get("id"): section.xpath("p[@class='item-paper']/a/@href")[0]
        for section in tree.xpath("//section[@class='haul-item']")
    }
    positions = dict(haul.items.values_list("paper__key", "position"))
    assert anchors[f"item-{positions['arxiv:2305.07027']}"] == "/papers/2305.07027"
    assert anchors[f"item-{positions['arxiv:2305.11206']}"] == "/papers/2305.11206"
    assert len(anchors) == len(HIGHLIGHTS) + 1
    assert client.get(f"/hauls/{haul.slug}/", {"layout": "columns"}).status_code == 404


def test_render_grouped_by_topic_from_the_command_line(cli, tmp_path: Path):
    papers = tmp_path / "papers.jsonl"
    papers.write_text(
        "".join(
            json.dumps({"id": n, "title": t, "abstract": f"We study {t}.", "categories": [c]}) + "\n"
            for n, t, c, _ in HIGHLIGHTS
        )
    )
    (tmp_path / "ml-arxiv-7.md").write_text(post(BODY), encoding="utf-8")
    for command in (("import", "jsonl", str(papers)), ("import", "haul", str(tmp_path / "ml-arxiv-7.md"))):
        assert cli(*command).code == 0
    assert cli("enrich", "--topics").code == 0  # topics from the arXiv categories
    done = cli("haul", "render", "7", "--format", "html", "--layout", "topics")
    assert done.code == 0, done.stderr
    found = headings(done.stdout)
    under: dict[str, str] = {}
    for tag, text in found:
        if tag == "h3":
            group = text
        elif tag == "h4":
            under[text] = group
    names = {slug: slug.replace("-", " ").title().replace(" And ", " and ") for *_, slug in HIGHLIGHTS}
    assert {title: under[title] for _, title, _, _ in HIGHLIGHTS} == {
        t: names[s] for _, t, _, s in HIGHLIGHTS
    }
    assert found[:3] == GROUPED[:3] and found[-1] == ("h2", "Closing words")
    refused = cli("haul", "render", "7", "--format", "email", "--layout", "topics")
    assert (
        refused.code != 0 and refused.stderr.strip().count("\n") == 0 and "--layout topics" in refused.stderr
    )
    assert cli("haul", "render", "7", "--layout", "columns").code != 0
