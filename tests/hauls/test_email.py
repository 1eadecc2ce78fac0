"""A haul as an e-mail: the .eml that `haul render --format email` writes, and the same message sent
through Django's SMTP backend to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import html
from email.message import EmailMessage
from pathlib import Path

import lxml.html
import pytest

from paperhaul.hauls.email import haul_message
from paperhaul.hauls.html import markdown_html
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul
from paperhaul.hauls.parse import parse_haul
from paperhaul.hauls.plaintext import html_to_text, plain_title
from tests.cli import Cli
from tests.hauls.crafted import import_crafted
from tests.local_servers import Mailbox, smtp_server

SITE = "https://hauls.example.org"
SENDER = "ML Arxiv Haul <haul@example.org>"


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and HTML of a multipart/alternative message, checking that is what it is."""
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.get_payload()
    assert (plain.get_content_type(), rich.get_content_type()) == ("text/plain", "text/html")
    return plain.get_content(), rich.get_content()


# A paper block's title: a heading one level below its section (hauls/html.py).
PAPER_TITLES = "//blockquote/a/*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"


def shown_titles(tree: lxml.html.HtmlElement) -> list[str]:
    """The paper titles the HTML shows, with its no-break spaces read as spaces."""
    return [" ".join(heading.text_content().split()) for heading in tree.xpath(PAPER_TITLES)]


def assert_safe_and_styled(page: str) -> lxml.html.HtmlElement:
    """Styles are inlined (no <style> left), nothing can run, every image is absolute."""
    tree = lxml.html.document_fromstring(page)
    assert not tree.xpath("//style | //script | //iframe | //link")
    assert not [a for el in tree.iter() if isinstance(el.tag, str) for a in el.attrib if a.startswith("on")]
    assert not [h for h in tree.xpath("//@href | //@src") if "javascript" in h.lower()]
    assert "max-width: 640px" in tree.xpath("//table[contains(@class, 'container')]/@style")[0]
    for heading in tree.xpath(f"//h1 | {PAPER_TITLES}"):
        assert "font-size" in heading.get("style", "")
    for src in tree.xpath("//img/@src"):
        assert src.startswith(("https://", "http://")), src
    return tree


def test_render_email_writes_an_eml_with_both_parts(shared: Path, tmp_path: Path):
    cli = Cli(tmp_path / "home", PAPERHAUL_SITE_URL=SITE, PAPERHAUL_EMAIL_FROM=SENDER)
    assert cli("import", "haul", str(shared / "data" / "hauls")).code == 0
    output = tmp_path / "haul-22.eml"
    done = cli("haul", "render", "22", "--format", "email", "--output", str(output))
    assert done.code == 0, done.stderr

    message = email.message_from_bytes(output.read_bytes(), policy=email.policy.default)
    post = parse_haul((shared / "data" / "hauls" / "ml-arxiv-22.md").read_text(encoding="utf-8"))
    assert message["Subject"] == post.front.title == "ML Arxiv Haul ~22"
    assert message["From"] == SENDER
    assert message["Date"] and message["Message-ID"]
    text, page = parts(message)

    tree = assert_safe_and_styled(page)
    assert tree.xpath("//img/@src") == [f"{SITE}/blog-images/arxiv-22-1.png"]  # written "/blog-images/…"
    assert f"{SITE}/hauls/ml-arxiv-haul-22/" in tree.xpath("//a/@href")  # view on the web
    assert shown_titles(tree) == [plain_title(item.title) for item in post.items]
    for item in post.items:
        assert f"{plain_title(item.title)}\n{html.unescape(item.url)}\n" in text

    assert text.startswith("ML Arxiv Haul ~22\n=================\n")
    assert f"View this haul on the web: {SITE}/hauls/ml-arxiv-haul-22/" in text
    assert "[image] https://hauls.example.org/blog-images/arxiv-22-1.png" in text
    for section in post.sections:
        if section.heading:
            assert f"{section.heading}\n{'-' * len(section.heading)}\n" in text
    titles = {plain_title(item.title) for item in post.items}
    for line in text.splitlines():  # wrapped at 72, except titles and lines a URL makes longer
        assert len(line) <= 72 or line in titles or "://" in line, line
    assert "<" not in text.replace("<https://", "")  # no markup left in the plain text


