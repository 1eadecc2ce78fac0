"""Semantic Scholar's TL;DR as a takeaway: taken when the counts bring it (long after the paper),
ranked below a person's, the authors' and the configured model's, replaced and withdrawn with it."""

from __future__ import annotations

import copy

import pytest

from paperhaul.enrich.display import for_papers
from paperhaul.enrich.models import Takeaway
from paperhaul.enrich.source_tldrs import take_source_tldrs
from paperhaul.enrich.takeaways import shown, write_by_person, write_takeaways
from paperhaul.papers.ingest.semantic_scholar import record
from paperhaul.papers.upsert import Library
from tests.enrich.conftest import SPEECH, add_paper
from tests.papers.ingest.test_semantic_scholar import ATTENTION

pytestmark = pytest.mark.django_db
KEY = "arxiv:1706.03762"
S2 = Takeaway.Method.SEMANTIC_SCHOLAR


def counts_arrive(tldr: str | None, citations: int = 151234) -> None:
    """What `paperhaul sync semantic-scholar` merges: the paper's counts and, maybe, its TL;DR."""
    paper = copy.deepcopy(ATTENTION)
    paper["citationCount"] = citations
    paper["tldr"] = {"model": "tldr@v2.0.0", "text": tldr} if tldr is not None else None
    Library().upsert([record(KEY, paper)])


@pytest.fixture
def paper():
    made = add_paper(KEY, "Attention Is All You Need", SPEECH)
    assert write_takeaways().extractive == 1
    return made


def test_a_tldr_that_comes_with_the_counts_becomes_the_takeaway(paper):
    counts_arrive("a new simple network architecture, the Transformer, based solely on attention.")
    stats = write_takeaways()
    assert (stats.semantic_scholar, stats.extractive) == (1, 0), "the paper's own text is unchanged"
    chosen = shown([paper.pk])[paper.pk]
    assert chosen.method == S2 and chosen.model == "semantic-scholar"
    assert chosen.text == "A new simple network architecture, the Transformer, based solely on attention."
    assert for_papers([paper.pk])[paper.pk].made_how == "Semantic Scholar's TL;DR"
    assert "Semantic Scholar's TL;DR 1" in stats.summary()
    assert write_takeaways().semantic_scholar == 0, "a second pass finds nothing new"


def test_a_changed_tldr_replaces_the_old_and_a_withdrawn_one_goes(paper):
    counts_arrive("The first wording.")
    write_takeaways()
    counts_arrive("The second wording.", citations=151300)
    assert write_takeaways().semantic_scholar == 1
    assert shown([paper.pk])[paper.pk].text == "The second wording."
    counts_arrive(None, citations=151400)
    write_takeaways()
    assert not Takeaway.objects.filter(paper=paper, method=S2).exists()
    assert shown([paper.pk])[paper.pk].method == Takeaway.Method.EXTRACTIVE


def test_a_pass_starts_a_margin_before_the_last_began_and_force_takes_everything_again(paper):
    from django.utils import timezone

    from paperhaul.enrich.source_tldrs import MARGIN
    from paperhaul.papers.models import SourceRecord

    counts_arrive("The TL;DR.")
    assert take_source_tldrs()[S2] == 1
    Takeaway.objects.filter(method=S2).delete()
    assert take_source_tldrs()[S2] == 1, "fetched within the margin: read again"
    Takeaway.objects.filter(method=S2).delete()
    SourceRecord.objects.filter(source="semantic-scholar").update(fetched_at=timezone.now() - 2 * MARGIN)
    assert take_source_tldrs()[S2] == 0, "read by an earlier pass"
    assert take_source_tldrs(force=True)[S2] == 1


def test_it_ranks_below_people_authors_and_the_configured_model(paper):
    counts_arrive("Semantic Scholar's summary.")
    write_takeaways()
    Takeaway.objects.create(paper=paper, method=Takeaway.Method.LLM, model="m", text="The model's summary.")
    assert shown([paper.pk], "m")[paper.pk].method == Takeaway.Method.LLM
    assert shown([paper.pk], "other")[paper.pk].method == Takeaway.Method.LLM, "any model's summary"
    Takeaway.objects.filter(method=Takeaway.Method.LLM).delete()
    Takeaway.objects.create(paper=paper, method=Takeaway.Method.AUTHORS, model="openreview", text="Ours.")
    assert shown([paper.pk])[paper.pk].method == Takeaway.Method.AUTHORS
    mine = write_by_person(paper, "The curator's.")
    assert shown([paper.pk])[paper.pk] == mine


def test_the_paper_page_says_whose_takeaway_it_is(paper, client):
    from paperhaul.web.links import paper_path

    counts_arrive("A network based solely on attention.")
    write_takeaways()
    html = client.get(paper_path(paper)).content.decode()
    assert '<p class="takeaway">A network based solely on attention.</p>' in html
    assert "Semantic Scholar&#x27;s TL;DR" in html
