"""The subscription forms: what to receive and how often (and, to subscribe, the e-mail address);
the For-you page's forms: a reader's topics and keyword filters."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import forms

from paperhaul.community.collections import follow_value, lists_to_follow
from paperhaul.community.models import Collection
from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.notify import subscriptions
from paperhaul.notify.keywords import FIELDS, KeywordFilter, parse_entries
from paperhaul.notify.models import Interest, Subscription

_CATEGORY_SEPARATORS = re.compile(r"[\s,;]+")


class EntriesField(forms.CharField):
    """One list of a keyword filter as typed (entries separated by commas), cleaned by
    keywords.parse_entries into a tuple, so a bad entry is named beside its field."""

    def clean(self, value: str | None) -> tuple[str, ...]:
        try:
            return parse_entries(super().clean(value), self.label)
        except InputError as exc:
            raise forms.ValidationError(_sentence(str(exc))) from None


class KeywordFiltersForm(forms.Form):
    """The four keyword filters (keywords.py) in one wording wherever they are set: the subscription
    forms extend this form, and a signed-in reader's For-you page uses it as it is."""

    include_words = EntriesField(
        label="Only papers mentioning",
        required=False,
        max_length=5000,
        help_text="Words or phrases separated by commas; leave empty for no restriction.",
    )
    exclude_words = EntriesField(
        label="Never papers mentioning", required=False, max_length=5000, help_text="Separated by commas."
    )
    include_authors = EntriesField(
        label="Only papers by",
        required=False,
        max_length=5000,
        help_text="Author names separated by commas (a paper by one of them, or mentioning a word above).",
    )
    exclude_authors = EntriesField(
        label="Never papers by", required=False, max_length=5000, help_text="Separated by commas."
    )

    def filter_fields(self) -> list:
        return [self[name] for name in FIELDS]

    def keyword_filter(self) -> KeywordFilter:
        """The filter of a valid form."""
        return KeywordFilter(*(self.cleaned_data[name] for name in FIELDS))

    @staticmethod
    def initial_filters(keywords: KeywordFilter) -> dict[str, str]:
        """The fields' values for a saved filter."""
        return {name: ", ".join(getattr(keywords, name)) for name in FIELDS}


class ListChoices(forms.MultipleChoiceField):
    """Shared lists by their follow values (collections.follow_value: an unlisted list's is signed);
    cleaned into the lists themselves. The form sets ``lists`` to those it offers."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.lists: dict[str, Collection] = {}

    def offer(self, lists: list[Collection]) -> None:
        self.lists = {follow_value(found): found for found in lists}
        self.choices = [
            (value, f"{found.title} (by {found.owner.get_username()})") for value, found in self.lists.items()
        ]

    def clean(self, value) -> list[Collection]:
        return [self.lists[chosen] for chosen in super().clean(value)]


class PreferencesForm(KeywordFiltersForm):
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
    lists = ListChoices(
        label="Shared lists",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The papers put on each list since the last digest, with a link to the list.",
    )
    search = forms.CharField(
        label="Saved search",
        required=False,
        max_length=1000,
        help_text='New papers matching a search, e.g. “diffusion author:"Stefano Ermon" cat:cs.CV”.',
    )

    INTEREST_FIELDS = (
        "trending",
        "daily",
        "topics",
        "categories",
        "search",
        "lists",
        "hauls",
        "newsletter",
        "for_you",
    )

    def __init__(self, *args, followed_lists: Iterable[int] = (), **kwargs) -> None:
        """The lists offered are those followed already and those asked for (a list's "by e-mail"
        link, or the form sent back): the site's lists are too many to offer them all."""
        super().__init__(*args, **kwargs)
        asked = [*self.initial.get("lists", ()), *(self.data.getlist("lists") if self.is_bound else ())]
        followed = set(followed_lists)
        offered = lists_to_follow(asked, followed)
        self.fields["lists"].offer(offered)
        if followed:
            self.initial["lists"] = [follow_value(found) for found in offered if found.pk in followed]

    def interest_fields(self) -> list:
        offered = [name for name in self.INTEREST_FIELDS if name != "lists" or self.fields["lists"].lists]
        return [self[name] for name in offered]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            data["preferences"] = subscriptions.preferences(
                frequency=data["frequency"],
                kinds={kind for kind in subscriptions.PLAIN_KINDS if data.get(kind)},
                categories=tuple(n for n in _CATEGORY_SEPARATORS.split(data["categories"]) if n),
                topics=data["topics"],
                search=data["search"],
                lists=data["lists"],
                keywords=self.keyword_filter(),
            )
        except InputError as exc:
            raise forms.ValidationError(_sentence(str(exc))) from None
        return data

    @classmethod
    def for_subscription(cls, subscription: Subscription, data=None) -> PreferencesForm:
        """The form of a subscription's manage page: its current preferences, or ``data`` sent back."""
        followed = subscription.interests.filter(kind=Interest.Kind.LIST).values_list("value", flat=True)
        return cls(data, initial=cls.initial_for(subscription), followed_lists=[int(pk) for pk in followed])

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
            **cls.initial_filters(subscription.keyword_filter),
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
