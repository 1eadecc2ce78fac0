"""Reading BibTeX files as researchers' tools write them (papers/ingest/bibtex_file.py)."""

from __future__ import annotations

import pytest

from paperhaul.errors import InputError, RecordError
from paperhaul.papers.ingest.bibtex_file import decode, read_bibtex
from paperhaul.papers.records import PaperRecord

SCHOLAR = """
@article{vaswani2017attention,
  title={Attention is all you need},
  author={Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and others},
  journal={arXiv preprint arXiv:1706.03762},
  year={2017}
}
"""

ARXIV = """
@misc{touvron2023llama,
      title={{LLaMA}: Open and Efficient Foundation Language Models},
      author={Hugo Touvron and Thibaut Lavril and Gautier Izacard},
      year={2023},
      eprint={2302.13971v1},
      archivePrefix={arXiv},
      primaryClass={cs.CL},
      url={https://arxiv.org/abs/2302.13971},
}
"""

ACL = """
@inproceedings{devlin-etal-2019-bert,
    title = "{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    author = "Devlin, Jacob  and
      Chang, Ming-Wei",
    booktitle = "Proceedings of the 2019 Conference of the North {A}merican Chapter of the
      Association for Computational Linguistics",
    month = jun,
    year = "2019",
    url = "https://aclanthology.org/N19-1423",
    doi = "10.18653/v1/N19-1423",
}
"""

DBLP = """
@article{DBLP:journals/corr/abs-1810-04805,
  author    = {Jacob Devlin and Kenton Lee},
  title     = {{BERT:} Pre-training of Deep Bidirectional Transformers},
  journal   = {CoRR},
  volume    = {abs/1810.04805},
  year      = {2018},
  eprinttype = {arXiv},
  eprint    = {1810.04805},
}
@article{DBLP:journals/corr/old,
  title     = {An old {CoRR} entry},
  journal   = {CoRR},
  volume    = {abs/1512.03385},
  year      = {2015},
}
"""


def records(text: str, path: str = "refs.bib") -> list:
    return list(read_bibtex(text, path))


def only(text: str) -> PaperRecord:
    (record,) = records(text)
    assert isinstance(record, PaperRecord), record
    return record


def test_google_scholar_entries_name_their_arxiv_id_in_the_journal():
    record = only(SCHOLAR)
    assert record.key == "arxiv:1706.03762"
    assert record.title == "Attention is all you need"
    assert record.authors == ("Ashish Vaswani", "Noam Shazeer", "Niki Parmar")  # "others" dropped
    assert record.journal_ref == ""  # "arXiv preprint" is not a venue
    assert record.published is None  # a year alone is no date
    assert record.extra == {"citation_key": "vaswani2017attention", "entry_type": "article", "year": 2017}
    assert record.source == "bibtex"


def test_arxiv_exports_give_eprint_and_lose_their_protecting_braces():
    record = only(ARXIV)
    assert record.key == "arxiv:2302.13971"  # the version is data, not identity
    assert record.title == "LLaMA: Open and Efficient Foundation Language Models"


def test_acl_anthology_entries_are_their_doi_with_the_venue_as_journal_reference():
    record = only(ACL)
    assert record.key == "doi:10.18653/v1/n19-1423"
    assert record.doi == "10.18653/v1/n19-1423"
    assert record.authors == ("Jacob Devlin", "Ming-Wei Chang")
    assert record.journal_ref == (
        "Proceedings of the 2019 Conference of the North American Chapter of the Association for "
        "Computational Linguistics"
    )  # the year is in the name already


def test_dblp_entries_give_their_arxiv_id_as_eprint_or_as_a_corr_volume():
    first, second = records(DBLP)
    assert first.key == "arxiv:1810.04805"
    assert first.title == "BERT: Pre-training of Deep Bidirectional Transformers"
    assert first.journal_ref == ""  # CoRR is arXiv
    assert second.key == "arxiv:1512.03385"


def test_a_doi_beside_an_arxiv_id_is_kept_but_does_not_decide_identity():
    record = only("@inproceedings{x, title={T}, eprint={2311.11077}, doi={10.18653/v1/2023.emnlp-demo.13}}")
    assert record.key == "arxiv:2311.11077"
    assert record.doi == "10.18653/v1/2023.emnlp-demo.13"
    assert record.aliases == ()  # the published version and the preprint: never merged silently


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ("doi={10.48550/arXiv.2311.11077}", "arxiv:2311.11077"),
        ("url={https://arxiv.org/pdf/2311.11077v2.pdf}", "arxiv:2311.11077"),
        ("note={arXiv:hep-th/9901001}", "arxiv:hep-th/9901001"),
        ("howpublished={\\url{https://arxiv.org/abs/math.GT/0309136}}", "arxiv:math/0309136"),
        ("doi={https://doi.org/10.1101/2023.01.01.522}", "doi:10.1101/2023.01.01.522"),
        ("url={https://www.deeplearningbook.org/}", "url:https://deeplearningbook.org"),
        ("url={https://example.org/a\\_b}", "url:https://example.org/a_b"),
        ("eprint={hal-01234}, archivePrefix={HAL}", "title:a paper"),
        ("", "title:a paper"),
    ],
)
def test_the_key_is_the_most_certain_identifier_the_entry_gives(fields, key):
    assert only(f"@misc{{k, title={{A Paper}}, {fields}}}").key == key


