"""The library in Django's admin: browse, search and correct papers.

A field a person changes here is recorded in ``Paper.edited_fields`` so that no later import
overwrites the correction.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from paperhaul.papers import ids
from paperhaul.papers.merge import EDITABLE_FIELDS
from paperhaul.papers.models import (
    Category,
    Identifier,
    Merge,
    Paper,
    PaperCategory,
    PossibleDuplicate,
    SourceRecord,
    SyncState,
)


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0


class PaperCategoryInline(admin.TabularInline):
    model = PaperCategory
    extra = 0
    autocomplete_fields = ["category"]


class SourceRecordInline(admin.TabularInline):
    model = SourceRecord
    extra = 0
    can_delete = False
    readonly_fields = ["source", "source_id", "fetched_at", "payload_hash", "data"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "published", "primary_category"]
    list_filter = ["primary_category", "published"]
    search_fields = ["title", "key", "identifiers__key"]
    date_hierarchy = "published"
    readonly_fields = ["edited_fields", "created_at", "modified_at"]
    inlines = [IdentifierInline, PaperCategoryInline, SourceRecordInline]
    show_full_result_count = False

    def save_model(self, request, obj: Paper, form, change: bool) -> None:
        edited = [name for name in form.changed_data if name in EDITABLE_FIELDS]
        if edited:
            obj.edited_fields = sorted(set(obj.edited_fields or []) | set(edited))
        if "title" in form.changed_data:
            obj.title_norm = ids.normalise_title(obj.title)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is PaperCategory and formset.has_changed():
            paper = form.instance
            paper.edited_fields = sorted(set(paper.edited_fields or []) | {"categories"})
            paper.save(update_fields=["edited_fields"])


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ["source", "source_id", "paper", "fetched_at"]
    list_filter = ["source"]
    search_fields = ["source_id"]
    raw_id_fields = ["paper"]


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(admin.ModelAdmin):
    list_display = ["paper", "other", "reason", "status", "created_at", "merge_link"]
    list_filter = ["status"]
    raw_id_fields = ["paper", "other"]
    actions = ["dismiss"]

    @admin.display(description="Same paper?")
    def merge_link(self, report: PossibleDuplicate) -> str:
        """The curators' merge page (web/views/duplicates.py), which shows what a merge does first."""
        query = urlencode({"keep": report.paper.key, "other": report.other.key})
        return format_html('<a href="{}?{}">Merge…</a>', reverse("merge"), query)

    @admin.action(description="Dismiss: these are different papers")
    def dismiss(self, request, queryset) -> None:
        queryset.update(status=PossibleDuplicate.Status.DISMISSED)


@admin.register(Merge)
class MergeAdmin(admin.ModelAdmin):
    """Merges are read here; they are undone from the Merges page, which shows what undoing does first."""

    list_display = ["absorbed_key", "kept_key", "by", "created_at", "undone_at", "undo_link"]
    search_fields = ["absorbed_key", "kept_key", "absorbed_title"]
    exclude = ["before", "after"]  # the rows as serialised: long, and read by the undo alone

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Undo")
    def undo_link(self, merge: Merge) -> str:
        if merge.undone_at is not None:
            return "undone"
        return format_html('<a href="{}">Undo…</a>', reverse("undo_merge", args=[merge.pk]))


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ["name", "from_date", "harvested", "completed_through", "updated_at"]
