"""What enrichment adds to a paper: topics of the curator's taxonomy and one-sentence takeaways.

A person's choice always wins: topics a person set (source "person") and a takeaway a person wrote
(method "person") are never replaced or removed by the automatic passes (topics.py, takeaways.py).
"""

from __future__ import annotations

from django.db import models

from paperhaul.papers.models import Paper


class Topic(models.Model):
    """A heading of the taxonomy. Staff edit these in the admin; the description is what papers are
    matched against (by meaning with vectors, by words without), so it should name the topic's
    subjects, methods and typical words."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(help_text="What the topic covers; papers are matched against it.")
    arxiv_categories = models.JSONField(
        default=list,
        blank=True,
        help_text='arXiv categories that mean this topic, e.g. ["cs.CL"]. Broad ones (cs.LG, cs.AI) '
        "belong nowhere: they say little about the subject.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order of the topic in lists.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PaperTopic(models.Model):
    """That a paper belongs to a topic, how sure we are and what said so."""

    class Source(models.TextChoices):
        PERSON = "person"
        EXAMPLES = "examples", "labelled examples"
        CATEGORIES = "categories", "arXiv categories"
        EMBEDDING = "embedding", "embedding similarity"
        WORDS = "words", "word match"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="paper_topics", db_index=False)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="paper_topics")
    confidence = models.FloatField(help_text="0 to 1; a person's choice is 1.")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.PERSON)
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-confidence", "topic__position"]
        constraints = [models.UniqueConstraint(fields=["paper", "topic"], name="uniq_paper_topic")]

    def __str__(self) -> str:
        return f"{self.paper_id} in {self.topic_id} ({self.source}, {self.confidence:.2f})"


class TopicState(models.Model):
    """When and on what basis a paper's topics were last decided, so a run skips what is current.

    ``basis`` names the taxonomy version and the evidence used ("words", or the vector model);
    topics are stale when the taxonomy changed, the paper changed, or a vector arrived for a
    paper decided by words alone.
    """

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="topic_state")
    basis = models.CharField(max_length=400)
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"topics of {self.paper_id} ({self.basis})"


class Takeaway(models.Model):
    """One takeaway of a paper per method and model: cached, so a paper is never summarised twice by
    the same model for the same text. Shown: a person's, else the authors' own TL;DR (OpenReview asks
    for one), else a language model's, else Semantic Scholar's TL;DR, else the extractive.
    """

    class Method(models.TextChoices):
        EXTRACTIVE = "extractive"
        LLM = "llm", "language model"
        PERSON = "person"
        AUTHORS = "authors", "the authors' TL;DR"
        SEMANTIC_SCHOLAR = "semantic-scholar", "Semantic Scholar's TL;DR"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="takeaways", db_index=False)
    method = models.CharField(max_length=16, choices=Method.choices, default=Method.PERSON)
    model = models.CharField(
        max_length=300, blank=True, default="", help_text="The language model, or the extractor's version."
    )
    text = models.TextField(help_text="The one-sentence takeaway.")
    closer_look = models.JSONField(default=list, blank=True, help_text="Sentences or bullets, in order.")
    prompt = models.TextField(blank=True, default="", help_text="What the language model was asked.")
    input_hash = models.CharField(
        max_length=32,
        blank=True,
        default="",
        help_text="Hash of what the text was made from.",
        editable=False,
    )
    created = models.DateTimeField(auto_now_add=True)
    generated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paper", "method", "model"], name="uniq_takeaway_method_model")
        ]

    def __str__(self) -> str:
        return f"{self.method} takeaway of {self.paper_id}"
