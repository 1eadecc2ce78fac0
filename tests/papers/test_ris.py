"""RIS records of papers (papers/ris.py), as Zotero, Mendeley and EndNote import them."""

from __future__ import annotations

import datetime as dt

import pytest
import rispy

from paperhaul.papers.importing import import_file
from paperhaul.papers.ingest.ris_file import read_ris
from paperhaul.papers.models import Paper
from paperhaul.papers.ris import entries
from tests.papers.conftest import add_paper

pytestmark = pytest.mark.django_db


def test_a_preprint_is_written_as_google_scholar_writes_it():
    paper = add_paper(
        "arxiv:1706.03762",
        "Attention Is All You Need",
        authors=("Ashish Vaswani", "Ludwig van Beethoven"),
        published=dt.date(2017, 6, 12),
        journal_ref="NeurIPS 2017",
        abstract="The dominant\nsequence models.",
    )
    assert "".join(entries([paper])) == (
        "TY  - JOUR\n"
        "TI  - Attention Is All You Need\n"
        "AU  - Vaswani, Ashish\n"
        "AU  - van Beethoven, Ludwig\n"
        "JO  - arXiv preprint arXiv:1706.03762\n"
        "N1  - NeurIPS 2017\n"
        "PY  - 2017\n"
        "DA  - 2017/06/12/\n"
        "UR  - https://arxiv.org/abs/1706.03762\n"
        "AB  - The dominant sequence models.\n"
        "ER  - \n"
    )


def test_venues_web_pages_and_titles_get_their_types():
    papers = [
        add_paper("doi:10.1038/nature14539", "Deep learning", journal_ref="Nature 521 (2015)"),
        add_paper("doi:10.18653/v1/n19-1423", "BERT", journal_ref="Proceedings of NAACL 2019"),
        add_paper("url:https://example.org/post", "A Blog Post", source="web", authors=("OpenAI",)),
        add_paper("title:a reading note", "A reading note", source="jsonl"),
    ]
    written = rispy.loads("".join(entries(papers)))
    assert [r["type_of_reference"] for r in written] == ["JOUR", "CONF", "ELEC", "GEN"]
    assert written[0]["journal_name"] == "Nature 521 (2015)" and written[0]["doi"] == "10.1038/nature14539"
    assert written[1]["secondary_title"] == "Proceedings of NAACL 2019"
    assert written[2]["authors"] == ["OpenAI"] and written[2]["urls"] == ["https://example.org/post"]
    assert "urls" not in written[3]


def test_records_read_back_as_the_same_papers():
    papers = [
        add_paper(
            "arxiv:2302.13971", "LLaMA: Open and Efficient Models", authors=("Hugo Touvron", "Thibaut Lavril")
        ),
        add_paper("doi:10.18653/v1/n19-1423", "BERT: Pre-training", authors=("Jacob Devlin",)),
        add_paper("url:https://example.org/post", "Müller's trick & the 5% rule", source="web"),
    ]
    records = list(read_ris("".join(entries(papers))))
    assert [(r.key, r.title, r.authors) for r in records] == [
        (p.key, p.title, tuple(p.authors)) for p in papers
    ]


def test_a_year_from_an_imported_reference_file_is_written(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@book{dl, title={Deep Learning}, author={Goodfellow, Ian}, year={2016}}\n")
    import_file("bibtex", bib)
    (written,) = rispy.loads("".join(entries(Paper.objects.all())))
    assert (written["type_of_reference"], written["year"], written["authors"]) == (
        "GEN",
        "2016",
        ["Goodfellow, Ian"],
    )
