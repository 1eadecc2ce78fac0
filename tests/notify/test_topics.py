"""Topics (enrich/) as an interest: chosen on the subscription pages, a digest section each, and the
For-you page's cold start for a reader who has upvoted nothing yet."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from paperhaul.community import reactions
from paperhaul.enrich.assign import assign_topics
from paperhaul.enrich.models import PaperTopic, Topic
from paperhaul.notify import recommend, tokens
from paperhaul.notify.digests import Period
from paperhaul.notify.models import NotInterested, Subscription
from paperhaul.notify.sending import send_digests
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from tests.notify.conftest import subscriber
from tests.notify.test_digests import TITLES, text, titles_in
from tests.web.conftest import PASSWORD, make_user, record

pytestmark = pytest.mark.django_db


def topic(slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


@pytest.fixture
def filed(papers) -> dict[str, Paper]:
    """The web tests' papers with their topics decided by enrichment (from their arXiv categories:
    2401.00001 is cs.CV, 2401.00003 eess.AS, 2401.00002 and the old one cs.CL)."""
    assign_topics()
    return papers


def section(message, title: str) -> list[str]:
    """The paper titles listed under one section of a digest's plain text."""
    body = text(message).split(f"\n{title}\n", 1)[1]
    body = re.split(r"\n\n(?!- )(?=\S)", body, maxsplit=1)[0]
    return re.findall(r"^- (.+)$", body, re.MULTILINE)


def test_each_chosen_topic_is_a_section_of_the_digest_without_repeats(filed, postbox, today):
    vision, speech = topic("computer-vision"), topic("audio-and-speech")
    subscriber("ada@example.org", kinds=(), topics=(vision, speech))

    send_digests(Period("daily", today))

    [message] = postbox.messages
    assert section(message, "Topic: Computer Vision") == [TITLES["arxiv:2401.00001"]]
    assert section(message, "Topic: Audio and Speech") == [TITLES["arxiv:2401.00003"]]
    assert TITLES["arxiv:2401.00002"] not in text(message)  # a language paper: not chosen

    Library().upsert([record("arxiv:2401.00020", "Segmenting Every Pixel", categories=("cs.CV",))])
    assign_topics()
    send_digests(Period("daily", today + dt.timedelta(days=1)))
    assert titles_in(postbox.messages[1]) == ["Segmenting Every Pixel"]  # only what is new


def test_topic_sections_follow_not_interested_filters_and_earlier_sections(filed, postbox, today):
    vision, speech = topic("computer-vision"), topic("audio-and-speech")
    dismissing = subscriber("dismissing@example.org", kinds=(), topics=(vision, speech))
    NotInterested.objects.create(subscription=dismissing, paper=filed["arxiv:2401.00001"])
    subscriber("filtered@example.org", kinds=(), topics=(vision, speech), exclude_words=("speech",))
    subscriber("both@example.org", kinds=("daily",), topics=(speech,))

    send_digests(Period("daily", today))

    received = {m["To"]: m for m in postbox.messages}
    assert titles_in(received["dismissing@example.org"]) == [TITLES["arxiv:2401.00003"]]
    assert titles_in(received["filtered@example.org"]) == [TITLES["arxiv:2401.00001"]]
    both = received["both@example.org"]
    assert "Topic: Audio and Speech" not in text(both)  # its one paper was in the daily list already
    assert TITLES["arxiv:2401.00003"] in section(both, "The daily list")