def test_the_same_render_on_stdout_and_for_an_unknown_haul(cli, shared: Path):
    assert cli("import", "haul", str(shared / "data" / "hauls" / "ml-arxiv-20.md")).code == 0
    done = cli("haul", "render", "20", "--format", "email")
    assert done.code == 0, done.stderr
    message = email.message_from_string(done.stdout, policy=email.policy.default)
    text, _ = parts(message)
    assert "Artificial Artificial Artificial Intelligence" in text
    missing = cli("haul", "render", "99", "--format", "email")
    assert missing.code == 1 and missing.stderr.strip() == "CommandError: no haul number 99"


@pytest.mark.django_db
def test_hostile_commentary_never_reaches_either_part(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PAPERHAUL_SITE_URL", SITE)
    hauls = import_crafted(tmp_path)
    raw = haul_message(hauls[7], to=["reader@example.org"]).message().as_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text, page = parts(message)
    tree = assert_safe_and_styled(page)
    assert "https://example.org/figure.png" in tree.xpath("//img/@src")  # the handler went, not the image
    assert "alert(" not in page and "alert(" not in text
    assert "See the code (https://github.com/example/repo)." in text
    assert "[image: Figure 2] https://example.org/figure.png" in text


@pytest.fixture
def smtp(settings):
    settings.DEFAULT_FROM_EMAIL = SENDER
    with smtp_server(settings, Mailbox()) as mailbox:
        yield mailbox


@pytest.mark.django_db
def test_the_message_sent_through_smtp_arrives_whole(shared: Path, smtp, monkeypatch):
    monkeypatch.setenv("PAPERHAUL_SITE_URL", SITE)
    import_hauls([shared / "seeds" / "000_7a0cdb1f7f7e9f58.txt"])
    haul = Haul.objects.get(number=27)
    message = haul_message(haul, to=["reader@example.org"])
    assert message.send() == 1

    assert smtp.received.wait(10)
    [arrived] = smtp.messages
    assert arrived["To"] == "reader@example.org" and arrived["From"] == SENDER
    assert arrived["Subject"] == "ML Arxiv Haul ~27"
    assert arrived.get_content_type() == "multipart/alternative"
    plain, rich = arrived.get_payload()
    # SMTP carries lines ending in CRLF; the content is otherwise what was built.
    text = plain.get_payload(decode=True).decode(plain.get_content_charset()).replace("\r\n", "\n")
    page = rich.get_payload(decode=True).decode(rich.get_content_charset()).replace("\r\n", "\n")
    assert text == message.body
    assert page == message.alternatives[0][0]
    tree = assert_safe_and_styled(page)
    assert sorted(tree.xpath("//img/@src")) == [
        f"{SITE}/blog-images/arxiv-27-1.png",
        f"{SITE}/blog-images/arxiv-27-2.png",
    ]
    items = haul.items.order_by("position")
    assert shown_titles(tree) == [plain_title(item.title) for item in items]
    for item in items:
        assert f"{plain_title(item.title)}\n{item.url}\n" in text


def test_commentary_as_plain_text_keeps_structure_and_every_link():
    commentary = (
        "See [the code](https://github.com/a/b) and <https://example.org/x>.\n\n"
        "> quoted *words*\n>\n> second paragraph\n\n"
        "- one\n- two with a very long line that must wrap because it runs on and on past the limit\n\n"
        '3. three\n4. four\n\n<img src="https://x.org/f.png" alt="Figure 1"/>\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nLine<br>break"
    )
    assert html_to_text(markdown_html(commentary)) == (
        "See the code (https://github.com/a/b) and https://example.org/x.\n\n"
        "> quoted words\n>\n> second paragraph\n\n"
        "- one\n- two with a very long line that must wrap because it runs on and on\n  past the limit\n\n"
        "3. three\n4. four\n\n[image: Figure 1] https://x.org/f.png\n\n"
        "a | b\n1 | 2\n\nLine\nbreak"
    )
