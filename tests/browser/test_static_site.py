"""The static site (`paperhaul site build`) in Debian's chromium, served by a plain http.server.

The site is built for a sub-path (http://127.0.0.1:PORT/blog/) and served as files, as a static
host would: the search page's typeahead works on the JSON index alone, with the keyboard and the
mouse, and without JavaScript the page still lists every covered link.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, axe_violations, screenshot
from tests.cli import Cli
from tests.hauls.conftest import block, post

PAPERS = {
    "2511.20003": "Whisper-Tiny Goes Multilingual: Speech Recognition on a Budget",
    "2511.20002": "Sparse Mixture of Experts for Long-Context Language Modeling",
    "2511.20006": "Tokenizer-Free Language Models at Scale",
    "2511.20005": "Attention Is All You Need for Protein Folding",
}


class _Files(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # the test's output stays readable
        pass


@pytest.fixture(scope="module")
def static_site(tmp_path_factory) -> Iterator[str]:
    """Two hauls built into www/blog/ and served from www/ on 127.0.0.1; yields the site's URL."""
    home = tmp_path_factory.mktemp("static-site")
    posts = home / "posts"
    posts.mkdir()
    first = [block(f"https://arxiv.org/abs/{i}", PAPERS[i]) for i in ("2511.20003", "2511.20002")]
    second = [
        block(f"https://arxiv.org/abs/{i}v2", PAPERS[i]) for i in ("2511.20006", "2511.20005", "2511.20002")
    ]
    (posts / "ml-arxiv-1.md").write_text(post("\nA comment.\n<hr/>\n\n".join(first), title="Haul ~1"))
    (posts / "ml-arxiv-2.md").write_text(
        post("\nMore.\n<hr/>\n\n".join(second), title="Haul ~2", published="2023-06-01T10:00:00.000Z")
    )
    cli = Cli(home / "home")
    assert cli("import", "haul", str(posts)).code == 0
    www = home / "www"
    www.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Files, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/blog/"
    try:
        built = cli("site", "build", str(www / "blog"), "--base-url", url)
        assert built.code == 0, built.stderr
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def page(browser) -> Iterator:
    """A page that records console errors, uncaught exceptions and failed requests in ``page.errors``."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and page.errors.append(response.url))
    yield page
    context.close()


def test_two_letters_of_a_title_find_the_paper_and_enter_opens_its_page(page, static_site):
    page.goto(static_site + "search/")
    box = page.get_by_role("combobox", name="Title, author or arXiv id")
    box.click()
    box.press_sequentially("wh")
    options = page.locator("#q-listbox:not([hidden]) [role=option]")
    expect(options.first).to_contain_text(PAPERS["2511.20003"])
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "q-option-0")
    expect(options.first).to_have_attribute("aria-selected", "true")
    screenshot(page, "static-site-search")
    box.press("Enter")
    expect(page).to_have_url(static_site + "papers/2511.20003/")
    expect(page.get_by_role("heading", level=1)).to_have_text(PAPERS["2511.20003"])
    assert page.errors == []


def test_the_search_page_works_with_the_keyboard_alone(page, static_site):
    page.goto(static_site + "search/")
    for _ in range(12):  # from the top of the page, Tab reaches the search box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    box = page.locator("#q")
    expect(box).to_be_focused()
    page.keyboard.type("sparse mix")
    listbox = page.locator("#q-listbox")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowUp")  # wraps to the last option
    expect(box).to_have_attribute("aria-activedescendant", "q-option-0")
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("sparse mix")
    page.keyboard.press("Escape")
    expect(box).to_have_value("")

    page.keyboard.type("language mod")
    page.keyboard.press("Enter")  # no option chosen: the form searches, the page lists every match
    expect(page).to_have_url(re.compile(r"/blog/search/\?q=language\+mod$"))
    results = page.locator("#search-results")
    expect(results.get_by_role("status")).to_have_text("2 covered papers match “language mod”.")
    expect(page.locator("#all-links")).to_be_hidden()
    title = PAPERS["2511.20006"]
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == title:
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(static_site + "papers/2511.20006/")
    page.get_by_role("link", name="Haul ~2").click()
    expect(page).to_have_url(re.compile(r"/blog/hauls/haul-2/$"))

    header_box = page.get_by_role("combobox")
    header_box.click()
    header_box.press_sequentially("prot")
    page.locator("#site-search-input-listbox [role=option]").first.click()
    expect(page).to_have_url(static_site + "papers/2511.20005/")
    assert page.errors == []


def test_without_javascript_the_search_page_lists_every_covered_link(browser, static_site):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(static_site + "search/?q=anything")
    listing = page.locator("#all-links")
    expect(listing).to_be_visible()
    expect(listing.get_by_role("heading", level=3)).to_have_text(
        [re.compile("Haul ~2"), re.compile("Haul ~1")]
    )
    hrefs = listing.locator("li > a:first-child").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert set(hrefs) == {f"/blog/papers/{i}/" for i in PAPERS}
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_static_pages_have_no_accessibility_violations(browser, static_site, scheme):
    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
    page = context.new_page()
    paths = ["", "hauls/", "hauls/haul-2/", "papers/2511.20002/", "search/?q=sparse", "tags/arxiv/"]
    found = [line for path in paths for line in axe_violations(page, static_site + path)]
    context.close()
    assert not found, "\n".join(found)
