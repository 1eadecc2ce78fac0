"""Undoing a merge a curator finds was wrong: the other item comes back with everything that moved,
what the merge folded or dropped is made again, and what changed since the merge stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry

from paperhaul.community import collections, reading
from paperhaul.community.comments import add_comment, edit_comment
from paperhaul.community.models import CollectionItem, Comment, PaperActivity, SavedPaper, Vote
from paperhaul.community.reactions import set_upvote
from paperhaul.enrich.models import PaperTopic, Takeaway, Topic
from paperhaul.errors import InputError
from paperhaul.hauls.models import Haul, HaulItem
from paperhaul.notify.models import Digest, DigestEntry, Subscription
from paperhaul.papers import unmerge
from paperhaul.papers.combine import combine
from paperhaul.papers.lookup import category_names, find_paper
from paperhaul.papers.models import Merge, Paper, PossibleDuplicate, SourceRecord
from paperhaul.papers.records import PaperRecord
from paperhaul.papers.upsert import Library
from paperhaul.search.models import Embedding
from paperhaul.search.service import SearchRequest, search
from tests.papers.conftest import FORUM, PREPRINT, TITLE, add_count, add_paper, user

pytestmark = pytest.mark.django_db


def state(paper: Paper) -> dict:
    """What a reader or curator sees of an item."""
    paper = Paper.objects.get(pk=paper.pk)
    fields = ("key", "title", "abstract", "authors", "published", "doi", "journal_ref", "comments", "pdf_url")
    return {name: getattr(paper, name) for name in fields} | {
        "categories": category_names(paper),
        "identifiers": sorted(paper.identifiers.values_list("key", flat=True)),
        "sources": sorted(SourceRecord.objects.filter(paper=paper).values_list("source", "source_id")),
    }


def undo_last(**kwargs) -> unmerge.Undone:
    return unmerge.undo(Merge.objects.get(), **kwargs)


def test_undoing_a_merge_gives_back_two_items_as_they_were(pair):
    preprint, forum = pair
    before = {paper.key: state(paper) for paper in pair}
    merged = combine(preprint, forum, by=user("curator"))
    assert merged.record == Merge.objects.get()
    assert (merged.record.kept_key, merged.record.absorbed_key, merged.record.absorbed_title) == (
        PREPRINT,
        FORUM,
        TITLE + ".",
    )

    undone = undo_last(by=user("editor"))

    assert {paper.key: state(paper) for paper in Paper.objects.all()} == before
    assert Paper.objects.get(key=FORUM).pk == forum.pk, "its old id and page again"
    assert find_paper("https://openreview.net/pdf?id=AbCdEf") == forum
    assert PossibleDuplicate.objects.get(status="open").other_id in {preprint.pk, forum.pk}
    assert undone.summary() == (
        f"Undid the merge of {FORUM} into {PREPRINT}; {FORUM} has again 1 identifier, 1 source record"
    )
    record = Merge.objects.get()
    assert record.undone_at is not None and record.undone_by.username == "editor"
    assert LogEntry.objects.filter(object_id=str(forum.pk)).get().change_message == undone.summary()
    # Imports of the other item update it again, not the kept one.
    Library().upsert([PaperRecord(source="openreview", key=FORUM, title=TITLE + ".", comments="ICLR Oral")])
    assert Paper.objects.get(key=FORUM).comments == "ICLR Oral"
    assert Paper.objects.get(key=PREPRINT).comments == ""


def test_a_merge_is_undone_once_and_a_preview_changes_nothing(pair):
    combine(*pair)
    said = unmerge.preview(Merge.objects.get())
    assert said.restored.key == FORUM and Paper.objects.count() == 1
    assert Merge.objects.get().undone_at is None
    assert undo_last().as_json() == said.as_json()
    with pytest.raises(InputError, match="undone already"):
        undo_last()
    assert Paper.objects.count() == 2


def test_readers_votes_comments_and_lists_go_back_and_what_was_folded_is_two_again(pair):
    preprint, forum = pair
    ada, alan, grace = user("ada"), user("alan"), user("grace")
    set_upvote(ada, preprint, True)
    set_upvote(ada, forum, True)  # upvoted both: one vote after the merge
    set_upvote(alan, forum, True)
    question = add_comment(grace, forum, "Is the OpenReview version different?")
    add_comment(alan, preprint, "Nice.")
    reading.set_note(ada, preprint, "Skim section 4.")
    reading.set_note(ada, forum, "The rebuttal answers the scaling question.")
    group = collections.create(grace, "Reading group")
    collections.add(grace, group, forum, "Week 1: the reviews.")
    collections.add(grace, group, preprint, "Week 2: the preprint.")
    combine(preprint, forum)
    assert (Vote.objects.count(), SavedPaper.objects.count(), CollectionItem.objects.count()) == (2, 1, 1)

    undo_last()

    assert set(Vote.objects.values_list("user__username", "paper_id")) == {
        ("ada", preprint.pk),
        ("ada", forum.pk),
        ("alan", forum.pk),
    }
    assert Comment.objects.get(pk=question.pk).paper_id == forum.pk
    notes = dict(SavedPaper.objects.values_list("paper_id", "note"))
    assert notes == {preprint.pk: "Skim section 4.", forum.pk: "The rebuttal answers the scaling question."}
    entries = CollectionItem.objects.order_by("position").values_list("paper_id", "comment")
    assert list(entries) == [(forum.pk, "Week 1: the reviews."), (preprint.pk, "Week 2: the preprint.")]
    counters = dict(PaperActivity.objects.values_list("paper_id", "upvotes"))
    assert counters == {preprint.pk: 1, forum.pk: 2}
    assert dict(PaperActivity.objects.values_list("paper_id", "comments")) == {preprint.pk: 1, forum.pk: 1}


def test_what_changed_since_the_merge_stays(pair):
    preprint, forum = pair
    ada, bob = user("ada"), user("bob")
    question = add_comment(ada, forum, "Is the OpenReview version different?")
    reading.set_note(ada, preprint, "Skim section 4.")
    reading.set_note(ada, forum, "The rebuttal.")
    combine(preprint, forum)
    kept = Paper.objects.get()
    assert kept.journal_ref.startswith("The Twelfth")  # taken from the other item
    kept.title, kept.journal_ref = "Sparse Mixtures of Adapters (corrected)", "ICLR 2024"
    kept.edited_fields = ["journal_ref", "title"]
    kept.save()
    edit_comment(ada, Comment.objects.get(pk=question.pk), "Is it different? (edited)")
    reply = add_comment(bob, kept, "Only the title's full stop.", parent=Comment.objects.get(pk=question.pk))
    news = add_comment(bob, kept, "Written after the merge.")
    set_upvote(bob, kept, True)
    reading.set_note(ada, kept, "My own words now.")

    undone = undo_last()

    restored = Paper.objects.get(pk=preprint.pk)
    assert (restored.title, restored.journal_ref) == ("Sparse Mixtures of Adapters (corrected)", "ICLR 2024")
    assert restored.comments == "", "what the merge filled in and nobody changed goes"
    assert Paper.objects.get(pk=forum.pk).title == TITLE + "."
    assert Comment.objects.get(pk=question.pk).body == "Is it different? (edited)"
    assert Comment.objects.get(pk=reply.pk).paper_id == forum.pk, "a reply follows its comment"
    assert Comment.objects.get(pk=news.pk).paper_id == preprint.pk
    assert Vote.objects.get().paper_id == preprint.pk
    notes = dict(SavedPaper.objects.values_list("paper_id", "note"))
    assert notes == {preprint.pk: "My own words now.", forum.pk: "The rebuttal."}
    assert dict(PaperActivity.objects.values_list("paper_id", "comments")) == {preprint.pk: 1, forum.pk: 2}
    assert undone.kept_changes == ["journal_ref"]
    assert undone.summary().endswith(f"{PREPRINT} keeps what changed since: journal_ref")


def test_hauls_digests_topics_takeaways_counts_and_vectors_go_back(pair):
    preprint, forum = pair
    haul = Haul.objects.create(number=3, title="Haul 3", slug="haul-3")
    HaulItem.objects.create(haul=haul, position=1, paper=forum, url="https://openreview.net/forum?id=AbCdEf")
    digest = Digest.objects.create(
        subscription=Subscription.objects.create(email="a@example.org"), period="p"
    )
    DigestEntry.objects.create(digest=digest, position=1, section="s", paper=forum)
    topic = Topic.objects.create(name="Adapters", slug="adapters", description="adapters")
    PaperTopic.objects.create(paper=forum, topic=topic, confidence=1.0)
    Takeaway.objects.create(paper=forum, method="person", text="The forum's takeaway.")
    Takeaway.objects.create(paper=preprint, method="person", text="The preprint's takeaway.")
    add_count(preprint, 12)
    add_count(forum, 3)
    vector = Embedding.objects.create(
        paper=forum,
        model="m",
        text_hash="h",
        vector=b"\0" * 16,
        embedded_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    combine(preprint, forum)
    assert Takeaway.objects.count() == 1 and not Embedding.objects.exists()

    undo_last()

    assert HaulItem.objects.get().paper_id == forum.pk
    assert DigestEntry.objects.get().paper_id == forum.pk
    assert PaperTopic.objects.get().paper_id == forum.pk
    assert set(Takeaway.objects.values_list("paper_id", "text")) == {
        (forum.pk, "The forum's takeaway."),
        (preprint.pk, "The preprint's takeaway."),
    }
    counts = SourceRecord.objects.filter(source="semantic-scholar")
    assert sorted(counts.values_list("paper_id", "source_id", "data")) == [
        (preprint.pk, PREPRINT, {"citations": 12}),
        (forum.pk, FORUM, {"citations": 3}),
    ]
    again = Embedding.objects.get()
    assert again.paper_id == forum.pk and bytes(again.vector) == b"\0" * 16
    assert again.pk > vector.pk, "a new row, so the vector index reads it as written since"


def test_the_other_item_is_found_by_search_again(pair):
    def found() -> list[str]:
        return [hit.key for hit in search(SearchRequest(q="openreview abstract", mode="lexical")).hits]

    assert found() == [FORUM]
    combine(*pair)
    assert found() == []  # the kept paper's abstract stands
    undo_last()
    assert found() == [FORUM]


def test_a_title_only_item_kept_gives_the_real_key_back():
    noted = add_paper("title:sparse mixtures of adapters", TITLE, source="links")
    preprint = add_paper(PREPRINT, TITLE + " (v2)", abstract="We mix adapters sparsely.")
    combine(noted, preprint)
    assert Paper.objects.get().key == PREPRINT

    undo_last()

    assert set(Paper.objects.values_list("pk", "key")) == {
        (noted.pk, "title:sparse mixtures of adapters"),
        (preprint.pk, PREPRINT),
    }
    assert find_paper("https://arxiv.org/abs/2310.01234") == preprint


def test_a_merge_waits_while_its_kept_item_is_merged_into_a_third(pair):
    preprint, forum = pair
    combine(preprint, forum)
    third = add_paper("arxiv:2401.00009", "Sparse Mixtures of Adapters, the journal version")
    combine(third, preprint)
    first = Merge.objects.get(absorbed_key=FORUM)
    with pytest.raises(
        InputError, match=f"{PREPRINT} was merged into arxiv:2401.00009 since: undo that merge first"
    ):
        unmerge.undo(first)
    assert Paper.objects.count() == 1

    unmerge.undo(Merge.objects.get(absorbed_key=PREPRINT))
    unmerge.undo(first)

    assert set(Paper.objects.values_list("key", flat=True)) == {PREPRINT, FORUM, "arxiv:2401.00009"}
    assert find_paper("https://openreview.net/forum?id=AbCdEf") == forum


def test_a_new_item_under_the_other_key_stops_the_undo(pair):
    preprint, forum = pair
    combine(preprint, forum)
    Paper.objects.get().identifiers.filter(key=FORUM).delete()  # a curator's hand in the admin
    Paper.objects.create(key=FORUM, title="Something else", title_norm="something else")
    with pytest.raises(InputError, match=r"has an item .* again"):
        undo_last()
    assert Paper.objects.count() == 2 and Merge.objects.get().undone_at is None


def test_a_merge_is_named_by_its_number_or_by_either_item(pair):
    preprint, forum = pair
    combine(preprint, forum)
    merge = Merge.objects.get()
    assert unmerge.find(str(merge.pk)) == merge
    assert unmerge.find("https://openreview.net/pdf?id=AbCdEf") == merge  # an address of the item merged away
    assert unmerge.find("2310.01234") == merge  # the kept item, with one merge into it
    combine(preprint, add_paper("arxiv:2401.00009", TITLE + ", the journal version"))
    with pytest.raises(
        InputError, match=r"several items were merged into arxiv:2310\.01234: name one by its number"
    ):
        unmerge.find("2310.01234")
    assert unmerge.find(FORUM) == merge


def test_a_deleted_account_leaves_nothing_in_the_merge_records(pair):
    preprint, forum = pair
    ada, alan = user("ada"), user("alan")
    for paper in pair:
        set_upvote(ada, paper, True)
    reading.set_note(ada, forum, "My private thoughts.")
    question = add_comment(ada, forum, "Is the OpenReview version different?")
    set_upvote(alan, forum, True)
    combine(preprint, forum)
    ada.delete()

    recorded = str(Merge.objects.values_list("before", "after").get())
    assert "My private thoughts." not in recorded
    undo_last()

    assert list(Vote.objects.values_list("user__username", "paper_id")) == [("alan", forum.pk)]
    assert not SavedPaper.objects.exists()
    comment = Comment.objects.get(pk=question.pk)
    assert comment.paper_id == forum.pk and comment.author is None, (
        "as the live comment: kept, without its author"
    )
