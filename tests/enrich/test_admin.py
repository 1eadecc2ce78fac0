"""The admin: staff curate the taxonomy, a paper's topics and its takeaway, and their choices stick."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from paperhaul.enrich.assign import assign_topics, topics_of
from paperhaul.enrich.models import Takeaway, Topic
from paperhaul.enrich.takeaways import shown, write_takeaways
from tests.enrich.conftest import SPEECH, add_paper


@pytest.fixture
def curator(db) -> Client:
    """A staff member who is not a superuser: curation is staff's job."""
    client = Client()
    client.force_login(User.objects.create_user("curator", password="x" * 12, is_staff=True))
    return client


def assigned(paper) -> list[tuple[str, str, float]]:
    return [(row.topic.slug, row.source, row.confidence) for row in topics_of(paper)]


def test_staff_edit_topics_and_choose_a_paper_s_topics(curator):
    paper = add_paper(
        "arxiv:2304.08485", "Visual Instruction Tuning", "A vision encoder and an LLM.", ("cs.CV",)
    )
    assign_topics()
    topic = Topic.objects.get(slug="biology")
    page = curator.get(f"/admin/enrich/topic/{topic.pk}/change/")
    assert page.status_code == 200
    changed = curator.post(
        f"/admin/enrich/topic/{topic.pk}/change/",
        {
            "name": topic.name,
            "slug": topic.slug,
            "description": "Proteins, genes and cells.",
            "arxiv_categories": '["q-bio"]',
            "position": topic.position,
        },
    )
    assert changed.status_code == 302
    assert Topic.objects.get(pk=topic.pk).description == "Proteins, genes and cells."
    added = curator.post("/admin/enrich/papertopic/add/", {"paper": paper.pk, "topic": topic.pk})
    assert added.status_code == 302
    assert assigned(paper) == [("biology", "person", 1.0)]
    assert assign_topics().kept_person == 1  # the new taxonomy made it stale; the person's choice stays
    chosen = topics_of(paper)[0]
    deleted = curator.post(f"/admin/enrich/papertopic/{chosen.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assign_topics()  # no person's topic left: the rules decide again
    assert assigned(paper) == [("computer-vision", "categories", 0.8)]


def test_editing_a_generated_takeaway_saves_the_person_s_and_keeps_the_generated(curator):
    paper = add_paper("arxiv:2212.04356", "Robust Speech Recognition", SPEECH)
    write_takeaways()
    generated = Takeaway.objects.get(paper=paper)
    listing = curator.get("/admin/enrich/takeaway/")
    assert listing.status_code == 200 and "Robust Speech Recognition" in listing.content.decode()
    edited = curator.post(
        f"/admin/enrich/takeaway/{generated.pk}/change/",
        {
            "paper": paper.pk,
            "text": "Whisper nearly matches people at transcribing speech.",
            "closer_look": "[]",
        },
    )
    assert edited.status_code == 302
    assert set(Takeaway.objects.filter(paper=paper).values_list("method", flat=True)) == {
        "extractive",
        "person",
    }
    assert shown([paper.pk])[paper.pk].text == "Whisper nearly matches people at transcribing speech."
    assert Takeaway.objects.get(pk=generated.pk).text == generated.text
    paper.abstract += " It is robust."
    paper.save()
    write_takeaways()  # a person's takeaway: the paper is left alone
    assert Takeaway.objects.get(pk=generated.pk).text == generated.text


def test_takeaways_of_earlier_rules_and_of_cut_off_abstracts_are_replaced_or_removed(db):
    full = add_paper("arxiv:2401.00001", "Chemistry", "We introduce a benchmark of 500 chemistry questions.")
    cut = add_paper("arxiv:2401.00002", "Reasoning", "LLMs do well by reasoning before\u2026")
    for paper in (full, cut):
        Takeaway.objects.create(paper=paper, method="extractive", model="extractive/0", text=paper.abstract)
    write_takeaways()
    assert shown([full.pk, cut.pk]) == {full.pk: Takeaway.objects.get(paper=full)}
    assert shown([full.pk])[full.pk].text == "A benchmark of 500 chemistry questions."