def test_a_url_keyed_entry_keeps_its_page_and_a_pdf_link_is_a_pdf():
    page = only("@misc{k, title={T}, url={https://example.org/post}}")
    assert page.abs_url == "https://example.org/post" and page.pdf_url == ""
    pdf = only("@article{k, title={T}, doi={10.1234/x}, url={https://publisher.example/x.pdf}}")
    assert pdf.key == "doi:10.1234/x" and pdf.pdf_url == "https://publisher.example/x.pdf"


def test_tex_becomes_text_and_math_stays_as_written():
    record = only(
        r"""@string{nips = "Advances in Neural Information Processing Systems"}
        @inproceedings{k, title = {A note on M{\"u}ller's $\alpha$-trick \& 50\% gains~now},
        author = {M{\"u}ller, J{\"o}rg and van der Berg, Jr., Anna and {Gemini Team}},
        booktitle = nips # " 36", year = 2023, abstract = {We {\em study} it.}}"""
    )
    assert record.title == "A note on Müller's $\\alpha$-trick & 50% gains now"
    assert record.authors == ("Jörg Müller", "Anna van der Berg, Jr.", "Gemini Team")
    assert record.journal_ref == "Advances in Neural Information Processing Systems 36 (2023)"
    assert record.abstract == "We study it."


def test_a_venue_is_kept_unless_it_is_arxiv_itself():
    assert only("@article{k, title={T}, journal={Correlation Studies}}").journal_ref == "Correlation Studies"
    assert only("@article{k, title={T}, journal={arXiv e-prints}}").journal_ref == ""


def test_a_full_biblatex_date_is_the_publication_date():
    assert str(only("@online{k, title={T}, date={2024-03-05}}").published) == "2024-03-05"
    assert only("@online{k, title={T}, date={2024-02-30}}").published is None
    assert only("@online{k, title={T}, date={2024-03}}").published is None


def test_a_malformed_entry_is_an_error_with_its_line_and_the_others_are_read():
    text = SCHOLAR + "@article{broken, title = {oops, author={x}\n" + ARXIV
    first, bad, last = records(text)
    assert first.key == "arxiv:1706.03762" and last.key == "arxiv:2302.13971"
    assert isinstance(bad, RecordError)
    assert bad.line == 8
    assert str(bad).startswith("refs.bib:8: malformed entry: '@article{broken, title = {oops, author={x}'")


def test_an_entry_without_a_title_is_an_error_naming_it():
    (bad,) = records("\n\n@misc{notitle, author={A B}, year={2020}}")
    assert isinstance(bad, RecordError)
    assert str(bad) == "refs.bib:3: entry 'notitle': no title"


def test_dblp_crossref_entries_inherit_their_volume_which_is_no_paper():
    text = """
@inproceedings{DBLP:conf/nips/VaswaniSPUJGKP17,
  author = {Ashish Vaswani and Noam Shazeer},
  title = {Attention is All you Need},
  crossref = {DBLP:conf/nips/2017},
  pages = {5998--6008},
}
@inproceedings{DBLP:conf/nips/Other17,
  author = {Someone Else},
  title = {A Paper Without Identifier},
  crossref = {DBLP:conf/nips/2017},
}
@proceedings{DBLP:conf/nips/2017,
  editor = {Isabelle Guyon},
  title = {Advances in Neural Information Processing Systems 30},
  year = {2017},
  url = {https://proceedings.neurips.cc/paper/2017},
  doi = {10.5555/3295222},
}
"""
    first, second = records(text)
    assert first.title == "Attention is All you Need" and second.title == "A Paper Without Identifier"
    assert first.journal_ref == "Advances in Neural Information Processing Systems 30 (2017)"
    assert first.extra["year"] == 2017
    assert second.key == "title:a paper without identifier"  # never the volume's DOI or URL
    assert first.doi == second.doi == ""


def test_the_same_citation_key_twice_is_read_as_two_entries():
    first, second = records(SCHOLAR + SCHOLAR.replace("1706.03762", "1810.04805"))
    assert (first.key, second.key) == ("arxiv:1706.03762", "arxiv:1810.04805")


@pytest.mark.parametrize(
    "text",
    ["", "   \n% only a comment\n", "<!doctype html><title>Not found</title>", '{"title": "json"}'],
)
def test_a_file_without_any_entry_is_one_clear_error(text):
    with pytest.raises(InputError, match=r"no BibTeX entries .* in refs.bib"):
        records(text)


def test_decode_leaves_plain_text_alone_and_survives_broken_tex():
    assert decode("Plain  title\n") == "Plain title"
    assert decode(r"{BERT}: {unclosed \textbf{bold") == "BERT: unclosed bold"


def test_tex_nested_too_deep_to_parse_is_read_as_text():
    depth = 3000
    record = only("@misc{k, title={" + "{\\em " * depth + "Deep}" + "}" * depth + "}")
    assert record.title == ("\\em " * depth + "Deep").strip()
