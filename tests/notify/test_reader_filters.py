"""A signed-in reader's keyword filters (issue 7, point 5): set on the For-you page with the fields of
the subscription forms, they decide what the page lists (from votes, from topics, or trending) and
what the "Recommended for you" section of their digest holds."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from paperhaul.community import reactions
from paperhaul.enrich.assign import assign_topics
from paperhaul.notify import recommend
from paperhaul.notify.digests import Period
from paperhaul.notify.keywords import FIELDS, KeywordFilter
from paperhaul.notify.models import ReaderPreferences
from paperhaul.notify.sending import send_digests
from paperhaul.papers.models import Paper
from paperhaul.papers.upsert import Library
from tests.notify.conftest import subscriber
from tests.notify.test_recommend import speech_fan, topical_library  # noqa: F401  (a fixture)
from tests.notify.test_topics import csrf, listed, section, three_topics, topic  # noqa: F401
from tests.web.conftest import PASSWORD, make_user, record

pytestmark = pytest.mark.django_db

FILTERS = "/for-you/filters/"
LABELS = ("Only papers mentioning", "Never papers mentioning", "Only papers by", "Never papers by")


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def save_filters(client: Client, **lists: str):
    """POST the filters form as the page's browser does: every field, with the page's CSRF token."""
    data = {name: lists.get(name, "") for name in FIELDS}
    return client.post(FILTERS, {**data, "csrfmiddlewaretoken": csrf(client, "/for-you/")})


def mentions(paper: Paper, word: str) -> bool:
    return bool(re.search(rf"\b{word}\b", f"{paper.title} {paper.abstract}", re.IGNORECASE))


def test_a_trained_readers_filters_change_the_page_which_still_fills_up(topical_library):  # noqa: F811
    reader = speech_fan(topical_library)
    client = signed_in(reader)
    speech = {p.title for p in topical_library["speech"]}
    page = client.get("/for-you/").content.decode()
    assert set(listed(page)[:10]) <= speech
    assert all(label in page for label in LABELS)  # the subscription forms' fields
    assert "Separated by commas." in page and "Your filters apply" not in page

    saved = save_filters(client, exclude_authors="speech")
    assert saved.status_code == 302 and saved["Location"] == "/for-you/"
    page = client.get("/for-you/").content.decode()
    assert "Your filters are saved." in page and "Your filters apply" in page
    titles = listed(page)
    assert len(titles) == 30 and not set(titles) & speech  # the reader's own topic is gone
    assert "Because you liked “" in page
    assert re.search(r'name="exclude_authors" value="speech"', page)  # the form shows what is saved

    save_filters(client, include_words="reward")
    titles = listed(client.get("/for-you/").content.decode())
    liked = set(recommend.liked(reader))
    rewarding = [p for p in Paper.objects.exclude(id__in=liked) if mentions(p, "reward")]
    assert len(rewarding) > 30  # read deep into the ranking (the model puts them last) to fill the page
    assert len(titles) == 30 and set(titles) <= {p.title for p in rewarding}
    assert recommend.reader_filter(reader) == KeywordFilter(include_words=("reward",))

    save_filters(client, include_authors="Vision", exclude_words="image")  # by "vision", not on images
    titles = listed(client.get("/for-you/").content.decode())
    expected = {p.title for p in topical_library["vision"] if not mentions(p, "image")}
    assert expected and len(titles) == len(expected) and set(titles) == expected

    save_filters(client)  # all empty: no filter
    assert set(listed(client.get("/for-you/").content.decode())[:10]) <= speech


def test_the_cold_start_from_topics_and_the_trending_fallback_follow_the_filters(three_topics):  # noqa: F811
    Library().upsert(
        [record("arxiv:2403.09999", "Pixels by Grace", categories=("cs.CV",), authors=("Grace Hopper",))]
    )
    assign_topics()
    for name in ("u1", "u2"):  # others made a language paper trend, and a vision one a little
        reactions.set_upvote(make_user(name), three_topics["language"][0], True)
    reactions.set_upvote(make_user("u3"), three_topics["vision"][1], True)
    reader = make_user("newcomer")
    client = signed_in(reader)

    save_filters(client, exclude_words="language")  # no votes nor topics yet: trending, filtered
    page = client.get("/for-you/").content.decode()
    assert listed(page) == [three_topics["vision"][1].title]

    recommend.choose_topics(reader, [topic("computer-vision"), topic("audio-and-speech")])
    save_filters(client, exclude_words="speech")
    page = client.get("/for-you/").content.decode()
    titles = listed(page)
    vision = {p.title for p in three_topics["vision"]} | {"Pixels by Grace"}
    assert len(titles) == len(vision) and set(titles) == vision
    assert "In your topic “Computer Vision”" in page and "In your topic “Audio and Speech”" not in page

    save_filters(client, include_authors="Hopper")
    assert listed(client.get("/for-you/").content.decode()) == ["Pixels by Grace"]


def test_the_recommended_for_you_digest_section_follows_the_readers_filters(
    topical_library,  # noqa: F811
    postbox,
):
    reader = speech_fan(topical_library)
    recommend.choose_filter(reader, KeywordFilter(exclude_authors=("speech",)))
    subscriber(reader.email, frequency="weekly", kinds=("for_you",))
    send_digests(Period("weekly", timezone.localdate()))
    [message] = postbox.messages
    titles = section(message, "Recommended for you")
    assert len(titles) == 10
    assert {p.authors[0] for p in Paper.objects.filter(title__in=titles)} <= {"vision", "rl"}


@pytest.mark.parametrize(
    ("lists", "error", "kept"),
    [
        (
            {"include_words": ", ".join(f"word{i}" for i in range(60))},
            "Only papers mentioning: at most 50 entries, not 60.",
            "word0, word1, word2",
        ),
        (
            {"exclude_authors": "Ada Lovelace, " + "x" * 200},
            "Never papers by: “" + "x" * 40 + "…” is longer than 100 characters.",
            "Ada Lovelace, " + "x" * 200,
        ),
    ],
)
def test_bad_filters_are_refused_with_the_reason_and_nothing_saved(db, lists, error, kept):
    reader = make_user("reader")
    client = signed_in(reader)
    assert save_filters(client, exclude_words="diffusion").status_code == 302

    refused = save_filters(client, **lists)
    page = refused.content.decode()
    assert refused.status_code == 400
    assert error in page and "Your filters were not saved" in page
    assert kept in page  # what was typed is there to correct
    assert recommend.reader_filter(reader) == KeywordFilter(exclude_words=("diffusion",))


def test_only_a_signed_in_reader_with_the_forms_token_saves_filters(db):
    anonymous = Client(enforce_csrf_checks=True)
    token = csrf(anonymous, "/accounts/login/")
    response = anonymous.post(FILTERS, {"exclude_words": "diffusion", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/for-you/filters/"

    reader = make_user("reader")
    client = signed_in(reader)
    refused = client.post(FILTERS, {"exclude_words": "diffusion"})  # no CSRF token
    assert refused.status_code == 403
    assert client.get(FILTERS).status_code == 405  # a GET changes nothing either
    assert not ReaderPreferences.objects.exists()
