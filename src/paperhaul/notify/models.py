"""Subscriptions by e-mail and the digests sent to them (DESIGN.md, issue 7).

A subscription belongs to an e-mail address, not to an account: anyone can subscribe, and the
signed links in every e-mail (tokens.py) are all it takes to confirm, manage or unsubscribe.
What a subscription receives is a set of interests, each a kind (trending, the daily list, a
category, a topic, a saved search, a shared list, new hauls, the newsletter, recommendations) with a
value where the kind needs one. A signed-in reader's own choices for the For-you page (topics to
start from, keyword filters, replies e-mailed or not, replies seen) are their ReaderPreferences.

A digest is one e-mail for one subscription and one period (``daily:2024-06-03``,
``weekly:2024-W23``; a haul sent as the newsletter is one more "period", ``haul:ID``). Its row is
written before it is sent (``sending``) and after (``sent``), so a run that crashed is resumed
without sending anyone the same digest twice (sending.py), and its entries say which papers a
subscriber already received, so no later digest repeats them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from paperhaul.enrich.models import Topic
from paperhaul.hauls.models import Haul
from paperhaul.notify.keywords import FIELDS, KeywordFilter
from paperhaul.papers.models import Paper


def new_secret() -> str:
    return secrets.token_urlsafe(12)


class KeywordLists(models.Model):
    """The four lists of a keyword filter (keywords.py), kept alike by a subscription (for its
    digests) and by a reader (for their For-you page), so one form and one filter serve both."""

    include_words = models.JSONField(default=list, blank=True)
    exclude_words = models.JSONField(default=list, blank=True)
    include_authors = models.JSONField(default=list, blank=True)
    exclude_authors = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True

    @property
    def keyword_filter(self) -> KeywordFilter:
        return KeywordFilter(*(tuple(getattr(self, name)) for name in FIELDS))

    @keyword_filter.setter
    def keyword_filter(self, keywords: KeywordFilter) -> None:
        for name in FIELDS:
            setattr(self, name, list(getattr(keywords, name)))


class Subscription(KeywordLists):
    class State(models.TextChoices):
        PENDING = "pending"  # waiting for the confirmation link to be followed
        ACTIVE = "active"
        SUSPENDED = "suspended"  # too many hard delivery failures in a row
        UNSUBSCRIBED = "unsubscribed"

    class Frequency(models.TextChoices):
        DAILY = "daily"
        WEEKLY = "weekly"

    email = models.EmailField(max_length=254, unique=True, help_text="Kept in lower case.")
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING, db_index=True)
    # Part of every link sent to the address: a new secret voids all earlier links.
    secret = models.CharField(max_length=32, default=new_secret, editable=False)
    hard_failures = models.PositiveSmallIntegerField(
        default=0, help_text="Hard delivery failures since the last delivered digest."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"{self.email} ({self.frequency}, {self.state})"


class Interest(models.Model):
    """One thing a subscription receives; ``value`` is the category, the topic's id, the saved
    search's query string or the shared list's id."""

    class Kind(models.TextChoices):
        TRENDING = "trending"
        DAILY = "daily", "the daily list"
        CATEGORY = "category"
        TOPIC = "topic"
        SEARCH = "search", "saved search"
        HAULS = "hauls", "new hauls"
        NEWSLETTER = "newsletter", "the newsletter (each haul in full)"
        FOR_YOU = "for_you", "recommended for you"
        LIST = "list", "a shared list"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="interests")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=4000, blank=True, default="")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "kind", "value"], name="uniq_interest")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind


class ReaderPreferences(KeywordLists):
    """A signed-in reader's choices for their For-you page: the topics it starts from before they
    have upvoted or saved anything, and the keyword filters every paper recommended to them passes,
    on the page and in the "Recommended for you" section of a digest (recommend.py); and whether
    replies to their comments are e-mailed to them (replies.py)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    email_replies = models.BooleanField(default=True, help_text="E-mail each reply to their comments.")
    replies_seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When they last marked the replies to their comments seen."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reader preferences"

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class NotInterested(models.Model):
    """A paper marked "not interested", from a digest (by its subscription) or from the For-you page
    (by a signed-in reader): never sent to them again, and a negative for their recommendations."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, null=True, blank=True, related_name="dismissed"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "paper"], name="uniq_not_interested"),
            models.UniqueConstraint(fields=["user", "paper"], name="uniq_user_not_interested"),
            models.CheckConstraint(
                condition=Q(subscription__isnull=False) | Q(user__isnull=False),
                name="not_interested_by_someone",
            ),
        ]
        verbose_name = "not-interested mark"

    def __str__(self) -> str:
        return f"{self.subscription_id or self.user_id} not interested in {self.paper_id}"


class Digest(models.Model):
    """The digest of one subscription for one period (or one haul sent as the newsletter), planned
    once and sent at most once."""

    class State(models.TextChoices):
        PENDING = "pending"  # planned (entries written), not yet handed to the mail server
        SENDING = "sending"  # handed over; a run that died here is never sent again
        SENT = "sent"
        FAILED = "failed"  # the mail server refused it (see DeliveryFailure)
        EMPTY = "empty"  # nothing new for the period: no e-mail

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(max_length=32)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["subscription", "period"], name="uniq_digest_period")]
        indexes = [models.Index(fields=["period", "state"], name="digest_period_state_idx")]

    def __str__(self) -> str:
        return f"{self.period} for {self.subscription_id} ({self.state})"


class DigestEntry(models.Model):
    """A paper (or a haul) in a digest, under the interest that brought it."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=4100, help_text="The interest, as kind:value.")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    haul = models.ForeignKey(Haul, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["digest", "position"]
        verbose_name_plural = "digest entries"
        indexes = [models.Index(fields=["paper", "digest"], name="digestentry_paper_idx")]

    def __str__(self) -> str:
        return f"{self.digest_id}#{self.position}"


class DeliveryFailure(models.Model):
    """The mail server refused a digest or dropped the connection while sending it."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="failures")
    digest = models.ForeignKey(Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    hard = models.BooleanField(help_text="A permanent refusal (SMTP 5xx), counted towards suspension.")
    code = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.code or '-'} {self.message[:60]}"


class ReplyNotice(models.Model):
    """That the author of a comment was e-mailed about this reply to it (or why not): written before
    the e-mail is handed over, so a reply is e-mailed at most once."""

    comment = models.OneToOneField("community.Comment", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    error = models.TextField(blank=True, default="", help_text="Why the mail server did not take it.")

    def __str__(self) -> str:
        return f"reply notice of comment {self.comment_id}"
