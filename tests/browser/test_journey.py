"""What a reader does in a real browser: sign up, find a paper, upvote, comment, reply, submit."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, screenshot

PASSWORD = "a long and unusual passphrase 42"


def sign_up(page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail").fill(f"{username}@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(username)


def test_a_reader_signs_up_finds_upvotes_comments_replies_and_submits(page, site):
    sign_up(page, "ada")

    box = page.locator("#site-search-input")
    box.click()
    box.press_sequentially("diffusion model align")
    options = page.locator("#site-search-input-listbox:not([hidden]) [role=option]")
    expect(options.first).to_contain_text("Diffusion Model Alignment")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile("option"))
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/papers/2511\.20001$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Diffusion Model Alignment Using Direct Preference Optimization"
    )

    upvote = page.locator("form.vote button")
    expect(upvote).to_have_attribute("aria-pressed", "false")
    upvote.click()
    expect(upvote).to_have_attribute("aria-pressed", "true")
    expect(upvote.locator(".count")).to_have_text("1")
    page.reload()
    expect(page.locator("form.vote button .count")).to_have_text("1")

    page.get_by_label("Add a comment").fill("Does the **same trick** work for video models?")
    page.get_by_role("button", name="Comment", exact=True).click()
    comment = page.locator(".comment", has_text="work for video models")
    expect(comment.locator("strong")).to_have_text("same trick")

    comment.locator("summary", has_text="Reply").click()
    comment.get_by_label("Your reply").fill("Section 5 tries it on short clips.")
    comment.get_by_role("button", name="Reply").click()
    reply = page.locator(".comment-thread .comment-thread .comment", has_text="Section 5 tries it")
    expect(reply).to_be_visible()
    screenshot(page, "paper-page-desktop")

    page.goto("/")
    page.get_by_label("Submit a paper to today's list").fill(f"https://arxiv.org/abs/{site.submit_id}v2")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("is on today's list")
    expect(page.locator(".paper-list")).to_contain_text("Tokenizer-Free Language Models at Scale")


def test_typeahead_keyboard_escape_and_plain_search(page, site):
    page.goto("/")
    box = page.locator("#site-search-input")
    box.click()
    box.press_sequentially("sparse")
    listbox = page.locator("#site-search-input-listbox")
    expect(listbox).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("sparse")
    box.press("Escape")
    expect(box).to_have_value("")
    box.fill("speech recognition")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=speech\+recognition"))
    expect(page.locator(".paper-list mark").first).to_be_visible()


def test_a_reader_copies_a_papers_bibtex_entry(page, site):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/papers/2511.20001")
    page.get_by_text("Cite", exact=True).click()
    entry = page.locator("#bibtex-entry")
    expect(entry).to_contain_text(re.compile(r"^@misc{wallace\d{4}diffusion,"))
    button = page.locator("button[data-copy=bibtex-entry]")
    expect(button).to_have_text("Copy BibTeX")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == entry.text_content()


def test_every_page_works_without_javascript(browser, site):
    context = browser.new_context(viewport=DESKTOP, base_url=site.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_up(page, "nojs")
        page.locator("#site-search-input").fill("protein folding")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page).to_have_url(re.compile(r"/search/\?q=protein\+folding"))
        page.get_by_role("link", name=re.compile("Protein Folding")).first.click()
        expect(page).to_have_url(re.compile(r"/papers/2511\.20005$"))
        page.locator("form.vote button").click()
        expect(page.locator("form.vote button .count")).to_have_text("1")
        expect(page.locator("form.vote button")).to_have_attribute("aria-pressed", "true")
        page.get_by_label("Add a comment").fill("Works without scripts.")
        page.get_by_role("button", name="Comment", exact=True).click()
        expect(page.locator(".comment", has_text="Works without scripts.")).to_be_visible()
    finally:
        context.close()


def test_hostile_comment_is_inert_in_the_browser(page, site):
    sign_up(page, "mallory")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/papers/2511.20002")
    page.get_by_label("Add a comment").fill(
        '<script>alert("x")</script> <img src=x onerror="alert(1)"> [click](javascript:alert(2))'
    )
    page.get_by_role("button", name="Comment", exact=True).click()
    comment = page.locator(".comment", has_text="click")
    expect(comment).to_be_visible()
    comment.get_by_text("click").click()
    page.reload()
    assert dialogs == []
    assert page.locator(".comment-body img").count() == 0


def test_screenshots_of_the_daily_list_paper_and_search_pages(browser, site):
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for scheme in ("light", "dark"):
            context = browser.new_context(viewport=viewport, base_url=site.url, color_scheme=scheme)
            page = context.new_page()
            page.goto("/")
            expect(page.locator(".paper-list")).to_be_visible()
            screenshot(page, f"daily-{name}-{scheme}")
            page.goto("/papers/2511.20001")
            screenshot(page, f"paper-{name}-{scheme}")
            page.goto("/search/?q=language+models")
            expect(page.locator(".paper-list")).to_be_visible()
            screenshot(page, f"search-{name}-{scheme}")
            context.close()


def test_a_reader_keeps_a_reading_list_with_notes(page, site):
    sign_up(page, "grace")
    page.goto("/papers/2511.20003")
    box = page.get_by_role("region", name="Your reading list")
    expect(box).to_contain_text("Not in your list")
    box.get_by_text("Add a private note").click()
    box.get_by_label("Your note").fill("Read with the appendix.\nAsk about the ablation.")
    box.get_by_role("button", name="Save the note").click()
    expect(page).to_have_url(re.compile(r"/papers/2511\.20003#reading$"))
    expect(page.locator("form.save button")).to_have_attribute("aria-pressed", "true")
    page.locator("form.save button").click()  # the script is told 409: the form asks first
    expect(page.get_by_role("heading", name="Take it off your reading list?")).to_be_visible()
    page.get_by_role("link", name="Keep it").click()
    expect(page.locator("form.save button")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Mark read").click()
    expect(box).to_contain_text("You marked it read on")
    page.goto("/u/grace/?show=saved")
    page.get_by_role("link", name=re.compile("^Read")).click()
    note = page.locator(".reader-note")
    expect(note).to_have_text("Your note: Read with the appendix.Ask about the ablation.")
    assert not axe_violations(page, "/u/grace/?show=saved&state=read")
    page.get_by_role("button", name=re.compile("back to “to read”")).click()
    expect(page.locator(".paper-list")).to_have_count(0)
    expect(page.get_by_text("Nothing marked read yet")).to_be_visible()


def test_a_reading_group_keeps_a_shared_list(browser, page, site):
    sign_up(page, "hopper")
    page.goto("/lists/new/")
    page.get_by_label("Title").fill("Reading group: speech")
    page.get_by_label("Description").fill("We meet on **Fridays**.")
    page.get_by_role("button", name="Make the list").click()
    expect(page).to_have_url(re.compile(r"/u/hopper/lists/reading-group-speech/$"))
    page.get_by_label("Add a paper").fill("2511.20003")
    page.get_by_label("Comment").fill("Week 1: the *tiny* model.")
    page.get_by_role("button", name="Add to the list").click()
    expect(page.locator(".list-comment em")).to_have_text("tiny")
    page.goto("/papers/2511.20001")
    page.get_by_text("Add to a list", exact=True).click()
    page.get_by_label("List", exact=True).select_option(label="Reading group: speech")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Added to “Reading group: speech”.")
    page.goto("/u/hopper/lists/reading-group-speech/")
    assert not axe_violations(page, "/u/hopper/lists/reading-group-speech/")
    items = page.locator(".list-entries > li .paper-title")
    expect(items).to_have_count(2)
    page.evaluate("window.stayed = true")  # gone if the page reloads
    page.get_by_role("button", name=re.compile(r"^up\b")).click()
    expect(items.first).to_have_text(re.compile("Diffusion"))
    expect(page.locator("#list-said")).to_have_text(re.compile("^Moved up: Diffusion Model Alignment"))
    first = page.locator(".list-entries > li").first
    expect(first.locator("button[value=up]")).to_be_hidden()
    expect(first.locator("button[value=down]")).to_be_focused()
    assert page.evaluate("window.stayed === true"), "moved in place, without a reload"
    screenshot(page, "list-desktop-light")
    page.reload()
    expect(items.first).to_have_text(re.compile("Diffusion"))  # the server has the new order
    page.evaluate("window.stayed = true")
    page.locator(".list-entries > li").nth(1).get_by_role("button", name=re.compile(r"^remove\b")).click()
    expect(items).to_have_count(1)
    expect(page.locator("#list-said")).to_have_text(re.compile("^Removed: "))
    expect(page.locator(".list-entries > li button[value=down]")).to_be_hidden()
    assert page.evaluate("window.stayed === true")
    page.reload()
    expect(items).to_have_count(1)
    page.goto("/lists/")
    expect(page.get_by_role("link", name="Reading group: speech").first).to_be_visible()
