"""What readers wrote, in the admin: comments to moderate, and the rest to look at.

Shared lists are looked at here and deleted when abusive; their readers edit them on the site.
Upvotes, saved papers and the activity counters are read-only here: they change only through
the services that keep the counters right (paperhaul.community.reactions). Comments are hidden
or shown, never edited or deleted, so their rendering and the counters stay consistent.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from paperhaul.community import comments
from paperhaul.community.models import (
    Collection,
    CollectionItem,
    Comment,
    PaperActivity,
    SavedPaper,
    Submission,
    Vote,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["paper", "user", "created_at"]
    list_select_related = ["paper", "user"]
    search_fields = ["paper__title", "paper__key", "user__username"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(SavedPaper)
class SavedPaperAdmin(ReadOnlyAdmin):
    list_display = ["paper", "user", "created_at"]
    list_select_related = ["paper", "user"]
    search_fields = ["paper__title", "paper__key", "user__username"]
    show_full_result_count = False


@admin.register(PaperActivity)
class PaperActivityAdmin(ReadOnlyAdmin):
    list_display = ["paper", "upvotes", "comments", "last_activity_at"]
    list_select_related = ["paper"]
    search_fields = ["paper__title", "paper__key"]
    ordering = ["-upvotes"]
    show_full_result_count = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Submissions can be deleted (a spam submission leaves the day's list); nothing else changes."""

    list_display = ["paper", "day", "submitted_by", "created_at"]
    list_select_related = ["paper", "submitted_by"]
    list_filter = ["day"]
    search_fields = ["paper__title", "paper__key", "submitted_by__username"]
    readonly_fields = ["paper", "day", "submitted_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class HiddenFilter(admin.SimpleListFilter):
    title = "hidden"
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", "Hidden"), ("no", "Visible")]

    def queryset(self, request, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        if self.value() in ("yes", "no"):
            return queryset.filter(hidden_at__isnull=self.value() == "no")
        return queryset


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["excerpt", "paper", "author", "created_at", "is_hidden", "is_deleted"]
    list_select_related = ["paper", "author"]
    list_filter = [HiddenFilter, "created_at"]
    search_fields = ["body", "author__username", "paper__title", "paper__key"]
    fields = [
        "paper",
        "author",
        "parent",
        "body",
        "created_at",
        "edited_at",
        "deleted_at",
        "hidden_at",
        "hidden_by",
    ]
    readonly_fields = fields
    actions = ["hide", "show"]
    show_full_result_count = False

    @admin.display(description="comment")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(80) if comment.body else "(deleted)"

    @admin.display(boolean=True, description="hidden", ordering="hidden_at")
    def is_hidden(self, comment: Comment) -> bool:
        return comment.hidden_at is not None

    @admin.display(boolean=True, description="deleted", ordering="deleted_at")
    def is_deleted(self, comment: Comment) -> bool:
        return comment.deleted_at is not None

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return comments.can_moderate(request.user)

    @admin.action(description="Hide the selected comments", permissions=["moderate"])
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._set_hidden(request, queryset, True)

    @admin.action(description="Show the selected comments again", permissions=["moderate"])
    def show(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._set_hidden(request, queryset, False)

    def _set_hidden(self, request: HttpRequest, queryset: QuerySet[Comment], hidden: bool) -> None:
        for comment in queryset.select_related("paper"):
            comments.set_hidden(request.user, comment, hidden)
        verb = "hidden" if hidden else "shown"
        self.message_user(request, f"{queryset.count()} comment(s) {verb}.", messages.SUCCESS)


class CollectionItemInline(admin.TabularInline):
    model = CollectionItem
    fields = ["position", "paper", "comment", "added_by", "added_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "visibility", "updated_at"]
    list_select_related = ["owner"]
    list_filter = ["visibility"]
    search_fields = ["title", "slug", "owner__username"]
    fields = ["title", "owner", "slug", "visibility", "editors", "description", "created_at", "updated_at"]
    readonly_fields = fields
    inlines = [CollectionItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
