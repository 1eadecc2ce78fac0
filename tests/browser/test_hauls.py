"""A reader follows the curator's haul in a real browser: list, haul, paper and back."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot


def test_a_reader_goes_from_the_hauls_to_a_paper_and_back(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Hauls").click()
    expect(page.get_by_role("heading", name="Hauls", level=1)).to_be_visible()
    page.get_by_role("link", name="ML Arxiv Haul ~25").click()

    article = page.locator("article.haul")
    expect(article.get_by_role("heading", name="New Paper Content")).to_be_visible()
    expect(article.locator("strong", has_text="Worth a read")).to_be_visible()  # the curator's Markdown
    item = article.locator("section.haul-item", has_text="Diffusion Model Alignment")
    anchor = item.get_attribute("id")
    item.get_by_role("link", name="Paper page").click()

    expect(
        page.get_by_role("heading", name="Diffusion Model Alignment Using Direct Preference Optimization")
    ).to_be_visible()
    covered = page.locator("section[aria-labelledby=coverage-heading]")
    expect(covered).to_contain_text("in “New Paper Content”")
    covered.get_by_role("link", name="ML Arxiv Haul ~25").click()
    assert page.url.endswith(f"/hauls/ml-arxiv-haul-25/#{anchor}")


def test_screenshots_of_a_haul(browser, site):
    for name, viewport, scheme in (("desktop", DESKTOP, "light"), ("phone", PHONE, "dark")):
        context = browser.new_context(viewport=viewport, base_url=site.url, color_scheme=scheme)
        page = context.new_page()
        page.goto("/hauls/ml-arxiv-haul-25/")
        expect(page.locator("article.haul")).to_be_visible()
        screenshot(page, f"haul-{name}-{scheme}")
        context.close()
