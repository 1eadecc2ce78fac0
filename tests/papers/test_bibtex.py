"""BibTeX entries of papers (papers/bibtex.py): what a researcher pastes into their paper's .bib."""

from __future__ import annotations

import datetime as dt
import string

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperhaul.papers.bibtex import bibliography, entry
from paperhaul.papers.importing import import_file
from paperhaul.papers.ingest.bibtex_file import read_bibtex
from paperhaul.papers.models import Paper
from tests.papers.conftest import add_paper

pytestmark = pytest.mark.django_db


def parsed(text: str) -> list:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library.entries


def test_a_preprint_is_written_as_arxiv_writes_it():
    paper = add_paper(
        "arxiv:1706.03762",
        "Attention Is All You Need",
        authors=("Ashish Vaswani", "Noam Shazeer"),
        published=dt.date(2017, 6, 12),
        primary_category="cs.CL",
        journal_ref="NeurIPS 2017",
        doi="10.5555/3295222.3295349",
    )
    assert bibliography([paper]) == (
        "@misc{vaswani2017attention,\n"
        "  title = {Attention Is All You Need},\n"
        "  author = {Ashish Vaswani and Noam Shazeer},\n"
        "  year = {2017},\n"
        "  eprint = {1706.03762},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CL},\n"
        "  note = {NeurIPS 2017},\n"
        "  doi = {10.5555/3295222.3295349},\n"
        "  url = {https://arxiv.org/abs/1706.03762}\n"
        "}\n"
    )


def test_papers_with_a_venue_are_articles_or_proceedings_and_others_misc():
    journal = add_paper("doi:10.1038/nature14539", "Deep learning", journal_ref="Nature 521, 436-444 (2015)")
    conference = add_paper("doi:10.18653/v1/n19-1423", "BERT", journal_ref="Proceedings of NAACL 2019")
    page = add_paper("url:https://example.org/post", "A Blog Post", source="web", authors=("Lilian Weng",))
    titled = add_paper("title:a reading note", "A reading note", source="jsonl")
    types = {
        e.key: (e.entry_type, dict(e.items()))
        for e in parsed(bibliography([journal, conference, page, titled]))
    }
    assert types["deep"][0] == "article" and types["deep"][1]["journal"] == "Nature 521, 436-444 (2015)"
    assert types["deep"][1]["doi"] == "10.1038/nature14539"
    assert (
        types["bert"][0] == "inproceedings" and types["bert"][1]["booktitle"] == "Proceedings of NAACL 2019"
    )
    assert types["wengblog"][0] == "misc" and types["wengblog"][1]["url"] == "https://example.org/post"
    assert types["reading"] == ("misc", {"ENTRYTYPE": "misc", "ID": "reading", "title": "A reading note"})


def test_an_arxiv_paper_without_a_date_takes_the_year_of_its_id():
    paper = add_paper("arxiv:2311.11077", "Adapters", source="links")
    assert "  year = {2023},\n" in bibliography([paper])


def test_tex_specials_are_escaped_outside_math_and_capitalised_words_are_protected():
    paper = add_paper(
        "arxiv:2401.00001",
        "GPT-4 & LLaMA beat 50% of $\\alpha_1$ C# Few-Shot users on ImageNet_v2",
        authors=("Research & Development Team", "Tom and Jerry"),
    )
    text = bibliography([paper])
    title = "title = {{GPT-4} \\& {LLaMA} beat 50\\% of $\\alpha_1$ C\\# Few-Shot users on {ImageNet}\\_v2}"
    assert title in text
    assert "author = {Research \\& Development Team and {Tom and Jerry}}" in text
    (written,) = parsed(text)
    assert written.key == "team2024gpt"


