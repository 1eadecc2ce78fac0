"""The library's citation graph: the references Semantic Scholar lists, kept by key, linked to the
papers of the library in both directions on paper pages and in `show --json`, kept by a merge."""

from __future__ import annotations

import pytest

from paperhaul.papers.citation_graph import in_library, record_references
from paperhaul.papers.combine import combine
from paperhaul.papers.ingest.semantic_scholar import MAX_REFERENCES, cited_keys
from paperhaul.papers.models import Reference
from tests.papers.conftest import add_paper

pytestmark = pytest.mark.django_db


def ref(arxiv: str | None = None, doi: str | None = None) -> dict:
    return {"paperId": "x", "externalIds": {k: v for k, v in (("ArXiv", arxiv), ("DOI", doi)) if v}}


def test_references_are_named_by_their_arxiv_or_doi_keys():
    paper = {
        "references": [
            ref(arxiv="1409.0473v7", doi="10.5555/x"),  # arXiv first, without version
            ref(doi="10.48550/arXiv.1512.03385"),  # arXiv's own DOI is the arXiv paper
            ref(doi="10.18653/V1/N18-3011"),
            ref(arxiv="1409.0473"),  # once
            {"paperId": None, "externalIds": None},
            {"paperId": "y", "externalIds": {"CorpusId": 1}},
            ref(arxiv="not an id"),
            "garbage",
        ]
    }
    assert cited_keys(paper) == ["arxiv:1409.0473", "arxiv:1512.03385", "doi:10.18653/v1/n18-3011"]
    assert cited_keys({"references": None}) == [] and cited_keys({}) == []
    many = {"references": [ref(arxiv=f"2401.{n:05d}") for n in range(MAX_REFERENCES + 5)]}
    assert len(cited_keys(many)) == MAX_REFERENCES


def test_recording_adds_and_drops_what_changed():
    paper = add_paper("arxiv:1706.03762", "Attention Is All You Need")
    assert record_references({paper.pk: ["arxiv:1409.0473", "arxiv:1512.03385"]}) == 2
    assert record_references({paper.pk: ["arxiv:1409.0473", "arxiv:1512.03385"]}) == 0
    assert record_references({paper.pk: ["arxiv:1512.03385", "doi:10.1/x"]}) == 2
    assert sorted(Reference.objects.values_list("cited_key", flat=True)) == ["arxiv:1512.03385", "doi:10.1/x"]


def test_both_directions_link_papers_of_the_library_by_any_of_their_keys():
    transformer = add_paper("arxiv:1706.03762", "Attention Is All You Need")
    bahdanau = add_paper("arxiv:1409.0473", "Neural Machine Translation by Jointly Learning to Align")
    bert = add_paper("arxiv:1810.04805", "BERT")
    record_references({transformer.pk: ["arxiv:1409.0473", "arxiv:2999.00001", "arxiv:1706.03762"]})
    record_references({bert.pk: ["arxiv:1706.03762"]})
    graph = in_library(transformer)
    assert [p.key for p in graph.cites] == ["arxiv:1409.0473"], "papers not in the library, itself: left out"
    assert [p.key for p in graph.cited_by] == ["arxiv:1810.04805"]
    assert (graph.cites_count, graph.cited_by_count) == (1, 1)
    assert not in_library(add_paper("arxiv:2401.00001", "Alone"))
    later = add_paper("arxiv:2999.00001", "Cited before it arrived")
    assert later in in_library(transformer).cites
    assert [p.key for p in in_library(bahdanau).cited_by] == ["arxiv:1706.03762"]


def test_many_are_counted_and_the_newest_shown():
    import datetime as dt

    cited = add_paper("arxiv:1706.03762", "Attention Is All You Need")
    for n in range(12):
        citing = add_paper(f"arxiv:2401.{n:05d}", f"Follow-up {n}", published=dt.date(2024, 1, n + 1))
        record_references({citing.pk: ["arxiv:1706.03762"]})
    graph = in_library(cited, shown=10)
    assert graph.cited_by_count == 12 and len(graph.cited_by) == 10
    assert graph.cited_by[0].title == "Follow-up 11"


def test_a_merge_keeps_the_links():
    preprint = add_paper("arxiv:2310.01234", "Sparse Mixtures of Adapters")
    forum = add_paper(
        "url:https://openreview.net/forum?id=AbCdEf", "Sparse mixtures of adapters", source="openreview"
    )
    citing = add_paper("arxiv:2401.00002", "A follow-up")
    record_references({citing.pk: ["arxiv:2310.01234"]})
    record_references({forum.pk: ["arxiv:2401.00002"], preprint.pk: ["arxiv:2401.00002"]})
    combine(preprint, forum)
    assert Reference.objects.filter(paper=preprint).count() == 1, "not doubled"
    graph = in_library(preprint)
    assert [p.key for p in graph.cited_by] == ["arxiv:2401.00002"] and [p.key for p in graph.cites] == [
        "arxiv:2401.00002"
    ]


def test_the_paper_page_links_the_searches_of_all_of_them(client):
    transformer = add_paper("arxiv:1706.03762", "Attention Is All You Need")
    forum = add_paper(
        "url:https://openreview.net/forum?id=XyZ", "A follow-up on OpenReview", source="openreview"
    )
    record_references({forum.pk: ["arxiv:1706.03762"]})
    page = client.get("/papers/1706.03762").content.decode()
    assert 'href="/search/?q=cites%3Aarxiv%3A1706.03762&amp;sort=newest">Cited by 1 paper here</a>' in page
    listed = client.get("/search/?q=cites%3Aarxiv%3A1706.03762&sort=newest").content.decode()
    assert "A follow-up on OpenReview" in listed
    assert transformer.title not in listed.split("<main", 1)[1].split("</main>")[0]
