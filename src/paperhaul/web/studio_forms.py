"""The studio's forms: what a curator types, checked for shape here and for meaning in hauls/authoring.py."""

from __future__ import annotations

import datetime as dt

from django import forms

from paperhaul.errors import InputError
from paperhaul.hauls.authoring import parse_when
from paperhaul.hauls.models import Haul

TEXT = forms.Textarea(attrs={"rows": 4})
LONG_TEXT = forms.Textarea(attrs={"rows": 8})


class HeaderForm(forms.Form):
    """The front matter of a haul."""

    title = forms.CharField(max_length=500)
    snippet = forms.CharField(max_length=1000, required=False, help_text="One line under the title.")
    tags = forms.CharField(max_length=1000, required=False, help_text="Separated by commas, e.g. arxiv, llm.")

    @classmethod
    def of(cls, haul: Haul) -> HeaderForm:
        initial = {"title": haul.title, "snippet": haul.snippet, "tags": ", ".join(haul.tag_names())}
        return cls(initial=initial, prefix="header")

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class NewHaulForm(HeaderForm):
    number = forms.IntegerField(
        min_value=1,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text="Empty: one more than the last haul's.",
    )


class AddItemForm(forms.Form):
    url = forms.CharField(max_length=2000, label="URL, arXiv id or DOI")
    note = forms.CharField(required=False, widget=TEXT, label="Commentary (Markdown)")
    section = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Where")

    def __init__(self, *args, haul: Haul, **kwargs) -> None:
        super().__init__(*args, prefix="add", **kwargs)
        self.fields["section"].choices = [("", "At the end of the haul")] + [
            (s.pk, f"At the end of “{s.heading}”") for s in haul.sections.exclude(heading="")
        ]


class ItemForm(forms.Form):
    """What the post shows of a paper: title and abstract start as HTML text, as the posts write them."""

    title = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    abstract = forms.CharField(required=False, widget=TEXT, label="Abstract start")
    commentary = forms.CharField(required=False, widget=LONG_TEXT, label="Commentary (Markdown)")


class SectionForm(forms.Form):
    heading = forms.CharField(
        max_length=500, required=False, help_text="Empty, with level 0: text without heading."
    )
    level = forms.TypedChoiceField(
        coerce=int, choices=[(2, "## (level 2)"), (1, "# (level 1)"), (0, "no heading")], initial=2
    )
    body = forms.CharField(required=False, widget=LONG_TEXT, label="Text (Markdown)")


class PublishForm(forms.Form):
    at = forms.CharField(
        required=False,
        max_length=40,
        label="Date",
        help_text="ISO 8601, UTC unless it says (2024-05-01T09:00). Empty: now, or the date it has.",
    )

    def clean_at(self) -> dt.datetime | None:
        text = self.cleaned_data["at"].strip()
        try:
            return parse_when(text) if text else None
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from exc