def test_a_title_that_braces_itself_is_left_as_it_is_and_unbalanced_braces_are_dropped():
    protected = add_paper("arxiv:2401.00002", "The {BERT} Way", published=dt.date(2024, 1, 1))
    broken = add_paper("arxiv:2401.00003", "Open {brace and close} brace} oops {")
    text = bibliography([protected, broken])
    assert "title = {The {BERT} Way}" in text
    assert "title = {Open {brace and close} brace oops }" in text
    assert len(parsed(text)) == 2


def test_keys_are_unique_in_one_output():
    papers = [add_paper(f"arxiv:2401.0001{i}", "Scaling Laws", authors=("Jared Kaplan",)) for i in range(3)]
    keys = [e.key for e in parsed(bibliography(papers))]
    assert keys == ["kaplan2024scaling", "kaplan2024scalingb", "kaplan2024scalingc"]
    assert entry(papers[0], "mykey", 2020).startswith("@misc{mykey,\n")


def test_a_paper_imported_from_a_bib_keeps_its_citation_key_and_year(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@book{goodfellow-dl, title={Deep Learning}, author={Goodfellow, Ian}, year={2016},"
        " url={http://www.deeplearningbook.org}}\n"
        "@article{vaswani2017attention, title={Attention is all you need}, author={Vaswani, Ashish},"
        " journal={arXiv preprint arXiv:1706.03762}, year={2017}}\n"
    )
    import_file("bibtex", bib)
    book = Paper.objects.get(key="url:https://deeplearningbook.org")
    (written,) = parsed(bibliography([book]))
    assert (written.key, written["year"]) == ("goodfellow-dl", "2016")
    # arXiv's record of the paper arrives later (a refresh): the researcher's key stays.
    add_paper(
        "arxiv:1706.03762",
        "Attention Is All You Need",
        authors=("Ashish Vaswani",),
        published=dt.date(2017, 6, 12),
    )
    (attention,) = parsed(bibliography([Paper.objects.get(key="arxiv:1706.03762")]))
    assert attention.key == "vaswani2017attention" and attention["title"] == "Attention Is All You Need"


def test_an_exported_bibliography_imports_back_to_the_same_papers(tmp_path):
    papers = [
        add_paper(
            "arxiv:2302.13971",
            "LLaMA: Open and Efficient Foundation Language Models",
            authors=("Hugo Touvron",),
        ),
        add_paper("doi:10.18653/v1/n19-1423", "BERT: Pre-training", authors=("Jacob Devlin", "M. Chang")),
        add_paper("url:https://example.org/post", "Müller's $\\alpha$ & the 5% rule", source="web"),
    ]
    records = list(read_bibtex(bibliography(papers), "out.bib"))
    assert [r.key for r in records] == [p.key for p in papers]
    assert [r.title for r in records] == [p.title for p in papers]
    assert [r.authors for r in records] == [tuple(p.authors) for p in papers]


_TEXT = st.text(string.ascii_letters + string.digits + " &%#_$-:,.'()!?{}\\\"@=αéü", min_size=1, max_size=80)
_PLAIN = st.text(string.ascii_letters + string.digits + " &%#_-:,.'()!?@=éü", min_size=1, max_size=80)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_TEXT, authors=st.lists(_TEXT, max_size=4))
def test_any_title_and_authors_give_one_entry_that_bibtex_reads(title, authors):
    paper = Paper(key="arxiv:2401.00001", title=title, authors=authors, pk=1)
    (written,) = parsed(entry(paper, "k", 2024))
    assert written.key == "k"


@settings(max_examples=150, deadline=None)
@given(title=_PLAIN.filter(lambda t: any(c.isalnum() for c in t) and "--" not in t and "''" not in t))
def test_plain_titles_come_back_as_written(title):
    """Any title without TeX comes back from its entry as it was (TeX's -- and '' are dashes
    and quotes, so a title that has them is TeX already)."""
    paper = Paper(key="arxiv:2401.00001", title=" ".join(title.split()), pk=1)
    (record,) = read_bibtex(entry(paper, "k", 2024))
    assert record.title == paper.title
