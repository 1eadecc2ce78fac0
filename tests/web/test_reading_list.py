"""The reading list: saved papers to read until marked read, each with a private note, in parts
(all, to read, read) on the profile, on the paper page and in the BibTeX and RIS downloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from paperhaul.community import reading
from paperhaul.community.models import SavedPaper
from paperhaul.errors import InputError

pytestmark = pytest.mark.django_db

DPO, SPARSE, SPEECH = "arxiv:2401.00001", "arxiv:2401.00002", "arxiv:2401.00003"


def titles(response) -> list[str]:
    return [p.title for p in response.context["page"].items]


@pytest.fixture
def reading_list(reader, papers):
    """Three papers saved a day apart (DPO first); the sparse-attention paper read, with a note."""
    for day, key in enumerate((DPO, SPARSE, SPEECH), start=1):
        reading.set_read(reader, papers[key], False)
        SavedPaper.objects.filter(paper=papers[key]).update(
            created_at=dt.datetime(2024, 1, day, tzinfo=dt.UTC)
        )
    reading.set_read(reader, papers[SPARSE], True)
    reading.set_note(reader, papers[SPARSE], "Block-sparse: compare with Longformer.\nTable 2!")
    return papers


def test_the_list_has_its_parts_with_counts(reader_client, reading_list):
    everything = reader_client.get("/u/reader/", {"show": "saved"})
    assert titles(everything) == [
        "Speech Recognition with Tiny Transformers",
        "Sparse Attention for Long Documents",
        "Direct Preference Optimization for Diffusion Models",
    ]
    assert everything.context["counts"] == {"all": 3, "to-read": 2, "read": 1}
    html = everything.content.decode()
    assert 'aria-current="page">All <span class="count">3</span>' in html
    assert 'href="?show=saved&amp;state=to-read">To read <span class="count">2</span>' in html
    to_read = reader_client.get("/u/reader/", {"show": "saved", "state": "to-read"})
    assert titles(to_read) == [
        "Speech Recognition with Tiny Transformers",
        "Direct Preference Optimization for Diffusion Models",
    ]
    assert titles(reader_client.get("/u/reader/", {"show": "saved", "state": "read"})) == [
        "Sparse Attention for Long Documents"
    ]
    assert reader_client.get("/u/reader/", {"show": "saved", "state": "later"}).status_code == 404


def test_the_list_shows_notes_and_marks_papers_read_from_the_list(reader_client, reader, reading_list):
    page = "/u/reader/?show=saved&state=to-read"
    html = reader_client.get(page).content.decode()
    assert html.count(">Mark read<") == 2
    paper = reading_list[DPO]
    response = reader_client.post(f"/p/{paper.pk}/read/", {"read": "1", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert titles(reader_client.get(page)) == ["Speech Recognition with Tiny Transformers"]
    read = reader_client.get("/u/reader/", {"show": "saved", "state": "read"})
    assert titles(read) == [paper.title, "Sparse Attention for Long Documents"], "latest read first"
    html = read.content.decode()
    assert "Block-sparse: compare with Longformer.<br>Table 2!" in html
    assert html.count("back to “to read”") == 2
    assert 'href="/papers/2401.00002#reading">edit the note' in html


def test_marking_read_twice_keeps_the_first_time(reader, reading_list):
    paper = reading_list[SPARSE]
    first = SavedPaper.objects.get(paper=paper).read_at
    assert reading.set_read(reader, paper, True).read_at == first
    assert reading.set_read(reader, paper, False).read_at is None
    assert SavedPaper.objects.get(paper=paper).note, "the note stays when the paper is to read again"


def test_the_paper_page_has_the_reader_s_box(reader_client, reader, papers):
    paper = papers[SPEECH]
    html = reader_client.get("/papers/2401.00003").content.decode()
    assert "Not in your list: marking it read or writing a note saves it." in html
    response = reader_client.post(f"/p/{paper.pk}/note/", {"note": "  Try on **Librispeech**.\r\n"})
    assert response.status_code == 302 and response["Location"] == "/papers/2401.00003#reading"
    row = SavedPaper.objects.get(user=reader, paper=paper)
    assert (row.note, row.read_at) == ("Try on **Librispeech**.", None), "saved, to read"
    html = reader_client.get("/papers/2401.00003").content.decode()
    assert ">Try on **Librispeech**.</textarea>" in html and "to read." in html
    assert 'aria-pressed="true"' in html, "the Save button says it is saved"
    reader_client.post(f"/p/{paper.pk}/read/", {"read": "1", "next": "/papers/2401.00003#reading"})
    assert "You marked it read on" in reader_client.get("/papers/2401.00003").content.decode()
    reader_client.post(f"/p/{paper.pk}/note/", {"note": ""})
    assert SavedPaper.objects.get(user=reader, paper=paper).note == "", "an empty note removes it"


def test_signed_out_readers_see_no_box_and_cannot_write(client, papers):
    paper = papers[SPEECH]
    assert 'id="reading"' not in client.get("/papers/2401.00003").content.decode()
    for action, data in (("read", {"read": "1"}), ("note", {"note": "mine"})):
        response = client.post(f"/p/{paper.pk}/{action}/", data)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get(f"/p/{paper.pk}/read/").status_code == 405
    assert not SavedPaper.objects.exists()


def test_a_note_too_long_comes_back_with_its_text_and_changes_nothing(reader_client, reader, reading_list):
    paper = reading_list[SPARSE]
    text = "x" * (reading.MAX_NOTE + 1)
    response = reader_client.post(f"/p/{paper.pk}/note/", {"note": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "a note is at most 5,000 characters (this one has 5,001)" in html
    assert f">{text}</textarea>" in html and 'aria-invalid="true"' in html
    assert SavedPaper.objects.get(paper=paper).note.startswith("Block-sparse")
    assert reader_client.post(f"/p/{paper.pk}/read/", {"read": "maybe"}).status_code == 400
    assert SavedPaper.objects.get(paper=paper).read_at is not None


def test_update_is_all_or_nothing(reader, papers):
    paper = papers[DPO]
    with pytest.raises(InputError, match="NUL"):
        reading.update(reader, paper, read=True, note="a\x00b")
    assert not SavedPaper.objects.exists()
    row = reading.update(reader, paper, read=True, note="Good.")
    assert (row.note, row.read_at is not None) == ("Good.", True)


def test_hostile_notes_are_shown_as_text(reader_client, reader, papers):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    reading.set_note(reader, papers[DPO], hostile)
    for page in ("/papers/2401.00001", "/u/reader/?show=saved"):
        html = reader_client.get(page).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_nobody_else_sees_a_reader_s_notes(client, reader, other_reader, papers):
    reading.set_note(reader, papers[DPO], "Private thought")
    client.force_login(other_reader)
    assert "Private thought" not in client.get("/papers/2401.00001").content.decode()
    assert client.get("/u/reader/saved.bib").status_code == 404
    assert "Private thought" not in Client().get("/papers/2401.00001").content.decode()


def test_downloads_carry_the_notes_and_take_a_part(reader_client, reading_list):
    bib = reader_client.get("/u/reader/saved.bib").content.decode()
    assert bib.count("@misc{") == 3
    assert "  annote = {Block-sparse: compare with Longformer.\nTable 2!}" in bib
    read = reader_client.get("/u/reader/saved.ris?state=read")
    assert read["Content-Disposition"] == 'attachment; filename="reader-read.ris"'
    ris = read.content.decode()
    assert ris.count("TY  - ") == 1
    assert "N1  - Block-sparse: compare with Longformer. Table 2!" in ris
    assert reader_client.get("/u/reader/saved.bib?state=later").status_code == 404
    html = reader_client.get("/u/reader/", {"show": "saved", "state": "to-read"}).content.decode()
    assert 'href="/u/reader/saved.bib?state=to-read"' in html


def test_lists_of_papers_mark_those_on_the_reader_s_list(reader_client, reader, client, papers):
    reading.set_read(reader, papers[SPEECH], False)
    for page in ("/", "/search/?q=speech", "/authors/Ada Lovelace", "/u/reader/"):
        html = reader_client.get(page).content.decode()
        if page == "/u/reader/":
            assert "★ saved" not in html, "no upvotes, nothing listed"
            continue
        assert html.count('<span class="saved-mark" title="On your reading list">★ saved</span>') == 1, page
    saved_tab = reader_client.get("/u/reader/?show=saved").content.decode()
    assert "★ saved" not in saved_tab, "the reading list says more already"
    assert "★ saved" not in Client().get("/").content.decode()


def test_taking_a_paper_with_a_note_off_the_list_asks_first(reader_client, reader, papers):
    paper = papers[DPO]
    reading.set_note(reader, paper, "Three pages of thoughts.")
    asked = reader_client.post(f"/p/{paper.pk}/save/", {"next": "/papers/2401.00001"})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Take it off your reading list?" in html and "Three pages of thoughts." in html
    assert SavedPaper.objects.filter(paper=paper).exists(), "nothing changed yet"
    scripted = reader_client.post(f"/p/{paper.pk}/save/", headers={"Accept": "application/json"})
    assert scripted.status_code == 409 and SavedPaper.objects.filter(paper=paper).exists()
    done = reader_client.post(f"/p/{paper.pk}/save/", {"confirm": "1", "next": "/papers/2401.00001"})
    assert done.status_code == 302 and done["Location"] == "/papers/2401.00001"
    assert not SavedPaper.objects.filter(paper=paper).exists()
    reading.set_read(reader, papers[SPARSE], True)  # no note: the button takes it off at once
    assert reader_client.post(f"/p/{papers[SPARSE].pk}/save/").status_code == 302
    assert not SavedPaper.objects.exists()
