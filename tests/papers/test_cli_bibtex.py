"""`paperhaul import bibtex|ris`, `paperhaul cite`, `paperhaul export bibtex|ris`, as researchers run them."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest
import rispy

REFS = r"""% exported from Google Scholar, arXiv and the ACL Anthology
@article{vaswani2017attention,
  title={Attention is all you need},
  author={Vaswani, Ashish and Shazeer, Noam and others},
  journal={arXiv preprint arXiv:1706.03762},
  year={2017}
}

@inproceedings{devlin-etal-2019-bert,
    title = "{BERT}: Pre-training of Deep Bidirectional Transformers",
    author = "Devlin, Jacob and Chang, Ming-Wei",
    booktitle = "Proceedings of NAACL",
    year = "2019",
    doi = "10.18653/v1/N19-1423",
}

@misc{note, title={A reading note on M{\"u}ller's trick}}
"""


@pytest.fixture
def refs(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(REFS)
    return path


def test_a_bib_file_imports_once_and_says_how_to_complete_its_papers(cli, refs):
    first = cli("import", "bibtex", str(refs))
    assert first.code == 0, first.stderr
    assert first.stdout.strip().endswith("added 3 / updated 0 / unchanged 0 / failed 0")
    assert (
        "3 papers are known only by a link, a citation or a title: `paperhaul refresh --incomplete`"
        in first.stderr
    )
    again = cli("import", "bibtex", str(refs))
    assert again.stdout.strip().endswith("added 0 / updated 0 / unchanged 3 / failed 0")
    assert again.stderr == ""

    shown = cli("show", "1706.03762", "--json").json()
    assert shown["title"] == "Attention is all you need"
    assert shown["authors"] == ["Ashish Vaswani", "Noam Shazeer"]
    assert shown["sources"][0]["data"] == {
        "citation_key": "vaswani2017attention",
        "entry_type": "article",
        "year": 2017,
    }
    assert shown["bibtex"].startswith("@misc{vaswani2017attention,\n")
    assert cli("show", "A reading note on Müller's trick", "--json").json()["key"].startswith("title:")


def test_cite_prints_the_entries_in_the_order_given(cli, refs):
    cli("import", "bibtex", str(refs))
    done = cli("cite", "https://doi.org/10.18653/v1/N19-1423", "arXiv:1706.03762", "1706.03762")
    assert done.code == 0, done.stderr
    entries = bibtexparser.parse_string(done.stdout).entries
    assert [e.key for e in entries] == ["devlin-etal-2019-bert", "vaswani2017attention"]  # each once
    assert (
        entries[0].entry_type == "inproceedings" and entries[0]["booktitle"] == "Proceedings of NAACL (2019)"
    )
    assert entries[1]["eprint"] == "1706.03762" and entries[1]["year"] == "2017"


def test_cite_names_what_the_library_does_not_have_and_prints_nothing(cli, refs):
    cli("import", "bibtex", str(refs))
    done = cli("cite", "1706.03762", "2401.99999")
    assert done.code == 1
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "CommandError: not in the library: 2401.99999"
        " (`paperhaul cite --fetch` or `paperhaul add` fetches it)"
    )


def test_list_bibtex_cites_the_papers_it_would_list(cli, refs):
    cli("import", "bibtex", str(refs))
    listed = cli("list", "--source", "bibtex", "--limit", "2", "--json").json()
    cited = cli("list", "--source", "bibtex", "--limit", "2", "--bibtex")
    assert cited.code == 0, cited.stderr
    titles = [e["title"] for e in bibtexparser.parse_string(cited.stdout).entries]
    assert len(titles) == 2 and titles == [p["title"].replace("BERT", "{BERT}") for p in listed]
    both = cli("list", "--json", "--bibtex")
    assert both.code != 0 and "not allowed with argument" in both.stderr


def test_export_bibtex_writes_every_paper_and_reads_back_unchanged(cli, refs, tmp_path):
    cli("import", "bibtex", str(refs))
    out = tmp_path / "library.bib"
    done = cli("export", "bibtex", str(out))
    assert done.code == 0, done.stderr
    assert done.stdout.strip() == f"exported 3 entries to {out}"
    keys = [e.key for e in bibtexparser.parse_string(out.read_text()).entries]
    assert sorted(keys) == ["devlin-etal-2019-bert", "note", "vaswani2017attention"]
    again = cli("import", "bibtex", str(out))
    assert again.code == 0, again.stderr
    assert "added 0 / " in again.stdout


def test_a_malformed_entry_stops_the_import_with_its_line_unless_skipped(cli, tmp_path):
    path = tmp_path / "bad.bib"
    path.write_text(REFS + "\n@article{broken, title = {never closed\n@misc{after, title={After}}\n")
    stopped = cli("import", "bibtex", str(path))
    assert stopped.code == 1
    assert f"{path}:19: malformed entry: '@article{{broken, title = {{never closed'" in stopped.stderr
    assert cli("list", "--json").json() == []  # nothing half-written
    skipped = cli("import", "bibtex", "--skip-bad", str(path))
    assert skipped.code == 0, skipped.stderr
    assert skipped.stdout.strip().endswith("added 4 / updated 0 / unchanged 0 / failed 1")
    assert f"skipped {path}:19: malformed entry" in skipped.stderr


@pytest.mark.parametrize("content", ["<!doctype html><h1>404</h1>", '[{"title": "json"}]', ""])
def test_a_file_that_is_not_bibtex_is_one_clear_error_and_writes_nothing(cli, tmp_path, content):
    path = tmp_path / "refs.bib"
    path.write_text(content)
    done = cli("import", "bibtex", str(path))
    assert done.code == 1
    assert (
        done.stderr.strip() == f"CommandError: no BibTeX entries (@article{{...}}, @misc{{...}}...) in {path}"
    )
    assert cli("list", "--json").json() == []


RIS = """TY  - JOUR
TI  - Attention is all you need
AU  - Vaswani, Ashish
JO  - arXiv preprint arXiv:1706.03762
PY  - 2017
ER  -

TY  - CONF
TI  - Never closed
"""


def test_a_ris_file_imports_once_and_the_library_exports_as_ris(cli, refs, tmp_path):
    path = tmp_path / "zotero.ris"
    path.write_text(RIS)
    stopped = cli("import", "ris", str(path))
    assert stopped.code == 1
    assert f"{path}:8: record not closed by an ER line" in stopped.stderr
    first = cli("import", "ris", "--skip-bad", str(path))
    assert first.stdout.strip().endswith("added 1 / updated 0 / unchanged 0 / failed 1")
    again = cli("import", "ris", "--skip-bad", str(path))
    assert again.stdout.strip().endswith("added 0 / updated 0 / unchanged 1 / failed 1")

    cli("import", "bibtex", str(refs))
    out = tmp_path / "library.ris"
    done = cli("export", "ris", str(out))
    assert done.stdout.strip() == f"exported 3 entries to {out}"
    written = rispy.loads(out.read_text())
    assert [r["type_of_reference"] for r in written] == ["JOUR", "CONF", "GEN"]
    assert written[0]["journal_name"] == "arXiv preprint arXiv:1706.03762"
