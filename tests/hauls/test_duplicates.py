"""The duplicate check: papers covered or mentioned in earlier hauls, look-alikes, papers added twice.

Earlier hauls are imported from crafted posts through the real import; the haul being composed is
built with the authoring services on papers the library holds, so nothing is fetched here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paperhaul.hauls import authoring
from paperhaul.hauls.duplicates import COVERED, MENTIONED, REPEATED, SIMILAR, check_haul, check_paper
from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul
from paperhaul.papers.duplicates import report
from paperhaul.papers.lookup import find_paper
from paperhaul.papers.upsert import Library
from tests.hauls.conftest import block, post
from tests.web.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(tmp_path: Path) -> dict[int, Haul]:
    """~5 covers a paper and an ACL paper; ~6 mentions the first again and covers a blog post."""
    five = post(
        "## Papers\n\n"
        + block("https://arxiv.org/abs/2301.00001v1", "Scaling Laws for Tiny Models")
        + "\nSmall is beautiful.\n<hr/>\n\n"
        + block(
            "https://aclanthology.org/2023.acl-long.42/",
            "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
        )
        + "\nThe ACL version.\n",
        title="ML Arxiv Haul ~5",
        published="2023-03-01T10:00:00.000Z",
    )
    six = post(
        "## Chatter about previous papers\n\nMore on [tiny scaling](https://arxiv.org/pdf/2301.00001v2).\n\n"
        "## Papers\n\n"
        + block("https://example.org/blog/retrieval", "Retrieval for Everyone")
        + "\nA blog.\n",
        title="ML Arxiv Haul ~6",
        published="2023-04-01T10:00:00.000Z",
    )
    for name, text in (("ml-arxiv-5.md", five), ("ml-arxiv-6.md", six)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    import_hauls([tmp_path / "ml-arxiv-5.md", tmp_path / "ml-arxiv-6.md"])
    Library().upsert(
        [
            record(
                "arxiv:2305.00003", "Chain of Thought Prompting Elicits Reasoning in Large Language Models"
            ),
            record("arxiv:2305.00004", "Scaling Laws for Tiny Model"),
            record("arxiv:2305.00005", "Something Entirely New"),
            record("arxiv:2305.00006", "Retrieval Augmentation at Scale"),
        ]
    )
    return {haul.number: haul for haul in Haul.objects.all()}


def kinds(findings) -> list[tuple[str, str, int]]:
    return [(f.kind, f.paper_key, f.other_number) for f in findings]


def test_another_url_form_of_a_covered_paper_is_found_with_the_haul_and_date(earlier):
    draft = authoring.new_haul("Next one")
    added = authoring.add_item(draft, "https://huggingface.co/papers/2301.00001", "again?")
    assert not added.fetched
    assert kinds(added.findings) == [
        (COVERED, "arxiv:2301.00001", 5),
        (MENTIONED, "arxiv:2301.00001", 6),
    ]
    covered, mentioned = added.findings
    assert covered.other_title == "ML Arxiv Haul ~5"
    assert covered.other_published_at == dt.datetime(2023, 3, 1, 10, tzinfo=dt.UTC)
    assert (covered.other_section, covered.other_block, covered.block) == ("Papers", 2, 1)
    assert covered.message == (
        'block 1 "Scaling Laws for Tiny Models" was covered in haul 5 "ML Arxiv Haul ~5" (2023-03-01), '
        'block 2 in "Papers" (linked as https://arxiv.org/abs/2301.00001v1)'
    )
    assert mentioned.other_block is None and mentioned.other_section == "Chatter about previous papers"
    assert mentioned.message.endswith(
        'was mentioned in haul 6 "ML Arxiv Haul ~6" (2023-04-01) in "Chatter about previous papers" '
        "(linked as https://arxiv.org/pdf/2301.00001v2)"
    )


def test_near_identical_titles_of_different_papers_are_reported_not_merged(earlier):
    draft = authoring.new_haul("Next one")
    same_title = authoring.add_item(draft, "arXiv:2305.00003").findings
    assert kinds(same_title) == [(SIMILAR, "arxiv:2305.00003", 5)]
    # The library noticed the equal normalised titles as it stored the paper, and says so.
    assert "(the library reports: same normalised title), covered in haul 5" in same_title[0].message
    assert same_title[0].other_paper_key == "url:https://aclanthology.org/2023.acl-long.42"

    near = authoring.add_item(draft, "https://arxiv.org/abs/2305.00004").findings
    # Its look-alike was covered in ~5 and mentioned in ~6: both are said.
    assert kinds(near) == [(SIMILAR, "arxiv:2305.00004", 5), (SIMILAR, "arxiv:2305.00004", 6)]
    assert "(near-identical title, 0.98), covered in haul 5" in near[0].message
    assert "(near-identical title, 0.98), mentioned in haul 6" in near[1].message
    assert find_paper("arXiv:2305.00004").key != find_paper("arXiv:2301.00001").key

    assert authoring.add_item(draft, "arXiv:2305.00005").findings == []


def test_a_pair_the_library_reports_as_one_work_is_reported_with_its_reason(earlier):
    blog = find_paper("https://example.org/blog/retrieval")
    report(find_paper("arXiv:2305.00006").pk, blog.pk, "both resolve doi:10.1/x")
    draft = authoring.new_haul("Next one")
    findings = authoring.add_item(draft, "arXiv:2305.00006").findings
    assert kinds(findings) == [(SIMILAR, "arxiv:2305.00006", 6)]
    assert "the library reports: both resolve doi:10.1/x" in findings[0].message


def test_a_paper_added_twice_under_two_urls_is_reported_once_on_the_later_block(earlier):
    draft = authoring.new_haul("Next one")
    authoring.add_item(draft, "arXiv:2305.00005")
    authoring.add_item(draft, "arXiv:2305.00006")
    again = authoring.add_item(draft, "https://arxiv.org/pdf/2305.00005v1.pdf")
    assert kinds(again.findings) == [(REPEATED, "arxiv:2305.00005", draft.number)]
    assert again.findings[0].message == (
        'block 3 "Something Entirely New" is already in this haul, block 1 '
        "(linked as https://arxiv.org/abs/2305.00005)"
    )
    assert kinds(check_haul(draft)) == [(REPEATED, "arxiv:2305.00005", draft.number)]


def test_only_earlier_published_hauls_count(earlier):
    # ~5 is the oldest: what ~6 and a draft repeat is their finding, not ~5's.
    # A section of ~6 links back to ~5's paper on purpose: mentions are not checked, items are.
    assert check_haul(earlier[5]) == [] and check_haul(earlier[6]) == []
    draft = authoring.new_haul("Next one")
    authoring.add_item(draft, "arXiv:2301.00001")
    assert check_haul(earlier[5]) == [] and check_haul(earlier[6]) == []
    # Published before ~5, the draft has nothing earlier than itself.
    authoring.publish(draft, dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    assert check_haul(draft) == []
    assert kinds(check_haul(earlier[5])) == [(COVERED, "arxiv:2301.00001", draft.number)]


def test_a_candidate_is_checked_before_it_is_added(earlier):
    draft = authoring.new_haul("Next one")
    authoring.add_item(draft, "arXiv:2305.00005")
    candidate = find_paper("arXiv:2305.00005")
    found = check_paper(draft, candidate)
    assert kinds(found) == [(REPEATED, "arxiv:2305.00005", draft.number)]
    assert found[0].block is None and found[0].message.startswith('new item "Something Entirely New"')
    assert kinds(check_paper(draft, find_paper("arXiv:2301.00001"))) == [
        (COVERED, "arxiv:2301.00001", 5),
        (MENTIONED, "arxiv:2301.00001", 6),
    ]


def test_findings_as_json(earlier):
    draft = authoring.new_haul("Next one")
    (covered, _) = authoring.add_item(draft, "https://arxiv.org/abs/2301.00001").findings
    assert covered.as_json() == {
        "kind": "covered",
        "message": covered.message,
        "paper": "arxiv:2301.00001",
        "title": "Scaling Laws for Tiny Models",
        "block": 1,
        "other": {
            "haul": 5,
            "title": "ML Arxiv Haul ~5",
            "published_at": "2023-03-01T10:00:00+00:00",
            "section": "Papers",
            "block": 2,
            "paper": "arxiv:2301.00001",
            "url": "https://arxiv.org/abs/2301.00001v1",
        },
    }


# ------------------------------------------------------------------------------ the real posts


def test_the_real_posts_repeat_nothing_and_a_new_draft_is_checked_against_them(real_posts):
    import_hauls(real_posts)
    hauls = list(Haul.objects.order_by("published_at"))
    # 13 files, 12 hauls: seed 001 is ml-arxiv-16.md again.
    assert [h.number for h in hauls] == [14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 27]
    # What the check finds on the real posts: nothing. No paper is covered twice, under any of
    # its URL forms, no two covered titles are near-identical (the closest pair is 0.68 similar),
    # and no section links back to a covered paper.
    assert {h.number: check_haul(h) for h in hauls} == {h.number: [] for h in hauls}

    draft = authoring.new_haul("A haul that repeats")
    assert draft.number == 28
    repeats = [
        "https://arxiv.org/pdf/2311.11077v2",  # covered in ~27 as arxiv.org/abs/2311.11077
        "https://www.alphaxiv.org/abs/2211.10797",  # covered in ~14
    ]
    found = [authoring.add_item(draft, url).findings for url in repeats]
    assert [kinds(f) for f in found] == [
        [(COVERED, "arxiv:2311.11077", 27)],
        [(COVERED, "arxiv:2211.10797", 14)],
    ]
    assert 'haul 27 "ML Arxiv Haul ~27" (2023-12-01)' in found[0][0].message
    assert 'haul 14 "ML Arxiv Haul ~14" (2023-01-03)' in found[1][0].message
