"""`paperhaul refresh`: papers known only by a link get their record from their own source.

Papers come in as a links dataset brings them (a link and a title), then arXiv's API and a web page
on a local server fill them in; failures leave the papers as they were and say why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from paperhaul.papers.importing import import_file
from paperhaul.papers.models import Paper
from paperhaul.papers.refresh import ARXIV_SLICE, failures_by_reason, incomplete, incomplete_count, refresh

FIXTURES = Path(__file__).parent / "fixtures"
API_FEED = (FIXTURES / "arxiv" / "api_feed.xml").read_bytes()
PAGE = """<!DOCTYPE html><html><head>
<title>Site title</title>
<meta name="citation_title" content="Reward Models That Read the Manual">
<meta name="citation_author" content="Lin, Mei">
<meta name="citation_author" content="Okafor, Chidi">
<meta name="citation_publication_date" content="2024/03/05">
<meta name="citation_abstract" content="We teach reward models to read the documentation first.">
</head><body></body></html>"""
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_sources")]


def page_key(site) -> str:
    return f"url:{site.url('/reward-manual').replace('http://', 'https://')}"  # keys say https


def import_links(tmp_path: Path, site, extra: list[dict] | None = None) -> None:
    """The papers as a curator's links dataset brings them: a link and the title the post gave."""
    links = [
        {
            "blog": "https://blog.example/1",
            "src": "https://arxiv.org/pdf/2311.11077v2",
            "title": "tiny experts",
        },
        {"blog": "https://blog.example/1", "src": "https://arxiv.org/abs/hep-th/9901001", "title": "branes"},
        {"blog": "https://blog.example/2", "src": "https://arxiv.org/abs/2401.99999", "title": "nowhere"},
        {"blog": "https://blog.example/2", "src": site.url("/reward-manual"), "title": "reward manual"},
        *(extra or []),
    ]
    path = tmp_path / "links.json"
    path.write_text(json.dumps(links))
    import_file("links", path)


def test_incomplete_lists_link_and_citation_only_papers_newest_first(tmp_path, site):
    import_links(tmp_path, site)
    Paper.objects.create(key="title:a note", title="A note", title_norm="a note", trust=1)
    Paper.objects.create(key="title:a record", title="A record", title_norm="a record", trust=2)
    assert incomplete() == [
        "title:a record",
        "title:a note",
        page_key(site),
        "arxiv:2401.99999",
        "arxiv:hep-th/9901001",
        "arxiv:2311.11077",
    ]
    assert incomplete(limit=2) == incomplete()[:2]
    assert incomplete_count() == 6


def test_refresh_fills_in_arxiv_papers_and_pages_and_lists_what_it_could_not(tmp_path, site):
    import_links(tmp_path, site)
    site.serve("/api/query", API_FEED, content_type="application/atom+xml")
    site.serve("/reward-manual", PAGE, content_type="text/html; charset=utf-8")
    progress = []

    stats = refresh(incomplete(), on_progress=lambda done, total, _: progress.append((done, total)))

    assert (stats.added, stats.updated, stats.failed) == (0, 3, 1)
    assert stats.errors == ["arxiv:2401.99999: arXiv has no paper 2401.99999"]
    assert progress == [(3, 4), (4, 4)]  # one arXiv request for the three ids, then the page
    (query,) = site.queries("/api/query")
    assert set(query["id_list"].split(",")) == {"2311.11077", "hep-th/9901001", "2401.99999"}
    experts = Paper.objects.get(key="arxiv:2311.11077")
    assert experts.title == "Sparse Mixtures of Tiny Experts for Low-Resource Machine Translation"
    assert experts.authors[:2] == ["Ada K. Lovelace", "Alan Turing"]
    assert str(experts.published) == "2023-11-18" and experts.primary_category == "cs.CL"
    page = Paper.objects.get(key=page_key(site))
    assert (page.title, page.authors, str(page.published)) == (
        "Reward Models That Read the Manual",
        ["Mei Lin", "Chidi Okafor"],
        "2024-03-05",
    )
    assert Paper.objects.get(key="arxiv:2401.99999").title == "nowhere", "a failure changes nothing"
    assert incomplete() == ["arxiv:2401.99999"], "the next run asks only for what is still missing"


def test_a_field_a_person_edited_is_kept(tmp_path, site):
    import_links(tmp_path, site)
    Paper.objects.filter(key="arxiv:2311.11077").update(
        title="Tiny experts (our title)", edited_fields=["title"]
    )
    site.serve("/api/query", API_FEED, content_type="application/atom+xml")
    refresh(["arxiv:2311.11077"])
    paper = Paper.objects.get(key="arxiv:2311.11077")
    assert paper.title == "Tiny experts (our title)" and paper.authors[0] == "Ada K. Lovelace"


def test_arxiv_ids_are_asked_for_in_slices_and_an_unreachable_arxiv_is_asked_once(tmp_path, site):
    links = [
        {
            "blog": "https://blog.example/3",
            "src": f"https://arxiv.org/abs/2402.{n:05d}",
            "title": f"paper {n}",
        }
        for n in range(ARXIV_SLICE + 5)
    ]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(links))
    import_file("links", path)
    site.serve("/api/query", "busy", status=503, content_type="text/plain")
    before = sorted(Paper.objects.values_list("key", "title", "trust"))

    stats = refresh(incomplete())

    assert stats.failed == ARXIV_SLICE + 5
    assert len(site.requests("/api/query")) == 1, (
        "the second slice is not asked for once arXiv is unreachable"
    )
    (reason,) = failures_by_reason(stats.errors)  # one reason for every paper, the slices not asked too
    assert "HTTP 503" in reason and reason.endswith(f"({site.url('/api/query')})"), "no list of ids"
    assert sorted(Paper.objects.values_list("key", "title", "trust")) == before


