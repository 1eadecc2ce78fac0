"""Recommendations ("For you"): a reader whose upvotes are all on one topic gets that topic first."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from django.utils import timezone

from paperhaul.community import reactions
from paperhaul.notify import recommend
from paperhaul.notify.digests import Period
from paperhaul.notify.models import NotInterested
from paperhaul.notify.sending import send_digests
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from paperhaul.search import store
from tests.notify.conftest import subscriber
from tests.web.conftest import PASSWORD, make_user, record

pytestmark = pytest.mark.django_db

TOPICS = {
    "speech": (
        "speech",
        "audio",
        "acoustic",
        "phoneme",
        "speaker",
        "asr",
        "waveform",
        "spectrogram",
        "voice",
    ),
    "vision": ("image", "pixel", "segmentation", "detection", "visual", "camera", "video", "object", "scene"),
    "rl": (
        "reward",
        "policy",
        "agent",
        "environment",
        "exploration",
        "bandit",
        "trajectory",
        "markov",
        "critic",
    ),
}
COMMON = ("we", "propose", "a", "method", "model", "results", "benchmark", "training", "data", "improves")
PER_TOPIC = 40


@pytest.fixture
def topical_library(db) -> dict[str, list[Paper]]:
    """PER_TOPIC papers on each topic, their dates interleaved: the newest ten hold every topic."""
    rng = random.Random(7)
    records = []
    for i in range(PER_TOPIC * len(TOPICS)):
        topic = list(TOPICS)[i % len(TOPICS)]
        words = TOPICS[topic]
        title = " ".join(rng.choice(words) for _ in range(4)).title() + f" {i}"
        abstract = " ".join(rng.choice(words if rng.random() < 0.5 else COMMON) for _ in range(40))
        records.append(
            record(
                f"arxiv:2402.{i:05d}", title, abstract=abstract, days_ago=i // len(TOPICS), authors=(topic,)
            )
        )
    Library().upsert(records)
    by_topic: dict[str, list[Paper]] = {topic: [] for topic in TOPICS}
    for paper in Paper.objects.order_by("-published", "key"):
        by_topic[paper.authors[0]].append(paper)
    return by_topic


def topic_of(paper: Paper) -> str:
    return paper.authors[0]


def speech_fan(topical_library, likes: int = 6):
    """A reader who upvoted (and saved) only older speech papers."""
    reader = make_user("speechfan")
    for paper in topical_library["speech"][-likes:]:
        reactions.set_upvote(reader, paper, True)
    reactions.set_saved(reader, topical_library["speech"][-likes - 1], True)
    return reader


def precision_at_10(papers: list[Paper]) -> float:
    return sum(topic_of(p) == "speech" for p in papers[:10]) / 10


def test_for_you_ranks_the_readers_topic_first_far_above_most_recent(topical_library, capsys):
    reader = speech_fan(topical_library)
    recommendations = recommend.for_user(reader, limit=10)
    liked = set(recommend.liked(reader))

    ours = precision_at_10([r.paper for r in recommendations])
    newest = list(Paper.objects.exclude(id__in=liked).order_by("-published", "-id")[:10])
    baseline = precision_at_10(newest)
    with capsys.disabled():
        print(f"\nprecision@10 of For you: {ours:.2f}; of the most recent papers: {baseline:.2f}")

    assert ours >= 0.9 and baseline <= 0.4
    assert not liked & {r.paper.pk for r in recommendations}
    assert all(r.because.pk in liked and topic_of(r.because) == "speech" for r in recommendations)
    assert [r.score for r in recommendations] == sorted((r.score for r in recommendations), reverse=True)


def test_sentence_embeddings_join_the_features_when_papers_have_them(topical_library):
    reader = speech_fan(topical_library, likes=3)
    rng = np.random.default_rng(3)
    axes = {topic: i for i, topic in enumerate(TOPICS)}
    papers = [p for group in topical_library.values() for p in group]
    vectors = rng.normal(0, 0.3, (len(papers), 8)).astype(np.float32)
    for row, paper in enumerate(papers):
        vectors[row, axes[topic_of(paper)]] += 1.0
    store.save("test-model:torch", [p.pk for p in papers], ["h"] * len(papers), vectors)

    features = recommend._features([p.pk for p in papers[:5]])
    assert features.shape[1] > 8  # TF-IDF columns and the 8 of the embedding
    assert precision_at_10([r.paper for r in recommend.for_user(reader, limit=10)]) >= 0.9


def test_not_interested_papers_are_left_out_and_count_against_their_kind(topical_library):
    reader = speech_fan(topical_library)
    first = recommend.for_user(reader, limit=10)[0].paper
    NotInterested.objects.create(user=reader, paper=first)
    assert first.pk not in {r.paper.pk for r in recommend.for_user(reader, limit=10)}


def listed(page: str) -> list[str]:
    return re.findall(r'<h3 class="paper-title"><a href="[^"]+">([^<]+)</a>', page)


def test_a_reader_without_upvotes_gets_trending_on_the_page(client, topical_library):
    reader = make_user("newcomer")
    assert recommend.for_user(reader, limit=10) == []
    reactions.set_upvote(make_user("someone"), topical_library["vision"][0], True)
    client.login(username="newcomer", password=PASSWORD)
    page = client.get("/for-you/").content.decode()
    assert "Upvote or save a few papers" in page
    assert topical_library["vision"][0].title in page


def test_for_you_page_says_why_and_takes_not_interested(client, topical_library):
    reader = speech_fan(topical_library)
    assert client.get("/for-you/").status_code == 302  # signed-in readers only
    client.login(username=reader.username, password=PASSWORD)
    page = client.get("/for-you/").content.decode()
    titles = listed(page)
    assert len(titles) == 30 and all(t in {p.title for p in topical_library["speech"]} for t in titles[:10])
    assert "Because you liked “" in page

    top = Paper.objects.get(title=titles[0])
    response = client.post(f"/for-you/not-interested/{top.pk}/")
    assert response.status_code == 302
    assert NotInterested.objects.filter(user=reader, paper=top).exists()
    assert top.title not in listed(client.get("/for-you/").content.decode())


def test_a_for_you_digest_section_for_the_readers_address(topical_library, postbox):
    reader = speech_fan(topical_library)
    subscriber(reader.email.upper(), frequency="weekly", kinds=("for_you",))
    subscriber("stranger@example.org", frequency="weekly", kinds=("for_you",))  # no account: nothing
    stats = send_digests(Period("weekly", timezone.localdate()))
    assert (stats.sent, stats.empty) == (1, 1)
    [message] = postbox.messages
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True)
    section = text.decode().split("Recommended for you")[1]
    titles = re.findall(r"^- (.+?)\r?$", section, re.MULTILINE)
    since = Period("weekly", timezone.localdate()).since
    recent_speech = [p.title for p in topical_library["speech"] if p.published >= since]
    assert len(recent_speech) >= 3
    assert set(titles[: len(recent_speech)]) == set(recent_speech)  # the week's speech papers first
