"""Typeahead: title prefixes, any title words, arXiv ids, authors, typos; eight at most; any input."""

from __future__ import annotations

import datetime as dt

import pytest

from paperhaul.papers.upsert import Library
from paperhaul.search.typeahead import suggest
from tests.search.conftest import make_record

pytestmark = pytest.mark.django_db


def labels(text: str) -> list[str]:
    return [s.label for s in suggest(text)]


def test_a_title_prefix_suggests_the_paper_first(library):
    assert labels("att")[0] == "Attention Is All You Need"
    assert labels("Attention is a")[0] == "Attention Is All You Need"


def test_words_anywhere_in_the_title_and_a_partial_last_word(library):
    assert labels("latent diff")[0] == "High-Resolution Image Synthesis with Latent Diffusion Models"
    assert "LoRA: Low-Rank Adaptation of Large Language Models" in labels("low-rank adapt")


def test_arxiv_ids_old_and_new(library):
    assert [s.key for s in suggest("1706.037")] == ["arxiv:1706.03762"]
    assert [s.key for s in suggest("arXiv:2311.12")] == ["arxiv:2311.12908"]
    assert [s.key for s in suggest("hep-th/99")] == ["arxiv:hep-th/9901001"]


def test_typos_are_forgiven(library):
    assert "Attention Is All You Need" in labels("atention is all")
    assert "Playing Atari with Deep Reinforcement Learning" in labels("reinforcment lear")
    assert "Robust Speech Recognition via Large-Scale Weak Supervision" in labels("speach recog")
    # The last word, still being typed, is one letter short of a whole word ("serch": "search").
    assert "Robust Speech Recognition via Large-Scale Weak Supervision" in labels("robust spech")


def test_authors_are_suggested_by_name_prefix(library):
    authors = [s for s in suggest("vaswa") if s.kind == "author"]
    assert [a.label for a in authors] == ["Ashish Vaswani"]
    assert any(s.label == "Juan Maldacena" for s in suggest("juan mal"))


def test_at_most_eight_suggestions(library):
    Library().upsert(
        [
            make_record(
                f"2401.{n:05d}", f"Graph networks part {n}", "", ["A. Author"], ["cs.LG"], dt.date(2024, 1, 1)
            )
            for n in range(20)
        ]
    )
    assert len(suggest("graph")) == 8


@pytest.mark.parametrize(
    "text",
    ["", " ", '"', "*", "NEAR(", "🦜", "\x00", "a", "x" * 5000, "'; DROP TABLE x; --", "{title}:", "-", "^"],
)
def test_anything_typed_gives_a_list(library, text):
    assert isinstance(suggest(text), list)
