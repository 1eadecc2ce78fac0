"""The quality harnesses read the seeds as the article and the note lay them out."""

from __future__ import annotations

from collections import Counter

from bench.takeaways_report import note_takeaways
from bench.topics_quality import NONE, load, parse_highlights


def test_the_highlights_article_gives_23_papers_under_their_sections(shared):
    papers = load(shared)
    assert len(papers) == 23 and len({p.arxiv_id for p in papers}) == 23
    assert Counter(p.section for p in papers) == {
        "Large Language Models": 16,
        "Computer Vision": 3,
        "Audio and Speech": 1,
        "General Methods": 3,
    }
    sophia = next(p for p in papers if p.arxiv_id == "2305.14342")
    assert sophia.section == "General Methods" and sophia.summary.startswith("Sophia is a second-order")


def test_headings_are_short_lines_right_before_a_paper():
    text = (
        "Some highlights of the month, handpicked:\n"
        "Vision\n"
        "A Paper (https://arxiv.org/abs/2301.00001, 1 Jan 2023)\n"
        "What it does.\n"
        "Another (https://arxiv.org/abs/2301.00002, 2 Jan 2023)\n"
        "Why it matters.\n"
    )
    assert [(p.title, p.section, p.summary) for p in parse_highlights(text)] == [
        ("A Paper", "Vision", "What it does."),
        ("Another", "Vision", "Why it matters."),
    ]
    assert parse_highlights("Lone (https://arxiv.org/abs/2301.00003, 3 Jan 2023)")[0].section == NONE


def test_the_reading_note_gives_its_one_sentence_takeaways(shared):
    notes = note_takeaways(shared)
    assert len(notes) == 4
    assert notes["Are Emergent Abilities of Large Language Models a Mirage?"].startswith("Emergent abilities")
