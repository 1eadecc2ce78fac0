"""What readers add to the library: upvotes, saved papers, comments and submissions to a day's list."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from paperhaul.papers.models import Paper


class Vote(models.Model):
    """One upvote of one user on one paper (pressing the button again takes it back)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="uniq_vote")]

    def __str__(self) -> str:
        return f"{self.user_id} ▲ {self.paper_id}"


class SavedPaper(models.Model):
    """A paper a user keeps in their own reading list (private to them), to read until they mark it
    read, with their own note on it (community/reading.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(
        null=True, blank=True, help_text="When they marked it read; empty while it is to read."
    )
    note = models.TextField(blank=True, default="", help_text="Their private note on the paper.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="uniq_saved_paper")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.paper_id}"


class Comment(models.Model):
    """A comment on a paper in Markdown; ``body_html`` is its sanitised rendering, made on save.

    A deleted comment keeps its row (without its text) so that the replies under it keep their place;
    a hidden one is taken out of view by a moderator and stays visible to moderators.
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="discussion")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField()
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["paper", "created_at"], name="comment_paper_idx")]
        permissions = [("moderate_comment", "Can hide and show any comment")]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.paper_id}"

    @property
    def visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class Submission(models.Model):
    """A paper a reader put on the list of a day (papers first published that day are on it anyway)."""

    day = models.DateField(db_index=True)
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="submissions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "paper"], name="uniq_submission")]

    def __str__(self) -> str:
        return f"{self.paper_id} on {self.day}"


class PaperActivity(models.Model):
    """Counters kept with every vote and comment, so lists sort by upvotes without counting rows."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, primary_key=True, related_name="activity")
    upvotes = models.PositiveIntegerField(default=0, db_index=True)
    comments = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, db_index=True)

    class Meta:
        verbose_name_plural = "paper activity"

    def __str__(self) -> str:
        return f"{self.paper_id}: {self.upvotes} upvotes, {self.comments} comments"


class Collection(models.Model):
    """A named list of papers a reader shares (a reading group's syllabus, "NeurIPS 2023 best
    papers"), with a comment on each paper; its owner may let other readers (``editors``) add,
    comment on, reorder and remove papers (community/collections.py)."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "public: listed on /lists/ and the owner's profile"
        UNLISTED = "unlisted", "unlisted: anyone with the link"
        PRIVATE = "private", "private: the owner and the editors only"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections")
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, help_text="Its address: /u/OWNER/lists/SLUG/.")
    description = models.TextField(blank=True, default="", help_text="Markdown.")
    description_html = models.TextField(blank=True, default="", editable=False)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "slug"], name="uniq_collection_slug")]
        ordering = ["-updated_at", "-id"]
        verbose_name = "shared list"

    def __str__(self) -> str:
        return self.title


class CollectionItem(models.Model):
    """A paper on a shared list, in its place, with the comment of whoever put it there (Markdown)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    comment = models.TextField(blank=True, default="")
    comment_html = models.TextField(blank=True, default="", editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collection", "paper"], name="uniq_collection_paper")]
        ordering = ["position", "id"]
        verbose_name = "paper on a shared list"
        verbose_name_plural = "papers on shared lists"

    def __str__(self) -> str:
        return f"{self.paper_id} on list {self.collection_id}"


class ListFetch(models.Model):
    """The papers of a file imported into a list (community/list_import.py) that the library lacked
    and that are not on arXiv, named by a DOI or an address: a task fetches them from their sources
    after the import (community/list_fetching.py) and puts each on the list as it comes. The list's
    page shows how far it got and what could not be fetched."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="fetches")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    wanted = models.JSONField(
        default=list, help_text='[{"key": "doi:…", "title": "…"}, …] in the file\'s order'
    )
    done = models.PositiveIntegerField(default=0, help_text="How many of the wanted papers were tried.")
    added = models.PositiveIntegerField(default=0)
    failed = models.JSONField(default=list, help_text="The title of each paper not fetched, with why.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{len(self.wanted)} papers for list {self.collection_id}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None
