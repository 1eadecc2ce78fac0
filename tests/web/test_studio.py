"""The curation studio: staff compose a haul in the browser, check it, preview it and publish it.

Papers new to the library are fetched from a fake arXiv API on 127.0.0.1 (tests/hauls/authoring_server.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul, HaulItem, HaulSection
from paperhaul.hauls.render import render
from tests.hauls.authoring_server import fetched_ids, serve_arxiv
from tests.hauls.conftest import block, post
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db
HOSTILE_NOTE = (
    "Read it.<script>alert(1)</script> <img src=x onerror=alert(2)> "
    '<a href="javascript:alert(3)">click</a> [md](javascript:alert(4)) <iframe src="https://evil.example"></iframe>'
)


@pytest.fixture
def arxiv(settings, httpserver):
    settings.PAPERHAUL_ARXIV_DELAY = 0
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_HTTP_TIMEOUT = 2
    settings.PAPERHAUL_ARXIV_API_URL = serve_arxiv(httpserver)
    return httpserver


@pytest.fixture
def draft(db):
    from paperhaul.hauls import authoring

    haul = authoring.new_haul("Week of Hints", number=3)
    authoring.add_section(haul, "Papers")
    return haul


def text_of(response) -> str:
    return response.content.decode()


def follow(client, response) -> str:
    """The editor page a change redirected to."""
    assert response.status_code == 302, text_of(response)[:2000]
    return text_of(client.get(response["Location"]))


def block_ids(haul: Haul) -> list[tuple[str, int]]:
    from paperhaul.hauls import authoring

    return [("item" if isinstance(b, HaulItem) else "section", b.pk) for b in authoring.blocks(haul)]


# ------------------------------------------------------------------------------ who may enter

CHANGES = [
    ("post", "/studio/new/", {"header-title": "Sneaky"}),
    ("post", "/studio/3/add/", {"add-url": "2405.00001"}),
    ("post", "/studio/3/header/", {"header-title": "Renamed"}),
    ("post", "/studio/3/publish/", {}),
    ("post", "/studio/3/section/{section}/remove/", {}),
    ("get", "/studio/", {}),
    ("get", "/studio/3/", {}),
    ("get", "/studio/3/preview/", {}),
]


@pytest.mark.parametrize("method, path, data", CHANGES)
def test_anonymous_is_sent_to_log_in_and_a_reader_is_refused(client, reader, draft, method, path, data):
    path = path.format(section=draft.sections.get().pk)
    before = render(draft, "md")
    response = getattr(client, method)(path, data)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    client.force_login(reader)
    response = getattr(client, method)(path, data)
    assert response.status_code == 403
    assert "curators (staff accounts)" in text_of(response)
    assert [h.number for h in Haul.objects.all()] == [3] and render(draft, "md") == before


def test_the_studio_link_is_for_curators_only(client, reader, curator):
    client.force_login(reader)
    assert 'href="/studio/"' not in text_of(client.get("/new/"))
    client.force_login(curator)
    assert 'href="/studio/"' in text_of(client.get("/new/"))


def test_every_change_needs_the_csrf_token(db, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("staffer", is_staff=True))
    section = draft.sections.get().pk
    for path in (
        "/studio/new/",
        "/studio/3/add/",
        f"/studio/3/section/{section}/move/",
        "/studio/3/publish/",
    ):
        response = client.post(path, {"header-title": "X", "add-url": "2405.00001", "direction": "up"})
        assert response.status_code == 403 and "security token" in text_of(response)
    page = text_of(client.get("/studio/3/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/studio/new/", {"csrfmiddlewaretoken": token, "header-title": "With a token"})
    assert response.status_code == 302
    assert list(Haul.objects.order_by("number").values_list("title", flat=True)) == [
        "Week of Hints",
        "With a token",
    ]


def test_changes_refuse_get_and_unknown_things_are_404(curator_client, draft):
    for path in ("/studio/new/", "/studio/3/add/", "/studio/3/publish/", "/studio/3/unpublish/"):
        assert curator_client.get(path).status_code == 405
    section = draft.sections.get().pk
    for path in ("/studio/9/add/", f"/studio/3/bogus/{section}/remove/", "/studio/3/item/999/remove/"):
        assert curator_client.post(path).status_code == 404
    assert curator_client.get("/studio/9/").status_code == 404
    assert draft.sections.count() == 1


# ------------------------------------------------------------------------------ the whole flow


def test_new_add_reorder_edit_preview_publish(curator_client, arxiv):
    reader = Client()  # signed out: sees published hauls only
    listing = text_of(curator_client.get("/studio/"))
    assert 'id="new"' in listing and "No hauls yet" in listing and 'value="1"' in listing  # the next number

    response = curator_client.post(
        "/studio/new/",
        {"header-title": "Week of Hints", "header-snippet": "Three papers", "header-tags": "llm, edu"},
    )
    assert response["Location"] == "/studio/1/"
    haul = Haul.objects.get(number=1)
    assert (haul.status, haul.tag_names()) == ("draft", ["llm", "edu"])

    follow(
        curator_client,
        curator_client.post("/studio/1/sections/", {"section-heading": "Papers", "section-level": "2"}),
    )
    page = follow(
        curator_client,
        curator_client.post(
            "/studio/1/add/", {"add-url": "https://arxiv.org/abs/2405.00001", "add-note": "Hints."}
        ),
    )
    assert "Added block 2: Pedagogical Alignment of Large Language Models" in page
    assert 'id="findings-none"' in page
    follow(
        curator_client, curator_client.post("/studio/1/add/", {"add-url": "2405.00002", "add-note": "Fast."})
    )
    assert fetched_ids(arxiv) == ["2405.00001", "2405.00002"]

    # The same paper again under another URL: added, and the warning is on the page.
    page = follow(
        curator_client,
        curator_client.post("/studio/1/add/", {"add-url": "https://huggingface.co/papers/2405.00001"}),
    )
    assert 'class="message warning"' in page
    assert (
        "block 4 &quot;Pedagogical Alignment of Large Language Models&quot; is already in this haul" in page
    )
    remove = curator_client.post(f"/studio/1/item/{block_ids(haul)[3][1]}/remove/")
    assert 'id="findings-none"' in follow(curator_client, remove)

    # Reorder: the second paper up, above the first.
    kind, pk = block_ids(haul)[2]
    page = follow(curator_client, curator_client.post(f"/studio/1/{kind}/{pk}/move/", {"direction": "up"}))
    assert "Moved block 3 to 2." in page
    assert [b.title for b in HaulItem.objects.filter(haul=haul).order_by("position")] == [
        "Sparse Attention for Long Documents",
        "Pedagogical Alignment of Large Language Models",
    ]

    # Edit the first paper's block.
    edit = curator_client.post(
        f"/studio/1/item/{pk}/edit/",
        {
            f"item-{pk}-title": "Sparse Attention",
            f"item-{pk}-abstract": "Faster…",
            f"item-{pk}-commentary": HOSTILE_NOTE,
        },
    )
    assert "Saved block 2." in follow(curator_client, edit)
    assert HaulItem.objects.get(pk=pk).commentary == HOSTILE_NOTE  # kept as written, cleaned when shown

    preview = curator_client.get("/studio/1/preview/")
    assert preview.status_code == 200
    html = text_of(preview)
    assert '<article class="haul">' in html and "<h3>Sparse Attention</h3>" in html and "Read it." in html
    assert_harmless(html)
    assert_harmless(text_of(curator_client.get("/studio/1/")))

    assert reader.get("/hauls/week-of-hints/").status_code == 404  # a draft: readers do not see it
    published = follow(
        curator_client, curator_client.post("/studio/1/publish/", {"publish-at": "2024-05-03T09:30"})
    )
    assert "Published on 03 May 2024, 09:30 UTC." in published
    haul.refresh_from_db()
    assert haul.status == "published" and haul.published_at.isoformat() == "2024-05-03T09:30:00+00:00"
    public = reader.get("/hauls/week-of-hints/")
    assert public.status_code == 200 and "Sparse Attention" in text_of(public)
    assert_harmless(text_of(public))

    follow(curator_client, curator_client.post("/studio/1/unpublish/"))
    assert reader.get("/hauls/week-of-hints/").status_code == 404
    listing = text_of(curator_client.get("/studio/"))
    assert "Week of Hints" in listing and "Draft" in listing


def assert_harmless(html: str) -> None:
    """Nothing the curator wrote can run: no script, handler or javascript: link reached the page."""
    assert "<script>alert" not in html and "<iframe" not in html
    assert "onerror" not in html.replace("&lt;img src=x onerror", "")  # an escaped textarea is text
    assert not re.search(r'href="javascript:', html)


# ------------------------------------------------------------------------------ refusals and checks


def test_a_bad_link_is_a_clear_error_with_what_was_typed(curator_client, arxiv, draft):
    response = curator_client.post("/studio/3/add/", {"add-url": "just some words", "add-note": "My note"})
    assert response.status_code == 400
    html = text_of(response)
    assert 'id="studio-error"' in html and "not a usable link" in html
    assert 'value="just some words"' in html and "My note</textarea>" in html
    missing = curator_client.post("/studio/3/add/", {"add-url": "arXiv:2405.09999"})
    assert missing.status_code == 502 and "arXiv has no paper 2405.09999" in text_of(missing)
    assert not HaulItem.objects.exists()


def test_a_change_the_post_could_not_carry_is_refused_with_the_form_open(curator_client, draft):
    section = draft.sections.get()
    data = {
        f"section-{section.pk}-heading": "Papers",
        f"section-{section.pk}-level": "2",
        f"section-{section.pk}-body": "Intro\n## Sneaky heading",
    }
    response = curator_client.post(f"/studio/3/section/{section.pk}/edit/", data)
    assert response.status_code == 400
    html = text_of(response)
    assert "would not read back from the haul&#x27;s Markdown at block 1" in html
    assert "<details open>" in html and "## Sneaky heading</textarea>" in html
    section.refresh_from_db()
    assert section.body == ""


def test_publishing_an_empty_haul_is_refused(curator_client, draft):
    response = curator_client.post("/studio/3/publish/", {"publish-at": ""})
    assert response.status_code == 400 and "haul 3 has no items" in text_of(response)
    bad_date = curator_client.post("/studio/3/publish/", {"publish-at": "tomorrow"})
    assert bad_date.status_code == 400 and "not an ISO 8601 date" in text_of(bad_date)
    assert Haul.objects.get(number=3).status == "draft"


def test_a_paper_covered_before_is_flagged_on_the_editor(curator_client, arxiv, draft, tmp_path: Path):
    earlier = post(
        block("https://arxiv.org/abs/2405.00002", "Sparse Attention for Long Documents") + "\nOld.\n"
    )
    (tmp_path / "ml-arxiv-2.md").write_text(earlier.replace("~7", "~2"), encoding="utf-8")
    import_hauls([tmp_path / "ml-arxiv-2.md"])
    section = draft.sections.get().pk
    page = follow(
        curator_client,
        curator_client.post(
            "/studio/3/add/", {"add-url": "https://arxiv.org/pdf/2405.00002v3", "add-section": str(section)}
        ),
    )
    assert not fetched_ids(arxiv)  # the library had it from the imported post
    assert 'id="findings"' in page
    assert "was covered in haul 2 &quot;ML Arxiv Haul ~2&quot; (2023-05-01), block 1" in page
    assert HaulItem.objects.get(haul=draft).section == HaulSection.objects.get(haul=draft)
