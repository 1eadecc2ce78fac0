"""Subscriptions in Django's admin: who is subscribed, their digests and delivery failures; readers'
For-you topics, keyword filters and reply e-mails, and the reply e-mails sent."""

from __future__ import annotations

from django.contrib import admin

from paperhaul.notify.models import (
    DeliveryFailure,
    Digest,
    Interest,
    ReaderPreferences,
    ReplyNotice,
    Subscription,
)


class InterestInline(admin.TabularInline):
    model = Interest
    extra = 0


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "frequency", "state", "hard_failures", "created_at", "confirmed_at"]
    list_filter = ["state", "frequency"]
    search_fields = ["email"]
    readonly_fields = ["created_at", "confirmed_at", "unsubscribed_at", "suspended_at"]
    inlines = [InterestInline]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["period", "subscription", "state", "sent_at"]
    list_filter = ["state", "period"]
    search_fields = ["subscription__email", "period"]
    raw_id_fields = ["subscription"]
    readonly_fields = ["created_at", "claimed_at", "sent_at"]


@admin.register(DeliveryFailure)
class DeliveryFailureAdmin(admin.ModelAdmin):
    list_display = ["subscription", "hard", "code", "message", "created_at"]
    list_filter = ["hard"]
    search_fields = ["subscription__email", "message"]
    raw_id_fields = ["subscription", "digest"]


@admin.register(ReaderPreferences)
class ReaderPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "email_replies", "updated_at"]
    list_filter = ["email_replies"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    filter_horizontal = ["topics"]


@admin.register(ReplyNotice)
class ReplyNoticeAdmin(admin.ModelAdmin):
    """Read-only: which replies were e-mailed, and what a refusing mail server said."""

    list_display = ["comment", "created_at", "error"]
    search_fields = ["error"]
    readonly_fields = ["comment", "created_at", "error"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