def test_topics_are_chosen_on_subscribe_and_changed_on_the_manage_page(client, filed, postbox):
    vision, speech, language = (
        topic("computer-vision"),
        topic("audio-and-speech"),
        topic("large-language-models"),
    )
    form = client.get("/subscribe/?topic=audio-and-speech").content.decode()
    assert re.search(rf'type="checkbox" name="topics" value="{speech.pk}"[^>]*checked', form)
    assert re.search(rf'type="checkbox" name="topics" value="{vision.pk}"(?![^>]*checked)', form)
    assert "Computer Vision" in form and "Society and Policy" in form

    response = client.post(
        "/subscribe/", {"email": "ada@example.org", "frequency": "daily", "topics": [vision.pk, speech.pk]}
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert sorted((i.kind, i.value) for i in subscription.interests.all()) == sorted(
        [("topic", str(vision.pk)), ("topic", str(speech.pk))]
    )

    manage_path = f"/subscriptions/{tokens.manage_token(subscription)}/"
    manage = client.get(manage_path).content.decode()
    assert re.search(rf'name="topics" value="{vision.pk}"[^>]*checked', manage)
    assert re.search(rf'name="topics" value="{language.pk}"(?![^>]*checked)', manage)
    saved = client.post(manage_path, {"frequency": "weekly", "topics": [language.pk]})
    assert saved.status_code == 302
    assert [(i.kind, i.value) for i in subscription.interests.all()] == [("topic", str(language.pk))]

    unknown = client.post(manage_path, {"frequency": "weekly", "topics": ["999999"]})
    assert (
        unknown.status_code == 400
        and "999999 is not one of the available choices" in unknown.content.decode()
    )
    assert [(i.kind, i.value) for i in subscription.interests.all()] == [("topic", str(language.pk))]


# ------------------------------------------------------------------------------ For you, cold start

PER_TOPIC = 12
CATEGORIES = {"vision": "cs.CV", "speech": "eess.AS", "language": "cs.CL"}


@pytest.fixture
def three_topics(db) -> dict[str, list[Paper]]:
    """PER_TOPIC papers in each of three topics, dates interleaved, topics decided by enrichment."""
    records = [
        record(
            f"arxiv:2403.{i:05d}",
            f"A study of {kind} number {i}",
            days_ago=i // len(CATEGORIES),
            categories=(category,),
        )
        for i in range(PER_TOPIC * len(CATEGORIES))
        for kind, category in [list(CATEGORIES.items())[i % len(CATEGORIES)]]
    ]
    Library().upsert(records)
    assign_topics()
    by_kind: dict[str, list[Paper]] = {kind: [] for kind in CATEGORIES}
    for paper in Paper.objects.order_by("-published", "key"):
        by_kind[paper.title.split()[3]].append(paper)
    return by_kind


def reader_client(username: str = "newcomer") -> tuple[Client, object]:
    client = Client(enforce_csrf_checks=True)
    user = make_user(username)
    assert client.login(username=username, password=PASSWORD)
    return client, user


def csrf(client: Client, path: str) -> str:
    page = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def listed(page: str) -> list[str]:
    return re.findall(r'<h3 class="paper-title"><a href="[^"]+">([^<]+)</a>', page)


def test_a_reader_without_votes_chooses_topics_and_for_you_starts_from_them(three_topics, capsys):
    client, reader = reader_client()
    for name in ("u1", "u2"):  # others made a language paper trend
        reactions.set_upvote(make_user(name), three_topics["language"][0], True)
    before = client.get("/for-you/").content.decode()
    assert "choose topics below" in before and listed(before)[0] == three_topics["language"][0].title

    vision = topic("computer-vision")
    refused = client.post("/for-you/topics/", {"topics": [vision.pk]})  # no CSRF token
    assert refused.status_code == 403 and recommend.chosen_topics(reader) == []
    saved = client.post(
        "/for-you/topics/", {"topics": [vision.pk], "csrfmiddlewaretoken": csrf(client, "/for-you/")}
    )
    assert saved.status_code == 302 and recommend.chosen_topics(reader) == [vision]

    page = client.get("/for-you/").content.decode()
    assert "Recent papers in your topics" in page and "In your topic “Computer Vision”" in page
    titles = listed(page)
    vision_titles = {p.title for p in three_topics["vision"]}
    precision = sum(t in vision_titles for t in titles[:10]) / 10
    newest = [p.title for p in Paper.objects.order_by("-published", "-id")[:10]]
    baseline = sum(t in vision_titles for t in newest) / 10
    with capsys.disabled():
        print(f"\ncold start from a topic: precision@10 {precision:.2f}; most recent papers {baseline:.2f}")
    assert precision == 1.0 and baseline < 0.5
    assert re.search(rf'name="topics" value="{vision.pk}"[^>]*checked', page)


def test_the_cold_start_ranks_by_confidence_and_trending_and_leaves_out_dismissed(three_topics):
    reader = make_user("newcomer")
    recommend.choose_topics(reader, [topic("computer-vision"), topic("audio-and-speech")])
    newest_speech, older_vision = three_topics["speech"][0], three_topics["vision"][3]
    PaperTopic.objects.filter(paper=newest_speech).update(confidence=0.95)  # surer than by category (0.8)
    reactions.set_upvote(make_user("fan"), older_vision, True)  # the top of trending: 0.8 + TRENDING_WEIGHT
    dismissed = three_topics["vision"][0]
    NotInterested.objects.create(user=reader, paper=dismissed)

    ranked = recommend.recommended(reader, limit=30)

    assert [r.paper for r in ranked[:2]] == [older_vision, newest_speech]
    assert [r.score for r in ranked[:3]] == pytest.approx([0.8 + recommend.TRENDING_WEIGHT, 0.95, 0.8])
    assert {r.topic.slug for r in ranked} == {"computer-vision", "audio-and-speech"}
    assert dismissed not in [r.paper for r in ranked]
    assert not {r.paper.pk for r in ranked} & {p.pk for p in three_topics["language"]}
    rest = [r.paper.published for r in ranked[2:]]
    assert rest == sorted(rest, reverse=True)  # equal confidence, no activity: newest first

    reactions.set_upvote(reader, three_topics["language"][5], True)  # votes, once there are any, win
    assert all(r.because is not None and r.topic is None for r in recommend.recommended(reader, limit=5))


def test_a_for_you_digest_starts_from_the_readers_topics_too(three_topics, postbox):
    reader = make_user("newcomer")
    recommend.choose_topics(reader, [topic("audio-and-speech")])
    subscriber(reader.email, frequency="weekly", kinds=("for_you",))
    newest = max((papers[0] for papers in three_topics.values()), key=lambda paper: paper.published)
    send_digests(Period("weekly", newest.published))
    [message] = postbox.messages
    speech = {p.title for p in three_topics["speech"]}
    titles = section(message, "Recommended for you")
    assert titles and set(titles) <= speech
