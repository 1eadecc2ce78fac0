"""`paperhaul enrich` end to end on SQLite, the language model path included, and enrichment after imports."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from django.test import override_settings

from tests.cli import Cli
from tests.enrich.conftest import SPEECH, add_paper
from tests.enrich.test_topics import ATARI, PROTEIN

RECORDS = [
    {
        "url": "https://arxiv.org/abs/2304.08485",
        "title": "Visual Instruction Tuning",
        "abstract": "We connect a vision encoder to a large language model. The model answers questions "
        "about images and reaches 92.5% accuracy on ScienceQA.",
        "categories": ["cs.CV", "cs.CL"],
        "published": "2023-04-17",
    },
    {
        "url": "https://www.biorxiv.org/content/10.1101/2024.01.01.573000v1",
        "title": "Protein language models for enzyme design",
        "abstract": PROTEIN,
        "published": "2024-01-02",
    },
    {"url": "https://github.com/openai/whisper", "title": "Whisper", "abstract": SPEECH},
    {"title": "How agents learn to play Atari", "abstract": ATARI},
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "papers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return path


def rows(cli: Cli, sql: str) -> list[tuple]:
    with sqlite3.connect(cli.home / "paperhaul.sqlite3") as db:
        return db.execute(sql).fetchall()


def top_topics(cli: Cli) -> dict[str, tuple[str, str]]:
    found = rows(
        cli,
        "SELECT p.title, t.slug, pt.source FROM enrich_papertopic pt"
        " JOIN papers_paper p ON p.id = pt.paper_id JOIN enrich_topic t ON t.id = pt.topic_id"
        " ORDER BY pt.confidence",
    )
    return {title: (slug, source) for title, slug, source in found}  # the most confident last, so kept


def test_enrich_end_to_end(cli, library):
    assert cli("import", "jsonl", str(library)).code == 0
    first = cli("enrich", "--json")
    assert first.code == 0, first.stderr
    summary = first.json()
    assert summary["topics"]["decided"] == 4 and summary["topics"]["without_topic"] == 0
    assert summary["takeaways"]["extractive"] == 4 and summary["llm_model"] is None
    assert top_topics(cli) == {
        "Visual Instruction Tuning": ("computer-vision", "categories"),
        "Protein language models for enzyme design": ("biology", "words"),
        "Whisper": ("audio-and-speech", "words"),
        "How agents learn to play Atari": ("reinforcement-learning", "words"),
    }
    takeaways = dict(
        rows(cli, "SELECT p.title, t.text FROM enrich_takeaway t JOIN papers_paper p ON p.id = t.paper_id")
    )
    assert takeaways["Visual Instruction Tuning"] == (
        "The model answers questions about images and reaches 92.5% accuracy on ScienceQA."
    )
    assert takeaways["Whisper"] == (
        "We study speech processing systems trained to predict large amounts of transcripts of audio."
    )
    again = cli("enrich", "--json").json()  # everything is current
    assert again["topics"]["decided"] == 0 and again["takeaways"]["extractive"] == 0
    only_topics = cli("enrich", "--topics", "--force", "--json").json()
    assert set(only_topics) == {"topics", "llm_model"} and only_topics["topics"]["decided"] == 4
    recent = cli("enrich", "--since", "2024-01-01", "--force", "--json").json()
    assert recent["topics"]["decided"] == 3  # the 2023 paper is out; undated ones count from being added
    plain = cli("enrich")
    assert plain.stdout.splitlines() == [
        "topics: decided 0 (0 changed) / person's kept 0 / without topic 0",
        "takeaways: extractive 0 / authors' TL;DR 0 / Semantic Scholar's TL;DR 0 / language model 0"
        " / fell back to extractive 0 / unchanged 0",
    ]


def test_bad_input_is_one_line_on_stderr(cli, tmp_path):
    bad_date = cli("enrich", "--since", "last week")
    assert bad_date.code != 0 and len(bad_date.stderr.strip().splitlines()) == 1
    assert "not a date" in bad_date.stderr
    unnamed = Cli(tmp_path / "other", PAPERHAUL_LLM_BASE_URL="http://127.0.0.1:9/v1")("enrich", "--takeaways")
    assert unnamed.code != 0 and "PAPERHAUL_LLM_MODEL" in unnamed.stderr
    assert len(unnamed.stderr.strip().splitlines()) == 1


def test_enrich_with_a_language_model(tmp_path, library, fake_llm):
    cli = Cli(
        tmp_path / "home",
        PAPERHAUL_LLM_BASE_URL=fake_llm.base_url,
        PAPERHAUL_LLM_MODEL="fake-model",
        PAPERHAUL_LLM_CONCURRENCY="2",
    )
    assert cli("import", "jsonl", str(library)).code == 0
    fake_llm.script.append("refusal")
    first = cli("enrich", "--takeaways", "--json")
    assert first.code == 0, first.stderr
    summary = first.json()
    assert summary["llm_model"] == "fake-model"
    assert summary["takeaways"] | {"errors": []} == {
        "extractive": 4,
        "authors": 0,
        "semantic_scholar": 0,
        "llm": 3,
        "fallback": 1,
        "unchanged": 0,
        "errors": [],
    }
    assert "refused" in summary["takeaways"]["errors"][0]
    second = cli("enrich", "--takeaways", "--json").json()["takeaways"]  # asks again for the one that failed
    assert (second["llm"], second["fallback"], second["extractive"]) == (1, 0, 0)
    assert len(fake_llm.requests) == 5
    kept = rows(cli, "SELECT model, prompt FROM enrich_takeaway WHERE method = 'llm'")
    assert len(kept) == 4 and all(model == "fake-model" and "Title: " in prompt for model, prompt in kept)


def test_new_papers_are_enriched_by_the_worker_after_an_import(cli, library):
    assert cli("import", "jsonl", str(library)).code == 0
    worker = cli("worker", "--batch", timeout=600)
    assert worker.code == 0, worker.stderr
    # The embedding task ran, then enrichment: topics from vectors (categories still come first).
    assert top_topics(cli) == {
        "Visual Instruction Tuning": ("computer-vision", "categories"),
        "Protein language models for enzyme design": ("biology", "embedding"),
        "Whisper": ("audio-and-speech", "embedding"),
        "How agents learn to play Atari": ("reinforcement-learning", "embedding"),
    }
    assert rows(cli, "SELECT count(*) FROM enrich_takeaway WHERE method = 'extractive'") == [(4,)]
    after = cli("enrich", "--json").json()
    assert after["topics"]["decided"] == 0 and after["takeaways"]["extractive"] == 0


def test_a_change_to_the_library_queues_one_enrichment_task(db, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from paperhaul.enrich.tasks import enrich_new_papers, write_llm_takeaways

    queued = DBTaskResult.objects.filter(task_path=enrich_new_papers.module_path)
    with django_capture_on_commit_callbacks(execute=True):
        add_paper("url:https://github.com/openai/whisper", "Whisper", SPEECH)
    with django_capture_on_commit_callbacks(execute=True):
        add_paper("url:https://example.org/atari", "Agents that play", ATARI)
    assert queued.count() == 1  # one waiting run enriches everything pending
    with override_settings(PAPERHAUL_LLM_BASE_URL="http://127.0.0.1:9/v1", PAPERHAUL_LLM_MODEL="m"):
        result = enrich_new_papers.call()
    assert result["topics"]["decided"] == 2 and result["takeaways"]["extractive"] == 2
    assert DBTaskResult.objects.filter(task_path=write_llm_takeaways.module_path).count() == 1
