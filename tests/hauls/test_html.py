"""A haul as HTML: every section and item of a post, and nothing in it that can run."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from paperhaul.hauls.html import article_html, to_html
from paperhaul.hauls.parse import parse_haul
from tests.hauls.conftest import block, post

HOSTILE = (
    "Nice.<script>alert(1)</script> <img src=x onerror=alert(2)> "
    '<a href="javascript:alert(3)">click</a> <iframe src="https://evil.example"></iframe>\n\n'
    '<img src="https://example.org/figure.png" alt="Figure 2">\n\n'
    "See [the code](https://github.com/example/repo) and > a quote.\n"
)


def test_hostile_commentary_is_inert_and_the_rest_is_kept():
    text = post("## New Paper Content\n\n" + block("https://arxiv.org/abs/2401.00001", "A &amp; B") + HOSTILE)
    html = article_html(parse_haul(text, "crafted.md"))
    tree = lxml.html.fragment_fromstring(html)
    assert not tree.xpath("//script | //iframe | //*[@onerror]")
    assert not [a for a in tree.xpath("//a/@href") if a.strip().lower().startswith("javascript")]
    assert "https://example.org/figure.png" in tree.xpath("//img/@src")  # the handler went, not the image
    assert tree.xpath("//h1")[0].text == "ML Arxiv Haul ~7"
    assert tree.xpath("//h2")[0].text == "New Paper Content"
    assert tree.xpath("//blockquote/a/@href") == ["https://arxiv.org/abs/2401.00001"]
    assert tree.xpath("//blockquote//h3")[0].text == "A & B"
    assert "https://github.com/example/repo" in tree.xpath("//a/@href")


@pytest.mark.parametrize("written", ["https://example.org/p?a=1&b=2", "https://example.org/p?a=1&amp;b=2"])
def test_a_link_escaped_or_not_in_the_post_reaches_the_same_address(written: str):
    text = post(block(written, "A Post With Parameters"))
    tree = lxml.html.fragment_fromstring(article_html(parse_haul(text, "crafted.md")))
    assert tree.xpath("//blockquote/a/@href") == ["https://example.org/p?a=1&b=2"]


def test_every_real_post_renders_every_item(real_posts: list[Path]):
    for path in real_posts:
        doc = parse_haul(path.read_text(encoding="utf-8"), path.name)
        page = lxml.html.document_fromstring(to_html(doc))
        assert page.findtext(".//title") == doc.front.title
        links = page.xpath("//section[@class='haul-item']/blockquote/a/@href")
        assert len(links) == len(doc.items), path.name
        assert not page.xpath("//script | //*[@onerror] | //*[@onclick]"), path.name


@pytest.mark.django_db
def test_render_html_from_the_command_line(cli, tmp_path: Path):
    (tmp_path / "ml-arxiv-7.md").write_text(
        post(block("https://arxiv.org/abs/2401.00001", "A Paper") + HOSTILE)
    )
    assert cli("import", "haul", str(tmp_path / "ml-arxiv-7.md")).code == 0
    done = cli("haul", "render", "7", "--format", "html")
    assert done.code == 0, done.stderr
    assert done.stdout.startswith("<!doctype html>")
    assert "A Paper" in done.stdout and "<script" not in done.stdout


def test_a_papers_title_is_a_heading_one_level_below_its_section():
    """The posts write every paper's title as <h4>; on the page the headings nest, so that a screen
    reader's list of headings has no gaps (under a topic heading, an <h3>, titles are <h4>s:
    test_topic_layout.py)."""
    text = post(
        "An intro.\n\n"
        + block("https://arxiv.org/abs/2401.00001", "Before any section")
        + "\n## Papers\n\n"
        + block("https://arxiv.org/abs/2401.00002", "Under Papers")
    )
    tree = lxml.html.fragment_fromstring(article_html(parse_haul(text, "crafted.md")))
    headings = [
        (h.tag, h.text_content()) for h in tree.xpath(".//*[self::h1 or self::h2 or self::h3 or self::h4]")
    ]
    assert headings == [
        ("h1", "ML Arxiv Haul ~7"),
        ("h2", "Before any section"),
        ("h2", "Papers"),
        ("h3", "Under Papers"),
    ]