def test_cli_refresh_incomplete_prints_the_summary_and_one_line_per_failure(tmp_path, site, capsys):
    import_links(tmp_path, site)
    site.serve("/api/query", API_FEED, content_type="application/atom+xml")
    site.serve("/reward-manual", "gone", status=404, content_type="text/plain")
    with pytest.raises(CommandError, match="2 of 4 could not be fetched"):
        call_command("refresh", "--incomplete")
    out, err = capsys.readouterr()
    assert out.strip() == "added 0 / updated 2 / unchanged 0 / failed 2"
    lines = err.strip().splitlines()
    assert lines[0] == "arxiv:2401.99999: arXiv has no paper 2401.99999"
    assert lines[1].startswith(f"{page_key(site)}: ") and "404" in lines[1]


def test_cli_refresh_named_papers_by_any_url_form_as_json(tmp_path, site, capsys):
    import_links(tmp_path, site)
    site.serve("/api/query", API_FEED, content_type="application/atom+xml")
    call_command("refresh", "https://arxiv.org/abs/2311.11077v1", "arXiv:hep-th/9901001", "--json")
    document = json.loads(capsys.readouterr().out)
    assert (document["updated"], document["failed"]) == (2, 0)
    assert Paper.objects.get(key="arxiv:hep-th/9901001").title == "Notes on Branes in a Small Box"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "name the papers to refresh, or give --incomplete"),
        (["arxiv:2311.11077", "--incomplete"], "name the papers to refresh, or give --incomplete"),
        (["--incomplete", "--limit", "0"], "--limit must be at least 1"),
        (["arxiv:2311.11077", "--limit", "3"], "--limit applies to --incomplete only"),
        (["arxiv:2501.00001"], "not in the library: arxiv:2501.00001"),
    ],
)
def test_cli_refresh_refuses_what_it_cannot_do_without_asking_anyone(tmp_path, site, args, message):
    import_links(tmp_path, site)
    with pytest.raises(CommandError, match=message):
        call_command("refresh", *args)
    assert site.requests() == []


def cite(tmp_path: Path, bib: str) -> None:
    """Papers as a researcher's .bib brings them: Google Scholar's entries name no identifier."""
    path = tmp_path / "refs.bib"
    path.write_text(bib)
    import_file("bibtex", path)


def test_a_title_only_citation_is_looked_up_on_arxiv_and_becomes_the_arxiv_paper(tmp_path, site, capsys):
    site.serve("/api/query", API_FEED, content_type="application/atom+xml")
    cite(
        tmp_path,
        "@article{lovelace2023sparse, title={Sparse mixtures of tiny experts for low-resource machine"
        " translation}, author={Lovelace, Ada and Turing, Alan}, journal={Advances in neural"
        " information processing systems}, year={2023}}",
    )
    (key,) = incomplete()
    assert key.startswith("title:")
    pk = Paper.objects.get(key=key).pk
    call_command("refresh", "--incomplete")
    assert "updated 1" in capsys.readouterr().out
    (query,) = site.queries("/api/query")
    assert (
        query["search_query"] == 'ti:"sparse mixtures of tiny experts for low resource machine translation"'
    )
    paper = Paper.objects.get(pk=pk)  # the same paper (votes, notes, hauls stay), under its arXiv key
    assert paper.key == "arxiv:2311.11077" and paper.abstract and paper.published
    assert incomplete() == []


def test_a_title_only_paper_whose_arxiv_paper_is_in_the_library_already_is_left_as_a_duplicate(
    tmp_path, site, capsys
):
    site.serve("/api/query", API_FEED, content_type="application/atom+xml")
    import_links(tmp_path, site)  # arxiv:hep-th/9901001 among them
    cite(tmp_path, "@misc{b, title={Notes on Branes in a Small Box}, author={Noether, E.}}")
    with pytest.raises(CommandError, match="1 of 1 could not be fetched"):
        call_command("refresh", "title:notes on branes in a small box")
    assert "the library has it already as arxiv:hep-th/9901001 (see `paperhaul duplicates`)" in (
        capsys.readouterr().err
    )
    assert Paper.objects.filter(key="title:notes on branes in a small box").exists()


def test_a_title_lookup_needs_the_same_first_author_and_a_long_enough_title(tmp_path, site, capsys):
    site.serve("/api/query", API_FEED, content_type="application/atom+xml")
    cite(
        tmp_path,
        "@misc{other, title={Notes on Branes in a Small Box}, author={Someone Else}}\n"
        "@misc{short, title={Knots}}\n",
    )
    with pytest.raises(CommandError, match="2 of 2 could not be fetched"):
        call_command("refresh", "--incomplete")
    err = capsys.readouterr().err
    assert "title:notes on branes in a small box: arXiv has no paper of this title and first author" in err
    assert "title:knots: a title this short names no paper for sure without its authors" in err
    assert len(site.queries("/api/query")) == 1  # the short title is not asked about
    assert sorted(Paper.objects.values_list("key", flat=True)) == [
        "title:knots",
        "title:notes on branes in a small box",
    ]
