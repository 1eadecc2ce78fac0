"""Language-model takeaways against a fake OpenAI-compatible server on 127.0.0.1, failures included."""

from __future__ import annotations

import pytest
from django.test import override_settings

from paperhaul.enrich.llm import SYSTEM_PROMPT, LLMClient, LLMConfig, LLMError, parse_content
from paperhaul.enrich.models import Takeaway
from paperhaul.enrich.takeaways import shown, write_by_person, write_takeaways
from paperhaul.enrich.tldr import EXTRACTOR
from paperhaul.errors import InputError
from tests.enrich.conftest import SPEECH, add_paper

TITLE = "Robust Speech Recognition via Large-Scale Weak Supervision"


@pytest.fixture
def client(fake_llm, fake_clock):
    config = LLMConfig(fake_llm.base_url, "fake-model", api_key="sk-test", timeout=0.5, concurrency=2)
    llm = LLMClient(config, retries=1, backoff=1.0, sleep=fake_clock.sleep)
    yield llm
    llm.close()


@pytest.fixture
def paper(db):
    return add_paper("arxiv:2212.04356", TITLE, SPEECH, ("eess.AS",))


def kinds(paper) -> dict[str, Takeaway]:
    return {row.method: row for row in Takeaway.objects.filter(paper=paper)}


def test_a_good_answer_is_kept_with_its_prompt_and_model(paper, client, fake_llm):
    stats = write_takeaways(llm=client)
    assert (stats.extractive, stats.llm, stats.fallback) == (1, 1, 0)
    llm = kinds(paper)["llm"]
    assert llm.text == f"A model's takeaway of {TITLE}."
    assert llm.closer_look == ["How it works.", "What it was tested on.", "The numbers it reached."]
    assert llm.model == "fake-model"
    assert SYSTEM_PROMPT in llm.prompt and TITLE in llm.prompt and SPEECH in llm.prompt
    (request,) = fake_llm.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    assert request["body"]["model"] == "fake-model"
    assert shown([paper.pk], "fake-model")[paper.pk] == llm
    assert write_takeaways(llm=client).llm == 0  # current: not even visited
    paper.note = "changed, but not its title or abstract"
    paper.save()
    again = write_takeaways(llm=client)  # cached per paper, model and prompt: nothing is asked twice
    assert (again.llm, again.unchanged, len(fake_llm.requests)) == (0, 1, 1)


def test_a_slow_endpoint_times_out_and_the_extractive_takeaway_stands(paper, client, fake_llm, fake_clock):
    fake_llm.script.extend(["slow", "slow"])
    stats = write_takeaways(llm=client)
    assert (stats.extractive, stats.llm, stats.fallback) == (1, 0, 1)
    assert "timed out after 2 tries" in stats.errors[0]
    assert fake_clock.sleeps == [1.0]  # one retry, after the back-off
    assert set(kinds(paper)) == {"extractive"}
    assert shown([paper.pk], "fake-model")[paper.pk].model == EXTRACTOR
    fake_llm.release.set()
    later = write_takeaways(llm=client)  # the next run asks again
    assert (later.llm, later.fallback) == (1, 0)


def test_a_server_error_is_retried_with_backoff(paper, client, fake_llm, fake_clock):
    fake_llm.script.append("500")
    stats = write_takeaways(llm=client)
    assert (stats.llm, stats.fallback) == (1, 0)
    assert len(fake_llm.requests) == 2 and fake_clock.sleeps == [1.0]


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        ("malformed", "JSON is malformed"),
        ("refusal", "the model refused: I can't help with that."),
        ("sorry", "the model refused: I'm sorry"),
    ],
)
def test_unusable_answers_fall_back_to_the_extractive_takeaway(paper, client, fake_llm, behaviour, reason):
    fake_llm.script.append(behaviour)
    stats = write_takeaways(llm=client)
    assert (stats.llm, stats.fallback) == (0, 1)
    assert reason in stats.errors[0]
    assert len(fake_llm.requests) == 1  # answered, so not retried
    assert set(kinds(paper)) == {"extractive"}


def test_answers_in_a_code_fence_are_read(paper, client, fake_llm):
    fake_llm.script.append("fenced")
    assert write_takeaways(llm=client).llm == 1


def test_answers_are_checked():
    good = '{"takeaway": "It works.", "closer_look": ["1. a", "2) b", "* c", "d"]}'
    assert parse_content(good).closer_look == ("a", "b", "c")
    for bad in (
        '{"takeaway": "", "closer_look": ["a", "b", "c"]}',
        '{"takeaway": "It works.", "closer_look": ["a", "b"]}',
        '{"takeaway": "It works.", "closer_look": "a, b, c"}',
        '{"takeaway": "' + "word " * 80 + '", "closer_look": ["a", "b", "c"]}',
        '["It works."]',
    ):
        with pytest.raises(LLMError):
            parse_content(bad)


def test_a_person_s_takeaway_wins(paper, client, fake_llm):
    write_takeaways(llm=client)
    mine = write_by_person(paper, "Whisper transcribes speech in many languages nearly as well as people.")
    stats = write_takeaways(llm=client)
    assert (stats.extractive, stats.llm) == (0, 0)
    assert shown([paper.pk], "fake-model")[paper.pk] == mine
    assert len(fake_llm.requests) == 1


def test_several_papers_are_asked_about_in_parallel(db, client, fake_llm):
    for number in range(5):
        add_paper(f"arxiv:2401.0000{number}", f"Paper {number}", SPEECH)
    stats = write_takeaways(llm=client)
    assert (stats.extractive, stats.llm) == (5, 5)
    assert {r["body"]["messages"][1]["content"].split("\n")[0] for r in fake_llm.requests} == {
        f"Title: Paper {n}" for n in range(5)
    }


def test_the_endpoint_is_configured_by_settings(fake_llm):
    with override_settings(PAPERHAUL_LLM_BASE_URL=""):
        assert LLMClient.from_settings() is None
    unnamed = override_settings(PAPERHAUL_LLM_BASE_URL=fake_llm.base_url, PAPERHAUL_LLM_MODEL="")
    with unnamed, pytest.raises(InputError, match="PAPERHAUL_LLM_MODEL"):
        LLMClient.from_settings()
    schemeless = override_settings(PAPERHAUL_LLM_BASE_URL="localhost:8080", PAPERHAUL_LLM_MODEL="m")
    with schemeless, pytest.raises(InputError, match="http://"):
        LLMClient.from_settings()
    with override_settings(
        PAPERHAUL_LLM_BASE_URL=fake_llm.base_url + "/",
        PAPERHAUL_LLM_MODEL="qwen",
        PAPERHAUL_LLM_CONCURRENCY=3,
    ):
        client = LLMClient.from_settings()
        assert (client.config.base_url, client.model, client.config.concurrency) == (
            fake_llm.base_url,
            "qwen",
            3,
        )
        client.close()
