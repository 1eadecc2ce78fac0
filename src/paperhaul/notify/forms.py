"""The subscription forms: what to receive and how often (and, to subscribe, the e-mail address)."""

from __future__ import annotations

import re

from django import forms

from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.notify import subscriptions
from paperhaul.notify.keywords import KeywordFilter, parse_entries
from paperhaul.notify.models import Interest, Subscription

_CATEGORY_SEPARATORS = re.compile(r"[\s,;]+")


class PreferencesForm(forms.Form):
    frequency = forms.ChoiceField(
        label="How often",
        choices=[("daily", "Daily"), ("weekly", "Weekly (on Mondays)")],
        initial="daily",
        widget=forms.RadioSelect,
    )
    trending = forms.BooleanField(label="Trending papers", required=False, initial=True)
    daily = forms.BooleanField(label="The daily list", required=False)
    hauls = forms.BooleanField(
        label="New hauls", required=False, help_text="A link to each curated haul, in your digest."
    )
    newsletter = forms.BooleanField(
        label="The newsletter (each haul in full)",
        required=False,
        help_text="The curator's haul itself, by e-mail, when it is sent: not tied to “How often”.",
    )
    for_you = forms.BooleanField(
        label="Recommended for you",
        required=False,
        help_text="Learned from the upvotes and saved papers of the account with this e-mail address.",
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics",
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The period's papers filed under each topic, the surest first.",
    )
    categories = forms.CharField(
        label="Categories",
        required=False,
        max_length=500,
        help_text="arXiv categories, separated by spaces or commas, e.g. “cs.CL cs.LG”.",
    )
    search = forms.CharField(
        label="Saved search",
        required=False,
        max_length=1000,
        help_text='New papers matching a search, e.g. “diffusion author:"Stefano Ermon" cat:cs.CV”.',
    )
    include_words = forms.CharField(
        label="Only papers mentioning",
        required=False,
        max_length=5000,
        help_text="Words or phrases separated by commas; leave empty for no restriction.",
    )
    exclude_words = forms.CharField(
        label="Never papers mentioning", required=False, max_length=5000, help_text="Separated by commas."
    )
    include_authors = forms.CharField(
        label="Only papers by",
        required=False,
        max_length=5000,
        help_text="Author names separated by commas (a paper by one of them, or mentioning a word above).",
    )
    exclude_authors = forms.CharField(
        label="Never papers by", required=False, max_length=5000, help_text="Separated by commas."
    )

    INTEREST_FIELDS = (
        "trending",
        "daily",
        "topics",
        "categories",
        "search",
        "hauls",
        "newsletter",
        "for_you",
    )
    FILTER_FIELDS = ("include_words", "exclude_words", "include_authors", "exclude_authors")

    def interest_fields(self) -> list:
        return [self[name] for name in self.INTEREST_FIELDS]

    def filter_fields(self) -> list:
        return [self[name] for name in self.FILTER_FIELDS]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            keywords = KeywordFilter(
                *(parse_entries(data[name], self.fields[name].label) for name in self.FILTER_FIELDS)
            )
            data["preferences"] = subscriptions.preferences(
                frequency=data["frequency"],
                kinds={kind for kind in subscriptions.PLAIN_KINDS if data.get(kind)},
                categories=tuple(n for n in _CATEGORY_SEPARATORS.split(data["categories"]) if n),
                topics=data["topics"],
                search=data["search"],
                keywords=keywords,
            )
        except InputError as exc:
            raise forms.ValidationError(_sentence(str(exc))) from None
        return data

    @classmethod
    def initial_for(cls, subscription: Subscription) -> dict:
        """The form's values for a subscription's current preferences."""
        interests = list(subscription.interests.all())
        kinds = {i.kind for i in interests}
        search = next((i.value for i in interests if i.kind == Interest.Kind.SEARCH), "")
        return {
            "frequency": subscription.frequency,
            **{kind.value: kind in kinds for kind in subscriptions.PLAIN_KINDS},
            "categories": " ".join(i.value for i in interests if i.kind == Interest.Kind.CATEGORY),
            "topics": [int(i.value) for i in interests if i.kind == Interest.Kind.TOPIC],
            "search": subscriptions.saved_query(search) if search else "",
            "include_words": ", ".join(subscription.include_words),
            "exclude_words": ", ".join(subscription.exclude_words),
            "include_authors": ", ".join(subscription.include_authors),
            "exclude_authors": ", ".join(subscription.exclude_authors),
        }


class ReaderTopicsForm(forms.Form):
    """The topics a signed-in reader's For-you page starts from before it has votes to learn from."""

    topics = forms.ModelMultipleChoiceField(
        label="Your topics",
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Until you upvote or save papers, this page shows recent papers of these topics.",
    )


class SubscribeForm(PreferencesForm):
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        help_text="We send a link to confirm; nothing is sent before you follow it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email"]


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
