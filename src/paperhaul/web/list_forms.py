"""The form of a shared list's settings (community/collections.py checks what it receives again)."""

from __future__ import annotations

import re

from django import forms

from paperhaul.community import collections
from paperhaul.community.models import Collection


class ListForm(forms.Form):
    title = forms.CharField(max_length=collections.MAX_TITLE)
    description = forms.CharField(
        required=False,
        max_length=collections.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: what the list is for, how it is read. Shown above its papers.",
    )
    visibility = forms.ChoiceField(
        choices=Collection.Visibility.choices, initial=Collection.Visibility.PUBLIC, widget=forms.RadioSelect
    )
    editors = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Usernames of readers who may add, comment on, reorder and remove papers, separated "
        "by spaces or commas (a research group).",
    )

    def editor_names(self) -> list[str]:
        return [name for name in re.split(r"[\s,]+", self.cleaned_data.get("editors", "")) if name]

    @classmethod
    def of(cls, collection: Collection) -> ListForm:
        """The form filled in with the list's settings."""
        names = " ".join(collection.editors.order_by("username").values_list("username", flat=True))
        return cls(
            initial={
                "title": collection.title,
                "description": collection.description,
                "visibility": collection.visibility,
                "editors": names,
            }
        )
