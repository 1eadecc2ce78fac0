"""The "Clip to paperhaul" bookmarklet's page: what a reader or a curator may do with the page they
were reading, each a form to the page that does it; nothing fetched or written by opening it."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

from paperhaul.community.models import SavedPaper
from paperhaul.hauls.models import Haul, HaulItem
from paperhaul.papers.models import Paper
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db
KNOWN = "https://arxiv.org/abs/2401.00001v2"


def clip_url(address: str, note: str = "") -> str:
    return "/clip/?" + urlencode({"url": address, "note": note})


def forms(page: str) -> dict[str, str]:
    """Each form of the page's main part (not the header's log-out): its action and its HTML."""
    main = page[page.index("<main") : page.index("</main>")]
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<form method="post" action="([^"]+)".*?</form>', main, re.S)
    }


def test_signing_in_comes_back_to_the_clip(client, papers):
    response = client.get(clip_url(KNOWN))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?" + urlencode({"next": clip_url(KNOWN)}, safe="/")


def test_a_reader_clips_a_known_paper_to_today_s_list_or_the_reading_list(reader_client, reader, papers):
    page = reader_client.get(clip_url(KNOWN)).content.decode()
    assert "In the library:" in page and "Direct Preference Optimization for Diffusion Models" in page
    actions = forms(page)
    paper = Paper.objects.get(key="arxiv:2401.00001")
    assert set(actions) == {"/submit/", f"/p/{paper.pk}/save/"}, "no curator's forms"
    assert f'name="target" value="{KNOWN}"' in actions["/submit/"]
    reader_client.post(f"/p/{paper.pk}/save/", {"next": "/papers/2401.00001"})
    assert SavedPaper.objects.filter(user=reader, paper=paper).exists()
    again = reader_client.get(clip_url(KNOWN)).content.decode()
    assert "Saved: it is on" in again and f"/p/{paper.pk}/save/" not in forms(again)


def test_a_curator_adds_the_paper_to_the_library_or_a_draft_haul_with_the_selected_text(
    curator_client, papers
):
    Haul.objects.create(number=7, title="Published", slug="published", status="published")
    Haul.objects.create(number=8, title="Next week", slug="next-week")
    selected = "We find that <b>sparse</b> adapters win."
    new = curator_client.get(clip_url("https://arxiv.org/abs/2401.09999", selected)).content.decode()
    assert "Not in the library yet" in new
    assert set(forms(new)) == {"/submit/", "/library/add/", "/studio/8/add/"}, "draft hauls only"
    assert html.escape(selected) in forms(new)["/studio/8/add/"] and selected not in new
    assert not Paper.objects.filter(key="arxiv:2401.09999").exists(), "nothing fetched by looking"

    known = curator_client.get(clip_url(KNOWN, selected)).content.decode()
    assert "/library/add/" not in forms(known), "already in the library"
    response = curator_client.post(
        "/studio/8/add/", {"add-url": KNOWN, "add-note": selected, "add-section": ""}
    )
    assert response.status_code == 302 and response["Location"] == "/studio/8/"
    item = HaulItem.objects.get()
    assert (item.haul.number, item.paper.key, item.commentary) == (8, "arxiv:2401.00001", selected)


def test_a_page_that_is_not_a_paper_s_address_is_a_clear_error(reader_client, papers):
    for address in ("javascript:alert(1)", "hello world", "data:text/html,<script>x</script>"):
        response = reader_client.get(clip_url(address))
        page = response.content.decode()
        assert response.status_code == 400 and "is not the address of a paper" in page
        assert not forms(page) and "<script>x" not in page


def test_without_an_address_the_page_offers_the_bookmarklet(reader_client, papers):
    page = reader_client.get("/clip/").content.decode()
    assert "Clip to paperhaul" in page and 'name="url"' in page
    code = html.unescape(re.search(r'href="(javascript:[^"]+)"', page).group(1))
    assert code.startswith("javascript:(()=>{location.href='http://testserver/clip/?url='+encodeURIComponent")
    assert "getSelection()" in code
    assert "Clip to paperhaul" in reader_client.get("/submit/").content.decode()


def test_the_studio_offers_the_bookmarklet(curator_client):
    assert "Clip to paperhaul" in curator_client.get("/studio/").content.decode()


def test_an_arxiv_id_is_clipped_without_a_link_to_itself(reader_client, papers):
    page = reader_client.get(clip_url("2401.00001")).content.decode()
    assert '<p class="clip-address"><code>2401.00001</code></p>' in page and "In the library:" in page


def test_a_huge_address_or_note_is_cut(reader_client, papers):
    response = reader_client.get(clip_url("https://example.org/" + "a" * 5000, "n" * 20000))
    assert response.status_code == 200
    assert "a" * 2001 not in response.content.decode()


def test_readers_see_no_curator_forms_even_with_drafts(client, papers):
    Haul.objects.create(number=8, title="Next week", slug="next-week")
    client.force_login(make_user("someone"))
    assert "/studio/8/add/" not in client.get(clip_url(KNOWN)).content.decode()
