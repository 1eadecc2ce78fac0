"""Reading RIS files as Zotero, Mendeley, EndNote and publishers write them (papers/ingest/ris_file.py)."""

from __future__ import annotations

import pytest

from paperhaul.errors import InputError, RecordError
from paperhaul.papers.ingest.ris_file import read_ris
from paperhaul.papers.records import PaperRecord

SCHOLAR = """TY  - JOUR
T1  - Attention is all you need
A1  - Vaswani, Ashish
A1  - Shazeer, Noam
JO  - arXiv preprint arXiv:1706.03762
Y1  - 2017
ER  -
"""

ZOTERO = """TY  - CONF
TI  - BERT: Pre-training of Deep Bidirectional Transformers
AU  - Devlin, Jacob
AU  - Chang, Ming-Wei
T2  - Proceedings of NAACL
DA  - 2019/06/02/
PY  - 2019
DO  - 10.18653/v1/N19-1423
UR  - https://aclanthology.org/N19-1423
UR  - https://aclanthology.org/N19-1423.pdf
AB  - We introduce a new language
  representation model.
ID  - devlin2019
ER  -
"""

PREPRINT = """TY  - UNPB
TI  - Adapters: A Unified Library
AU  - Poth, Clifton
DO  - 10.48550/arXiv.2311.11077
N1  - arXiv:2311.11077 [cs.CL]
ER  -
"""


def records(text: str) -> list:
    return list(read_ris(text, "refs.ris"))


def only(text: str) -> PaperRecord:
    (record,) = records(text)
    assert isinstance(record, PaperRecord), record
    return record


def test_google_scholar_records_name_their_arxiv_id_in_the_journal():
    record = only(SCHOLAR)
    assert record.key == "arxiv:1706.03762"
    assert record.title == "Attention is all you need"
    assert record.authors == ("Ashish Vaswani", "Noam Shazeer")
    assert record.journal_ref == "" and record.published is None
    assert record.extra == {"entry_type": "JOUR", "year": 2017}
    assert record.source == "ris"


def test_zotero_records_are_their_doi_with_date_venue_abstract_and_pdf():
    record = only(ZOTERO)
    assert record.key == "doi:10.18653/v1/n19-1423" and record.doi == "10.18653/v1/n19-1423"
    assert str(record.published) == "2019-06-02"
    assert record.journal_ref == "Proceedings of NAACL"
    assert record.abstract == "We introduce a new language representation model."
    assert record.pdf_url == "https://aclanthology.org/N19-1423.pdf"
    assert record.extra == {"entry_type": "CONF", "ris_id": "devlin2019", "year": 2019}


def test_an_arxiv_doi_or_note_is_the_arxiv_paper():
    record = only(PREPRINT)
    assert record.key == "arxiv:2311.11077" and record.doi == ""


def test_a_web_page_record_keeps_its_address():
    record = only("TY  - ELEC\nTI  - A blog post\nUR  - https://www.example.org/post/\nER  - \n")
    assert record.key == "url:https://example.org/post"
    assert record.abs_url == "https://www.example.org/post/"


def test_a_bom_windows_line_ends_blank_lines_and_a_space_after_er_are_read():
    text = (
        "\ufeff" + "\r\n".join((SCHOLAR + "\n\n" + ZOTERO).replace("ER  -", "ER  - ").splitlines()) + "\r\n"
    )
    assert [r.key for r in records(text)] == ["arxiv:1706.03762", "doi:10.18653/v1/n19-1423"]


def test_a_record_left_open_is_an_error_with_its_line_and_the_others_are_read():
    first, bad, last = records(SCHOLAR + "\nTY  - JOUR\nTI  - Never closed\n\n" + PREPRINT)
    assert (first.key, last.key) == ("arxiv:1706.03762", "arxiv:2311.11077")
    assert isinstance(bad, RecordError) and bad.line == 9
    assert str(bad) == "refs.ris:9: record not closed by an ER line"


def test_a_record_without_a_title_is_an_error_naming_its_line():
    (bad,) = records("\nTY  - JOUR\nAU  - Someone, A.\nER  - \n")
    assert str(bad) == "refs.ris:2: record JOUR: no title (TI)"


@pytest.mark.parametrize(
    "text", ["", "<!doctype html><h1>Not found</h1>", "@article{k, title={BibTeX}}", "TY - JOUR\nER - \n"]
)
def test_a_file_without_any_record_is_one_clear_error(text):
    with pytest.raises(InputError, match=r"no RIS records \(TY  - \.\.\. ER  -\) in refs.ris"):
        records(text)
