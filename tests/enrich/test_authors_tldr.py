"""The authors' TL;DR (OpenReview's field) as a paper's takeaway: taken, cleaned, ranked, kept current."""

from __future__ import annotations

import copy

import pytest

from paperhaul.enrich.display import for_papers
from paperhaul.enrich.models import Takeaway
from paperhaul.enrich.takeaways import shown, write_by_person, write_takeaways
from paperhaul.papers.ingest.openreview import parse_note
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from tests.enrich.conftest import SPEECH, add_paper
from tests.papers.ingest.test_openreview import ACCEPTED

pytestmark = pytest.mark.django_db


def add_openreview(tldr: str | None, abstract: str = SPEECH) -> Paper:
    note = copy.deepcopy(ACCEPTED)
    note["content"]["abstract"] = {"value": abstract}
    if tldr is None:
        del note["content"]["TLDR"]
    else:
        note["content"]["TLDR"] = {"value": tldr}
    Library().upsert([parse_note(note)])
    return Paper.objects.get(key="url:https://openreview.net/forum?id=abcDEF123x")


def test_the_authors_tldr_is_the_shown_takeaway():
    paper = add_openreview(r"sparse experts follow their own \emph{scaling law}, $\sim$2x cheaper.")
    other = add_paper("arxiv:2212.04356", "Whisper", SPEECH)
    stats = write_takeaways()
    assert (stats.extractive, stats.authors) == (2, 1)
    chosen = shown([paper.pk, other.pk])
    assert chosen[paper.pk].method == Takeaway.Method.AUTHORS
    assert chosen[paper.pk].text == "Sparse experts follow their own scaling law, ~2x cheaper."
    assert chosen[other.pk].method == Takeaway.Method.EXTRACTIVE
    assert for_papers([paper.pk])[paper.pk].made_how == "the authors' TL;DR"
    assert write_takeaways().authors == 0, "current: nothing is written twice"


def test_a_new_tldr_replaces_the_old_and_a_withdrawn_one_goes():
    add_openreview("The first wording.")
    write_takeaways()
    paper = add_openreview("The second wording.", abstract=SPEECH + " More.")
    assert write_takeaways().authors == 1
    assert shown([paper.pk])[paper.pk].text == "The second wording."
    add_openreview(None, abstract=SPEECH + " Even more.")
    write_takeaways()
    assert not Takeaway.objects.filter(paper=paper, method=Takeaway.Method.AUTHORS).exists()
    assert shown([paper.pk])[paper.pk].method == Takeaway.Method.EXTRACTIVE


def test_a_person_s_takeaway_wins_over_the_authors():
    paper = add_openreview("The authors' claim.")
    write_takeaways()
    mine = write_by_person(paper, "What the curator makes of it.")
    assert shown([paper.pk])[paper.pk] == mine


def test_the_authors_tldr_ranks_above_a_language_model_s():
    paper = add_openreview("The authors' claim.")
    write_takeaways()
    Takeaway.objects.create(paper=paper, method=Takeaway.Method.LLM, model="m", text="A model's summary.")
    assert shown([paper.pk], "m")[paper.pk].method == Takeaway.Method.AUTHORS


def test_the_paper_page_shows_the_tldr_and_says_whose_it_is(client):
    from paperhaul.web.links import paper_path

    paper = add_openreview("Sparse experts follow their own scaling law.")
    write_takeaways()
    html = client.get(paper_path(paper)).content.decode()
    assert '<p class="takeaway">Sparse experts follow their own scaling law.</p>' in html
    assert "The authors&#x27; TL;DR." in html
    assert "ICLR 2025 Oral" in html
