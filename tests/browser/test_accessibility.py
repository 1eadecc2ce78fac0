"""Every page passes axe-core's automated accessibility rules (WCAG 2.x A and AA, and best practices),
in the light and the dark theme, for readers and for the curator.

axe-core (bundled by axe-playwright-python) runs inside the real page in chromium, so it judges the
page as rendered: colour contrast of the actual theme, names of controls, landmarks, heading order.
Automated rules find part of what matters (keyboard use is tested in test_journey.py), but what they
find is never acceptable, so any violation fails with the rule, the element and axe's advice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from paperhaul.web.links import paper_path
from tests.browser.conftest import DESKTOP, PHONE, Site, axe_violations, running_site, screenshot
from tests.cli import Cli

CURATOR, PASSWORD = "curator", "a long and unusual passphrase 42"
MISSING = "/no/such/page/"
# OpenReview versions of two papers of the site: each reported as possibly the same paper.
TWINS = {
    "2511.20001": ("DiffDPO1", "Diffusion Model Alignment Using Direct Preference Optimization"),
    "2511.20002": ("SparseMoE2", "Sparse Mixture of Experts for Long-Context Language Modeling."),
}


def forum(arxiv_id: str) -> str:
    return f"https://openreview.net/forum?id={TWINS[arxiv_id][0]}"


def merge_path(arxiv_id: str) -> str:
    return "/library/merge/?" + urlencode({"keep": f"arxiv:{arxiv_id}", "other": forum(arxiv_id)})


READER_PAGES = [
    "/",
    "/trending/",
    "/new/",
    "/c/cs.CV/",
    "/topics/",
    "/topics/computer-vision/",
    "/authors/Bram%20Wallace",
    "/search/?q=diffusion+preference",
    "/search/?q=zzzzqqq",
    "/papers/2511.20001",
    "/hauls/",
    "/hauls/ml-arxiv-haul-25/",
    "/hauls/ml-arxiv-haul-25/?layout=topics",
    "/hauls/stats/",
    "/tags/llm/",
    "/lists/",
    "/subscribe/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    MISSING,
]
CURATOR_PAGES = [
    "/library/",
    "/library/duplicates/",
    merge_path("2511.20001"),
    "/clip/?url=https%3A%2F%2Farxiv.org%2Fabs%2F2511.20003v1&note=A+note",
    "/studio/",
    "/studio/25/",
    "/studio/25/preview/",
    "/submit/",
    "/for-you/",
    f"/u/{CURATOR}/",
    f"/u/{CURATOR}/?show=replies",
    f"/u/{CURATOR}/?show=lists",
    f"/u/{CURATOR}/?show=saved",
    "/lists/new/",
    "/accounts/tokens/",
    "/papers/2511.20001",
]


@pytest.fixture(scope="module")
def curated_site(tmp_path_factory) -> Iterator[Site]:
    """A site of its own, whose first account is a curator (the shared site's first sign-up is a
    reader's, which other tests rely on)."""
    with running_site(tmp_path_factory.mktemp("accessibility-site")) as started:
        made = Cli(started.cli.home, DJANGO_SUPERUSER_PASSWORD=PASSWORD)(
            "createsuperuser", "--noinput", "--username", CURATOR, "--email", "curator@example.org"
        )
        assert made.code == 0, made.stderr
        twins = started.cli.home / "openreview.jsonl"
        twins.write_text(
            "".join(
                json.dumps({"url": forum(arxiv_id), "title": title, "comments": "ICLR 2026 Poster"}) + "\n"
                for arxiv_id, (_, title) in TWINS.items()
            )
        )
        imported = started.cli("import", "jsonl", str(twins))
        assert imported.code == 0, imported.stderr
        yield started


def log_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(CURATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def violations(page, path: str) -> list[str]:
    return axe_violations(page, path, status=404 if path == MISSING else 200)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_reader_and_curator_pages_have_no_violations(browser, curated_site, scheme):
    context = browser.new_context(viewport=DESKTOP, base_url=curated_site.url, color_scheme=scheme)
    page = context.new_page()
    found = [line for path in READER_PAGES for line in violations(page, path)]
    log_in(page)
    found += [line for path in CURATOR_PAGES for line in violations(page, path)]
    context.close()
    assert not found, "\n".join(found)


def test_phone_layout_has_no_violations(browser, curated_site):
    context = browser.new_context(viewport=PHONE, base_url=curated_site.url, color_scheme="dark")
    page = context.new_page()
    found = [
        line
        for path in ("/", "/papers/2511.20001", "/search/?q=diffusion")
        for line in violations(page, path)
    ]
    context.close()
    assert not found, "\n".join(found)


def test_a_curator_merges_an_openreview_version_into_its_arxiv_paper_and_undoes_it(browser, curated_site):
    context = browser.new_context(viewport=DESKTOP, base_url=curated_site.url)
    page = context.new_page()
    log_in(page)
    page.goto("/library/")
    page.get_by_role("link", name="possible duplicate").click()
    report = page.locator("section.pair", has_text="Sparse Mixture of Experts")
    report.get_by_role("link", name="Same paper: keep the first…").click()
    kept = page.get_by_role("article", name="Kept")
    if "arxiv:2511.20002" not in kept.inner_text():
        page.get_by_role("link", name="Keep the other one instead").click()
    assert "arxiv:2511.20002" in page.get_by_role("article", name="Kept").inner_text()
    assert "it takes from the other what it lacks: comments" in page.locator(".merge-effects").inner_text()
    page.get_by_role("button", name="Merge").click()
    page.wait_for_url("**/papers/2511.20002")
    assert "Merged url:https://openreview.net/forum?id=SparseMoE2 into arxiv:2511.20002" in page.content()
    assert "ICLR 2026 Poster" in page.locator(".facts").inner_text()
    page.goto(paper_path("url:" + forum("2511.20002")))  # the other item's old page
    assert page.url.endswith("/papers/2511.20002")

    # They were two papers after all: the merge is undone from the Merges page.
    page.goto("/library/merges/")
    undo = page.get_by_role("link", name="Undo…").get_attribute("href")
    assert not violations(page, "/library/merges/") and not violations(page, undo)
    assert "It has again: 1 identifier" in page.locator(".merge-effects").inner_text()
    screenshot(page, "undo-merge")
    page.get_by_role("button", name="Undo the merge").click()
    page.wait_for_load_state()
    assert page.url.endswith(paper_path("url:" + forum("2511.20002")))
    assert "Undid the merge of url:https://openreview.net/forum?id=SparseMoE2 into arxiv:2511.20002" in (
        page.content()
    )
    context.close()


def test_the_bookmarklet_clips_the_page_a_curator_is_reading(browser, curated_site):
    context = browser.new_context(viewport=DESKTOP, base_url=curated_site.url)
    page = context.new_page()
    log_in(page)
    page.goto("/studio/")
    code = page.get_by_role("link", name="Clip to paperhaul").get_attribute("href")
    # arXiv's page as the browser would show it, served by the test (nothing leaves the machine).
    context.route(
        "https://arxiv.org/abs/2511.20003v1",
        lambda route: route.fulfill(
            content_type="text/html",
            body="<title>arXiv</title><p id='abstract'>A 39M-parameter recognizer.</p>",
        ),
    )
    page.goto("https://arxiv.org/abs/2511.20003v1")
    page.evaluate("getSelection().selectAllChildren(document.getElementById('abstract'))")
    page.evaluate(code.removeprefix("javascript:"))
    page.wait_for_url("**/clip/?url=*")
    assert page.url.endswith(
        "?url=https%3A%2F%2Farxiv.org%2Fabs%2F2511.20003v1&note=A%2039M-parameter%20recognizer."
    )
    assert "Whisper-Tiny Goes Multilingual" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Put it on today's list").is_visible()
    context.close()
