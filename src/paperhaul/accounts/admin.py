"""API tokens in the admin: see who holds which and revoke them; tokens are made by their owner."""

from __future__ import annotations

from django.contrib import admin

from paperhaul.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        # The token text exists only when it is made: on the owner's tokens page or `paperhaul token`.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
