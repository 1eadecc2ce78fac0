"""Hauls: numbered digests of papers with the curator's commentary (DESIGN.md, issue 5).

A haul's body is one ordered sequence of blocks, free sections and paper items, numbered by
``position`` across both tables, so the post is rebuilt in its order (render.py). Items sit in
the section above them (e.g. "New Paper Content") and point at the library's Paper: a paper
covered by several hauls is one Paper with several items.
"""

from __future__ import annotations

from django.db import models

from paperhaul.papers.models import Paper


class Tag(models.Model):
    """A topic of hauls (front matter ``tags``); tag pages and per-tag feeds list by it."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Haul(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"

    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, unique=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    snippet = models.TextField(blank=True, default="")
    tags = models.ManyToManyField(Tag, through="HaulTag", related_name="hauls", blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    extra_front_matter = models.JSONField(
        default=list,
        blank=True,
        help_text='Unknown front matter keys, in order: [["key", "value"], ...]',
    )
    source_path = models.CharField(max_length=1000, blank=True, default="")
    source_hash = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="Hash of the imported post; the same again is skipped.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return self.title

    def tag_names(self) -> list[str]:
        """The tags in the order the post gives them."""
        return list(self.tags.order_by("haultag__position").values_list("name", flat=True))


class HaulTag(models.Model):
    haul = models.ForeignKey(Haul, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["haul", "tag"], name="uniq_haul_tag")]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.haul_id}"


class HaulSection(models.Model):
    """Free Markdown under a heading; ``level`` 0 is text without one (an intro)."""

    haul = models.ForeignKey(Haul, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    heading = models.CharField(max_length=500, blank=True, default="")
    level = models.PositiveSmallIntegerField(default=2)
    body = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["haul", "position"]
        constraints = [models.UniqueConstraint(fields=["haul", "position"], name="uniq_section_position")]

    def __str__(self) -> str:
        return self.heading or "(intro)"


class HaulItem(models.Model):
    """A paper covered by a haul: the block as displayed and the commentary, as written."""

    haul = models.ForeignKey(Haul, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(
        HaulSection, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    position = models.PositiveIntegerField()
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="haul_items")
    url = models.CharField(max_length=2000, help_text="The link as written in the post.")
    title = models.TextField(help_text="The displayed title, as written (HTML text).")
    abstract = models.TextField(blank=True, default="", help_text="The displayed abstract start.")
    commentary = models.TextField(
        blank=True, default="", help_text="Markdown/HTML as written; sanitised when published."
    )
    closed = models.BooleanField(default=True, help_text="Whether an <hr/> ends the commentary.")

    class Meta:
        ordering = ["haul", "position"]
        constraints = [models.UniqueConstraint(fields=["haul", "position"], name="uniq_item_position")]
        indexes = [models.Index(fields=["paper", "haul"], name="haulitem_paper_idx")]

    def __str__(self) -> str:
        return f"{self.haul.number}#{self.position}: {self.title}"


class HaulMention(models.Model):
    """A library paper linked from a section's text (e.g. "Chatter about previous papers")."""

    haul = models.ForeignKey(Haul, on_delete=models.CASCADE, related_name="mentions")
    section = models.ForeignKey(HaulSection, on_delete=models.CASCADE, related_name="mentions")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="haul_mentions")
    url = models.CharField(max_length=2000, help_text="The link as written in the section.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["section", "paper"], name="uniq_section_mention")]

    def __str__(self) -> str:
        return f"{self.paper_id} in {self.haul.number}/{self.section}"
