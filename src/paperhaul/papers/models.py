"""The library: every paper or link kept once, with the keys and sources that led to it."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from paperhaul.papers.ids import key_kind, url_for_key


class Paper(models.Model):
    """One item of the library, under its canonical key (see ids.py).

    `edited_fields` names the fields a person changed by hand; imports never overwrite them.
    """

    key = models.CharField(max_length=2000, unique=True)
    title = models.TextField()
    title_norm = models.CharField(max_length=2000, db_index=True, editable=False)
    abstract = models.TextField(blank=True, default="")
    # Authors in order. No author table: names are indexed by the search index (search/), which
    # keeps a bulk import of millions of papers to one row per paper here.
    authors = models.JSONField(default=list, blank=True, help_text="Author names in order.")
    published = models.DateField(null=True, blank=True, db_index=True, help_text="First version.")
    updated = models.DateField(null=True, blank=True, help_text="Latest version.")
    versions = models.JSONField(
        default=list, blank=True, help_text='[{"version": "v1", "created": ISO date-time}, ...]'
    )
    primary_category = models.CharField(max_length=64, blank=True, default="")
    categories = models.ManyToManyField("Category", through="PaperCategory", blank=True)
    doi = models.CharField(max_length=512, blank=True, default="")
    journal_ref = models.TextField(blank=True, default="")
    comments = models.TextField(blank=True, default="")
    license = models.CharField(max_length=512, blank=True, default="")
    abs_url = models.URLField(max_length=2000, blank=True, default="")
    pdf_url = models.URLField(max_length=2000, blank=True, default="")
    code_url = models.URLField(max_length=2000, blank=True, default="")
    note = models.TextField(blank=True, default="", help_text="A person's note; never imported.")
    trust = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Rank of the most trusted source merged so far."
    )
    edited_fields = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.key})"

    @property
    def kind(self) -> str:
        return key_kind(self.key)

    @property
    def url(self) -> str:
        return self.abs_url or url_for_key(self.key)


class Category(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class PaperCategory(models.Model):
    # The unique constraint and the index below cover both foreign keys: no index of their own.
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, db_index=False)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "category"], name="uniq_paper_category")]
        indexes = [models.Index(fields=["category", "paper"], name="category_paper_idx")]

    def __str__(self) -> str:
        return f"{self.paper_id} in {self.category_id}"


class Identifier(models.Model):
    """A key that resolves to a paper: its canonical key and every alias (DOI, URL, title)."""

    key = models.CharField(max_length=2000, unique=True)
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="identifiers")

    def __str__(self) -> str:
        return self.key


class SourceRecord(models.Model):
    """That a source gave us this paper: which source, when, and the hash of what it sent.

    The hash makes imports idempotent: the same payload again is "unchanged" and skipped.
    `data` keeps what the source says beyond the paper (upvotes, announce type, the blog that
    linked it...).
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="source_records", db_index=False)
    source = models.CharField(max_length=32)
    source_id = models.CharField(max_length=2000)
    fetched_at = models.DateTimeField()
    payload_hash = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="uniq_source_record")]
        indexes = [models.Index(fields=["paper", "source"], name="sourcerecord_paper_idx")]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"


class Reference(models.Model):
    """That a paper cites another, named by its arXiv or DOI key, as Semantic Scholar lists the
    paper's references (citation_graph.py): the cited paper need not be in the library, and is
    found by its key (an identifier of a paper) when it is."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+", db_index=False)
    cited_key = models.CharField(max_length=512)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "cited_key"], name="uniq_reference")]
        indexes = [models.Index(fields=["cited_key"], name="reference_cited_idx")]

    def __str__(self) -> str:
        return f"{self.paper_id} cites {self.cited_key}"


class PossibleDuplicate(models.Model):
    """Two items with different keys that may be one paper: reported, never merged by themselves (a
    curator dismisses the report or merges the two, papers/combine.py)."""

    class Status(models.TextChoices):
        OPEN = "open"
        DISMISSED = "dismissed"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "other"], name="uniq_duplicate_pair")]

    def __str__(self) -> str:
        return f"{self.paper.key} ~ {self.other.key}"


class Merge(models.Model):
    """A curator's merge of two items (papers/combine.py), kept so that it can be undone
    (papers/unmerge.py). ``before`` and ``after`` hold the rows the merge added, changed or deleted,
    as they were before it and after it, in Django's serialised form (the one fixtures use): the
    absorbed paper with every row that pointed at it, and the kept paper's rows the merge touched.

    The two papers are named by their ids, not by foreign keys: the absorbed one is gone until the
    merge is undone, and a later merge of the kept one into a third item must not move or delete
    this record (it waits until that merge is undone in turn).
    """

    kept_id = models.BigIntegerField(db_index=True)
    absorbed_id = models.BigIntegerField(db_index=True)
    kept_key = models.CharField(max_length=2000)
    absorbed_key = models.CharField(max_length=2000)
    absorbed_title = models.TextField()
    summary = models.TextField()
    before = models.JSONField(default=list)
    after = models.JSONField(default=list)
    by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.absorbed_key} into {self.kept_key}"


class SyncState(models.Model):
    """Checkpoint of a resumable harvest (one row per arXiv OAI-PMH set).

    While a harvest runs, ``resumption_token`` holds the token of the next page, saved in the
    same transaction as the records of the page before it; ``completed_through`` is the last day
    a finished harvest covered, where the next incremental one starts.
    """

    name = models.CharField(max_length=500, unique=True)
    resumption_token = models.TextField(blank=True, default="")
    from_date = models.DateField(null=True, blank=True)
    until_date = models.DateField(null=True, blank=True)
    harvested = models.PositiveIntegerField(default=0)
    completed_through = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class Job(models.Model):
    """A library task started from the web (sync the latest listings, import a file), with its progress.

    The task updates the row as it goes, and the page that started it shows the row: what is done,
    what failed and why (e.g. which source was unreachable).
    """

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    kind = models.CharField(max_length=32)
    label = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scheduled = models.BooleanField(default=False, help_text="Started by the daily schedule (schedule.py).")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="The last progress the worker wrote.")

    # A running job writes progress at least once per category, file batch or retry; silence this
    # long means its worker stopped (killed, machine restarted) and the job will not end by itself.
    STALLED_AFTER = dt.timedelta(minutes=15)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}

    @property
    def stalled(self) -> bool:
        """Running, but with no progress for STALLED_AFTER: its worker is gone."""
        return self.state == self.State.RUNNING and timezone.now() - self.updated_at > self.STALLED_AFTER
