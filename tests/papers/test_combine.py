"""Merging two items a curator says are one paper: fields filled in, everything attached moves, the
other item's addresses lead to the kept one, nothing is doubled and nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry

from paperhaul.community import reading
from paperhaul.community.comments import add_comment
from paperhaul.community.models import Comment, PaperActivity, SavedPaper, Submission, Vote
from paperhaul.community.reactions import set_saved, set_upvote
from paperhaul.enrich.models import PaperTopic, Takeaway, Topic
from paperhaul.errors import InputError
from paperhaul.hauls.models import Haul, HaulItem
from paperhaul.notify.models import Digest, DigestEntry, NotInterested, Subscription
from paperhaul.papers.combine import combine
from paperhaul.papers.duplicates import twins
from paperhaul.papers.lookup import category_names, find_paper
from paperhaul.papers.models import Identifier, Paper, PossibleDuplicate, SourceRecord
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library
from tests.papers.conftest import FORUM, PREPRINT, TITLE, add_count, add_paper, user

pytestmark = pytest.mark.django_db


def test_the_kept_paper_keeps_its_fields_and_takes_what_it_lacks(pair):
    preprint, forum = pair
    merged = combine(preprint, forum)
    paper = Paper.objects.get()
    assert paper.key == PREPRINT and paper.title == TITLE
    assert paper.abstract == "We mix adapters sparsely."
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert paper.journal_ref.startswith("The Twelfth") and paper.comments == "ICLR 2024 Poster"
    assert paper.published == dt.date(2023, 9, 28)  # the earlier of the two
    assert category_names(paper) == ["cs.CL", "cs.LG", "cs.AI"]
    assert {"journal_ref", "comments", "published"} <= set(merged.filled)
    assert "title" not in merged.filled and "abstract" not in merged.filled
    assert merged.summary().startswith(f"Merged {FORUM} into {PREPRINT}; moved ")


def test_the_other_items_addresses_and_sources_lead_to_the_kept_paper(pair):
    preprint, forum = pair
    combine(preprint, forum)
    assert find_paper("https://openreview.net/forum?id=AbCdEf") == preprint
    assert find_paper("https://openreview.net/pdf?id=AbCdEf") == preprint
    assert set(Identifier.objects.values_list("key", flat=True)) >= {PREPRINT, FORUM}
    assert set(SourceRecord.objects.values_list("source", flat=True)) == {"arxiv-api", "openreview"}
    assert not PossibleDuplicate.objects.exists()  # the report is answered
    # The OpenReview venue fetched again updates the kept paper rather than bringing the other back.
    stats = Library().upsert(
        [PaperRecord(source="openreview", key=FORUM, title=TITLE + ".", comments="ICLR 2024 Spotlight")]
    )
    assert (stats.added, Paper.objects.count()) == (0, 1)


def test_readers_upvotes_saves_and_comments_move_without_doubling(pair):
    preprint, forum = pair
    ada, alan, grace = user("ada"), user("alan"), user("grace")
    set_upvote(ada, preprint, True)
    set_upvote(ada, forum, True)  # upvoted both: counts once
    set_upvote(alan, forum, True)
    set_saved(grace, forum, True)
    question = add_comment(grace, forum, "Is the OpenReview version different?")
    add_comment(ada, forum, "Only the title's full stop.", parent=question)
    add_comment(alan, preprint, "Nice.")
    merged = combine(preprint, forum)
    assert set(Vote.objects.values_list("user__username", "paper_id")) == {
        ("ada", preprint.pk),
        ("alan", preprint.pk),
    }
    assert SavedPaper.objects.get().paper_id == preprint.pk
    assert Comment.objects.filter(paper=preprint).count() == 3
    assert Comment.objects.get(body__startswith="Only").parent_id == question.pk
    activity = PaperActivity.objects.get(paper=preprint)
    assert (activity.upvotes, activity.comments) == (2, 3)
    assert merged.moved["votes"] == 1 and merged.moved["comments"] == 2 and merged.moved["saved papers"] == 1


def test_a_reader_who_saved_both_keeps_one_entry_with_both_notes(pair):
    preprint, forum = pair
    ada = user("ada")
    reading.set_note(ada, preprint, "Skim section 4.")
    reading.set_note(ada, forum, "The rebuttal answers the scaling question.")
    reading.set_read(ada, forum, True)
    SavedPaper.objects.filter(paper=forum).update(created_at=dt.datetime(2023, 10, 2, tzinfo=dt.UTC))
    read_at = SavedPaper.objects.get(paper=forum).read_at
    combine(preprint, forum)
    kept = SavedPaper.objects.get()
    assert kept.paper_id == preprint.pk
    assert kept.note == "Skim section 4.\n\nThe rebuttal answers the scaling question."
    assert kept.read_at == read_at, "read on either item is read"
    assert kept.created_at == dt.datetime(2023, 10, 2, tzinfo=dt.UTC), "on the list since the first save"


def test_hauls_digests_topics_and_takeaways_move(pair):
    preprint, forum = pair
    haul = Haul.objects.create(number=3, title="Haul 3", slug="haul-3")
    HaulItem.objects.create(
        haul=haul, position=1, paper=forum, url="https://openreview.net/forum?id=AbCdEf", title=TITLE
    )
    subscription = Subscription.objects.create(email="ada@example.org")
    digest = Digest.objects.create(subscription=subscription, period="2024-01-02")
    DigestEntry.objects.create(digest=digest, position=1, section="search:adapters", paper=forum)
    NotInterested.objects.create(subscription=subscription, paper=forum)
    NotInterested.objects.create(subscription=subscription, paper=preprint)
    topic = Topic.objects.create(name="Adapters", slug="adapters", description="adapters")
    PaperTopic.objects.create(paper=forum, topic=topic, confidence=1.0)
    Takeaway.objects.create(paper=forum, method="authors", text="Adapters, sparsely.")
    Takeaway.objects.create(paper=forum, method="person", text="The forum's takeaway.")
    Takeaway.objects.create(paper=preprint, method="person", text="The preprint's takeaway.")
    Submission.objects.create(day=dt.date(2024, 1, 2), paper=forum)
    combine(preprint, forum)
    assert HaulItem.objects.get().paper_id == preprint.pk
    assert HaulItem.objects.get().url.startswith("https://openreview.net/")  # the post as written
    assert DigestEntry.objects.get().paper_id == preprint.pk
    assert NotInterested.objects.get().paper_id == preprint.pk
    assert PaperTopic.objects.get().paper_id == preprint.pk
    assert sorted(Takeaway.objects.values_list("method", "text")) == [
        ("authors", "Adapters, sparsely."),
        ("person", "The preprint's takeaway."),
    ]
    assert Submission.objects.get().paper_id == preprint.pk


def test_reports_with_third_items_follow_with_their_status(pair):
    preprint, forum = pair
    third = add_paper("arxiv:2401.00009", "Another paper")
    fourth = add_paper("arxiv:2401.00010", "Yet another paper")
    PossibleDuplicate.objects.create(paper=third, other=forum, reason="one DOI", status="dismissed")
    PossibleDuplicate.objects.create(paper=forum, other=fourth, reason="same normalised title")
    combine(preprint, forum)
    reports = {(r.paper_id, r.other_id): r.status for r in PossibleDuplicate.objects.all()}
    assert reports == {
        tuple(sorted((preprint.pk, third.pk))): "dismissed",
        tuple(sorted((preprint.pk, fourth.pk))): "open",
    }
    assert [twin for twin, _ in twins(preprint)] == [fourth]


def test_one_citation_count_stays(pair):
    preprint, forum = pair
    add_count(preprint, 12)
    add_count(forum, 3)
    combine(preprint, forum)
    assert list(SourceRecord.objects.filter(source="semantic-scholar").values_list("source_id", "data")) == [
        (PREPRINT, {"citations": 12})
    ]


def test_the_other_count_is_renamed_when_the_kept_paper_has_none(pair):
    preprint, forum = pair
    add_count(forum, 3)
    combine(preprint, forum)
    assert SourceRecord.objects.get(source="semantic-scholar").source_id == PREPRINT


def test_a_persons_edits_and_notes_are_kept(pair):
    preprint, forum = pair
    Paper.objects.filter(pk=preprint.pk).update(
        title="Sparse mixtures of adapters (corrected)", edited_fields=["title"]
    )
    Paper.objects.filter(pk=forum.pk).update(
        note="Seen at ICLR.", license="CC BY 4.0", edited_fields=["license"]
    )
    preprint.refresh_from_db()
    forum.refresh_from_db()
    Paper.objects.filter(pk=preprint.pk).update(note="Read it.")
    preprint.refresh_from_db()
    combine(preprint, forum)
    paper = Paper.objects.get()
    assert paper.title == "Sparse mixtures of adapters (corrected)"
    assert paper.note == "Read it.\n\nSeen at ICLR."
    assert paper.license == "CC BY 4.0"
    assert set(paper.edited_fields) == {"title", "license", "note"}


def test_keeping_a_title_only_item_takes_the_real_key():
    noted = add_paper("title:sparse mixtures of adapters", TITLE, source="links")
    preprint = add_paper(PREPRINT, "Sparse Mixtures of Adapters for Everyone")
    combine(noted, preprint)
    paper = Paper.objects.get()
    assert paper.pk == noted.pk and paper.key == PREPRINT
    assert find_paper("arXiv:2310.01234") == paper


def test_the_search_index_forgets_the_other_item(pair):
    from paperhaul.search.service import SearchRequest, search

    preprint, forum = pair
    combine(preprint, forum)
    hits = search(SearchRequest(q="sparse mixtures adapters", mode="lexical")).hits
    assert [hit.key for hit in hits] == [PREPRINT]


def test_a_curators_merge_is_in_the_papers_history(pair):
    preprint, forum = pair
    curator = user("curator")
    combine(preprint, forum, by=curator)
    entry = LogEntry.objects.get()
    assert entry.user == curator and entry.object_id == str(preprint.pk)
    assert FORUM in entry.change_message


def test_an_item_cannot_absorb_itself(pair):
    preprint, _ = pair
    with pytest.raises(InputError, match="already one item"):
        combine(preprint, preprint)
    assert Paper.objects.count() == 2


def test_a_failure_half_way_leaves_both_items_as_they_were(pair, monkeypatch):
    from paperhaul.papers import combine as module

    preprint, forum = pair
    ada = user("ada")
    set_upvote(ada, forum, True)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module.LogEntry.objects, "log_actions", broken)
    with pytest.raises(RuntimeError):
        combine(preprint, forum, by=ada)
    assert Paper.objects.count() == 2
    assert Vote.objects.get().paper_id == forum.pk
    assert Identifier.objects.get(key=FORUM).paper_id == forum.pk
    assert PossibleDuplicate.objects.count() == 1


def test_a_preview_says_what_a_merge_would_do_and_changes_nothing(pair):
    from paperhaul.papers.combine import preview

    preprint, forum = pair
    set_upvote(user("ada"), forum, True)
    said = preview(preprint, forum)
    assert Paper.objects.count() == 2 and Vote.objects.get().paper_id == forum.pk
    assert PossibleDuplicate.objects.count() == 1
    done = combine(preprint, forum)
    assert said.as_json() == {**done.as_json(), "merge": None}, "the same merge, not recorded"


def test_every_model_that_points_at_papers_is_merged_by_rule():
    """A new model with a foreign key to Paper moves with the generic rule; a new one-to-one (a row
    per paper) is dropped with the absorbed paper, so it must be derived data or bring itself over
    on papers_merged (as PaperActivity does): this list makes adding one a decision."""
    from paperhaul.papers.combine import OWN_RELATIONS
    from paperhaul.papers.merge_log import relations

    one_to_one = {r.related_model._meta.label for r in relations() if r.one_to_one}
    assert one_to_one == {"community.PaperActivity", "enrich.TopicState", "search.Embedding"}
    hidden = {r.related_model._meta.label for r in relations() if r.related_name == "+"}
    assert {"community.SavedPaper", "notify.DigestEntry", "papers.PossibleDuplicate"} <= hidden
    assert {m._meta.label for m in OWN_RELATIONS} == {"papers.PaperCategory", "papers.PossibleDuplicate"}
