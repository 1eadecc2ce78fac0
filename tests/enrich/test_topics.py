"""Topics: the default taxonomy, each source of evidence, the order of trust, and a person's choice."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from paperhaul.enrich import topics as rules
from paperhaul.enrich.assign import add_person_topic, assign_topics, choose_topics, topics_of
from paperhaul.enrich.models import PaperTopic, Topic
from paperhaul.enrich.scope import Scope
from paperhaul.enrich.topics import Choice
from paperhaul.papers.models import Paper
from tests.enrich.conftest import SPEECH, add_paper

PROTEIN = (
    "We present a protein language model trained on millions of protein sequences that predicts protein "
    "structure and the effect of mutations, and use it to design enzymes for drug discovery."
)
ATARI = (
    "An agent learns control policies from reward with deep reinforcement learning: a Q-learning "
    "network plays Atari games from pixels and beats human players."
)
STRINGS = "We compute the entropy of extremal black holes from counting D-brane microstates in string theory."


def assigned(paper) -> list[tuple[str, str, float]]:
    return [(row.topic.slug, row.source, row.confidence) for row in topics_of(paper)]


# The rules, as plain functions.


def test_examples_vote_with_their_similarity():
    close = [(0.9, {1}), (0.8, {1, 2}), (0.7, {3}), (0.2, {2})]
    (only,) = rules.from_examples(close)
    assert (only.topic_id, only.source) == (1, "examples")
    assert only.confidence == pytest.approx(rules.EXAMPLES_CAP * 1.7 / 2.4, abs=0.001)
    assert rules.from_examples([(0.9, {1}), (0.3, {1})]) == []  # one close neighbour is not enough


def test_categories_primary_first_and_archives_cover_their_subjects():
    listed = {1: ["cs.CL"], 2: ["cs.CV"], 3: ["q-bio"], 4: []}
    assert rules.from_categories("cs.CV", ["cs.CV", "cs.CL", "cs.LG"], listed) == [
        Choice(2, 0.8, "categories"),
        Choice(1, 0.6, "categories"),
    ]
    assert rules.from_categories("q-bio.BM", ["q-bio.BM"], listed) == [Choice(3, 0.8, "categories")]
    assert rules.from_categories("cs.LG", ["cs.LG", "cs.AI"], listed) == []


def test_similarities_give_the_best_topic_and_close_seconds():
    assert rules.from_embedding({1: 0.10, 2: 0.12}) == []  # nothing is similar enough
    one = rules.from_embedding({1: 0.50, 2: 0.30, 3: 0.28})
    assert [c.topic_id for c in one] == [1] and one[0].confidence == pytest.approx(0.6, abs=0.01)
    two = rules.from_embedding({1: 0.40, 2: 0.395, 3: 0.2})
    assert [c.topic_id for c in two] == [1, 2] and all(c.confidence < 0.35 for c in two)
    assert rules.from_words({1: 1.5, 2: 0.0}) == []  # one weak word is not enough
    assert rules.from_words({1: 6.0, 2: 2.0, 3: 0.0}) == [Choice(1, 0.375, "words")]


# The library.


def test_the_default_taxonomy(db):
    taxonomy = list(Topic.objects.values_list("name", "arxiv_categories"))
    assert [name for name, _ in taxonomy] == [
        "Large Language Models",
        "Computer Vision",
        "Audio and Speech",
        "Reinforcement Learning",
        "General Methods",
        "Biology",
        "Society and Policy",
    ]
    assert dict(taxonomy)["Large Language Models"] == ["cs.CL"]
    assert all(len(t.description) > 150 for t in Topic.objects.all())


def test_arxiv_papers_get_topics_from_their_categories(db):
    paper = add_paper(
        "arxiv:2304.08485",
        "Visual Instruction Tuning",
        "We connect a vision encoder to an LLM.",
        ("cs.CV", "cs.CL"),
    )
    stats = assign_topics()
    assert stats.decided == 1 and stats.by_source == {"categories": 1}
    assert assigned(paper) == [
        ("computer-vision", "categories", 0.8),
        ("large-language-models", "categories", 0.6),
    ]


def test_items_without_categories_or_vectors_get_topics_from_words(db):
    biorxiv = add_paper("doi:10.1101/2024.01.01.573000", "Protein language models for enzyme design", PROTEIN)
    github = add_paper("url:https://github.com/openai/whisper", "Whisper: speech recognition", SPEECH)
    blog = add_paper("url:https://example.org/blog/atari-agents", "How agents learn to play Atari", ATARI)
    physics = add_paper("doi:10.1000/strings", "Black hole entropy", STRINGS)
    stats = assign_topics()
    assert stats.decided == 4 and stats.without_topic == 1
    assert [(s, src) for s, src, _ in assigned(biorxiv)][:1] == [("biology", "words")]
    assert [(s, src) for s, src, _ in assigned(github)][:1] == [("audio-and-speech", "words")]
    assert [(s, src) for s, src, _ in assigned(blog)][:1] == [("reinforcement-learning", "words")]
    assert assigned(physics) == []
    assert all(0 < confidence <= rules.WORDS_CAP for _, _, confidence in assigned(biorxiv))


def test_a_person_s_choice_wins_and_is_never_overwritten(db):
    paper = add_paper("arxiv:2212.04356", "Robust Speech Recognition", SPEECH, ("eess.AS", "cs.CL"))
    other = add_paper(
        "arxiv:2304.08485", "Visual Instruction Tuning", "A vision encoder and an LLM.", ("cs.CV",)
    )
    assign_topics()
    biology = Topic.objects.get(slug="biology")
    choose_topics(paper, [biology])
    stats = assign_topics(Scope(force=True))
    assert stats.kept_person == 1 and stats.decided == 1
    assert assigned(paper) == [("biology", "person", 1.0)]
    # Adding one topic by hand (the admin's way) also drops the automatic ones.
    add_person_topic(other, Topic.objects.get(slug="society-and-policy"))
    assign_topics(Scope(force=True))
    assert assigned(other) == [("society-and-policy", "person", 1.0)]
    # An empty choice hands the paper back to the rules.
    choose_topics(paper, [])
    assign_topics()
    assert [s for s, _, _ in assigned(paper)] == ["audio-and-speech", "large-language-models"]


def test_current_decisions_are_skipped_and_changes_make_them_stale(db):
    paper = add_paper("doi:10.1101/2024.01.01.573000", "Enzyme design", PROTEIN)
    add_paper("url:https://example.org/blog/atari-agents", "How agents learn to play Atari", ATARI)
    assert assign_topics().decided == 2
    assert assign_topics().decided == 0
    paper.title = "Protein language models for enzyme design"
    paper.save()
    assert assign_topics().decided == 1
    topic = Topic.objects.get(slug="biology")
    topic.description += " Enzymes."
    topic.save()
    assert assign_topics().decided == 2  # the taxonomy changed: every decision is stale


def test_since_limits_the_run_to_recent_papers(db):
    old = add_paper("arxiv:1312.5602", "Playing Atari", ATARI)
    Paper.objects.filter(pk=old.pk).update(published=dt.date(2013, 12, 19))
    add_paper("arxiv:2401.00001", "Protein design", PROTEIN)
    Paper.objects.filter(key="arxiv:2401.00001").update(published=dt.date(2024, 1, 1))
    assert assign_topics(Scope(since=dt.date(2020, 1, 1))).decided == 1
    assert not PaperTopic.objects.filter(paper=old).exists()


@pytest.fixture
def vectors(db):
    """Embed whatever is in the library (the bundled model on PyTorch, as in tests/search)."""
    from paperhaul.search.indexing import embed_pending

    return embed_pending


def test_with_vectors_topics_come_from_description_similarity(db, vectors):
    speech = add_paper("url:https://github.com/openai/whisper", "Whisper", SPEECH)
    atari = add_paper("url:https://example.org/blog/atari-agents", "Agents that play", ATARI)
    physics = add_paper("doi:10.1000/strings", "Black hole entropy", STRINGS)
    assert assign_topics().by_source == {"words": 2}  # no vectors yet: words decide
    vectors()
    stats = assign_topics()  # vectors arrived: decisions made from words are stale
    assert stats.decided == 3 and stats.by_source == {"embedding": 2} and stats.without_topic == 1
    assert assigned(speech)[0][:2] == ("audio-and-speech", "embedding")
    assert assigned(atari)[0][:2] == ("reinforcement-learning", "embedding")
    assert assigned(physics) == []
    assert assign_topics().decided == 0


FAIRNESS = [
    (
        "Auditing resume screening models for gender bias",
        "We audit automated resume screening models used in hiring and find that they discriminate "
        "against women applicants, and we propose fairness audits for hiring algorithms.",
    ),
    (
        "Gender discrimination in automated hiring systems",
        "We audit automated hiring systems that screen resumes and find that they discriminate against "
        "women applicants; we propose fairness audits of hiring algorithms.",
    ),
    (
        "Fairness audits of resume screening language models",
        "We audit language models that screen resumes in hiring and find that they discriminate against "
        "women applicants, and we propose audits for fairness in hiring algorithms.",
    ),
]


def test_labelled_examples_are_trusted_above_categories(db, vectors):
    labelled = [
        add_paper(f"url:https://example.org/{i}", title, text) for i, (title, text) in enumerate(FAIRNESS[:2])
    ]
    title, text = FAIRNESS[2]
    paper = add_paper("arxiv:2402.00001", title, text, ("cs.CL",))
    vectors()
    society = Topic.objects.get(slug="society-and-policy")
    for example in labelled:
        choose_topics(example, [society])
    assign_topics()
    assert assigned(paper)[0][:2] == ("society-and-policy", "examples")
    assert assigned(paper)[0][2] <= rules.EXAMPLES_CAP


def test_the_documented_constants_are_the_code_s():
    text = (Path(__file__).resolve().parents[2] / "docs" / "enrichment.md").read_text()
    documented = dict(re.findall(r"^\| `([A-Z_]+)` \| ([\d.]+) \|", text, re.MULTILINE))
    assert len(documented) == 13
    for name, value in documented.items():
        assert float(value) == getattr(rules, name), name
