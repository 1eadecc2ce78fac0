"""Extractive takeaways: sentences, cleaning, the chosen sentence, and the properties on real abstracts."""

from __future__ import annotations

import json
import re

import pytest

from paperhaul.enrich.sentences import clean, sentences, split
from paperhaul.enrich.tldr import MAX_WORDS, summarise

BOILERPLATE = re.compile(
    r"^(?:in this (?:paper|work|study)|here,? we|this (?:paper|work)|to address|to this end)\b", re.I
)


def test_periods_that_end_no_sentence_do_not_split():
    text = (
        "Prior work (Smith et al. 2021) reached 3.5 points on MMLU, e.g. with GPT-3.5 and Fig. 2 shows it. "
        "We find that i.e. costs fall. Does it scale? Yes! The U.S. Army funded it."
    )
    assert split(text) == [
        "Prior work (Smith et al. 2021) reached 3.5 points on MMLU, e.g. with GPT-3.5 and Fig. 2 shows it.",
        "We find that i.e. costs fall.",
        "Does it scale?",
        "Yes!",
        "The U.S. Army funded it.",
    ]


def test_latex_references_and_markup_are_tidied():
    raw = (
        r"We train T\"ulu with $\sim$10\% fewer steps~\cite{a,b} and \emph{\textbf{beat}} GPT-4 [12, 13] "
        r"by $2\times$ (Brown et al., 2020) in $\mathcal{O}(n \log n)$ time; see Fig.~2 and <b>Table</b> 1, "
        r"with $\alpha \in [0, 1]$."
    )
    assert clean(raw) == (
        "We train Tülu with ~10% fewer steps and beat GPT-4 by 2\N{MULTIPLICATION SIGN} in O(n log n) time; "
        "see Fig. 2 and Table 1, with \N{GREEK SMALL LETTER ALPHA} \N{ELEMENT OF} [0, 1]."
    )


def test_a_missing_space_between_sentences_is_mended():
    assert sentences("Results remain heuristic.In this paper, we introduce QSUR.") == [
        "Results remain heuristic.",
        "In this paper, we introduce QSUR.",
    ]


CRAFTED = (
    "Large language models are increasingly deployed as tutors. However, they often give away answers "
    "instead of guiding students. In this paper, we propose HintBot, a tutoring model that gives hints "
    "rather than answers. We fine-tune LLaMA-2 on 12,000 annotated tutoring dialogues and use "
    "reinforcement learning from teacher feedback. Experiments with 300 students show that HintBot "
    "improves test scores by 14% over a GPT-4 baseline. Code is available at https://github.com/x/hintbot."
)


def test_the_contribution_sentence_becomes_the_takeaway_without_its_opening():
    summary = summarise(CRAFTED)
    assert summary.takeaway == "HintBot, a tutoring model that gives hints rather than answers."
    assert summary.closer_look == (
        "We fine-tune LLaMA-2 on 12,000 annotated tutoring dialogues and use reinforcement learning from "
        "teacher feedback.",
        "Experiments with 300 students show that HintBot improves test scores by 14% over a GPT-4 baseline.",
    )


def test_a_finding_loses_its_we_show_that():
    abstract = (
        "Scaling laws guide the training of language models. We revisit them for repeated data. "
        "Here, we show that repeating data for up to four epochs is almost as good as unique data, "
        "while more repetition has diminishing returns."
    )
    assert summarise(abstract).takeaway == (
        "Repeating data for up to four epochs is almost as good as unique data, while more repetition has "
        "diminishing returns."
    )


def test_a_long_sentence_is_cut_at_a_clause_boundary():
    abstract = (
        "We propose FlashMix, an attention kernel for long sequences that tiles queries and keys across "
        "shared memory and recomputes softmax statistics on the fly, which reduces memory traffic by four "
        "times and lets models train on sequences of one million tokens on a single accelerator."
    )
    takeaway = summarise(abstract).takeaway
    assert len(takeaway.split()) <= MAX_WORDS
    assert takeaway == (
        "FlashMix, an attention kernel for long sequences that tiles queries and keys across shared memory "
        "and recomputes softmax statistics on the fly."
    )


def test_an_empty_or_one_sentence_abstract():
    assert summarise("") is None
    only = summarise("We introduce a benchmark of 500 chemistry questions for language models.")
    assert only.takeaway == "A benchmark of 500 chemistry questions for language models."
    assert only.closer_look == ()


@pytest.mark.parametrize("cut", ["\u2026", "...", " [...]"])
def test_the_cut_off_start_of_an_abstract_gives_no_takeaway(cut):
    """A haul post or a feed shows an abstract's start; its last sentence is cut off mid-way."""
    start = "Large Language Models (LLMs) can achieve strong performance on many tasks by producing"
    assert summarise(f"{start} step-by-step reasoning before{cut}") is None
    longer = summarise(
        "We propose a benchmark of 500 chemistry questions for language models. "
        f"Models that reason step by step score higher than{cut}"
    )
    assert longer.takeaway == "A benchmark of 500 chemistry questions for language models."
    assert not any("score higher" in sentence for sentence in longer.closer_look)


def test_real_abstracts_give_one_clean_sentence_from_the_abstract(shared):
    rows = [json.loads(line) for line in (shared / "data" / "daily-papers-sample.jsonl").open()]
    assert len(rows) > 100
    for row in rows:
        summary = summarise(row["abstract"])
        takeaway = summary.takeaway
        assert len(split(takeaway)) == 1, takeaway
        assert len(takeaway.split()) <= MAX_WORDS, takeaway
        assert not BOILERPLATE.match(takeaway), takeaway
        assert takeaway[0].isupper() or not takeaway[0].isalpha(), takeaway
        source = set(re.findall(r"\w+", clean(row["abstract"]).lower()))
        assert set(re.findall(r"\w+", takeaway.lower())) <= source, takeaway
        assert 1 <= len(summary.closer_look) <= 3
        assert takeaway not in summary.closer_look


def test_the_takeaway_of_a_seed_reading_note_paper(shared):
    """The reading note (seed 003) sums up "Are Emergent Abilities of Large Language Models a Mirage?" as
    emergent abilities being caused by the researcher's choice of metrics; so does the extractor."""
    note = next((shared / "seeds").glob("003_*")).read_text()
    assert "researcher\u2019s choice of metrics" in note
    rows = [json.loads(line) for line in (shared / "data" / "daily-papers-sample.jsonl").open()]
    mirage = next(r for r in rows if r["title"].startswith("Are Emergent Abilities"))
    summary = summarise(mirage["abstract"])
    assert "emergent abilities appear due to the researcher's choice of metric" in summary.takeaway
    assert any("evidence that alleged emergent abilities evaporate" in s for s in summary.closer_look)


@pytest.mark.parametrize(
    ("sentence", "takeaway"),
    [
        (
            "To address these issues, we present ReAGent, a model-agnostic method.",
            "ReAGent, a model-agnostic method.",
        ),
        (
            "By combining three parts, we present ScaleKD, a distillation method.",
            "ScaleKD, a distillation method.",
        ),
        (
            "We propose to let the model sample its own solutions.",
            "We propose to let the model sample its own solutions.",
        ),
        ("We propose X and show that it beats Y on Z.", "We propose X and show that it beats Y on Z."),
        ("We propose and compare three end-to-end models.", "Three end-to-end models."),
        ("Our results demonstrate that mBERT transfers well.", "mBERT transfers well."),
    ],
)
def test_openings(sentence, takeaway):
    assert summarise(sentence).takeaway == takeaway
