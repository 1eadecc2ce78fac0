"""Subscriptions in Django's admin: who is subscribed, their digests and delivery failures; readers'
For-you topics and keyword filters."""

from __future__ import annotations

from django.contrib import admin

from paperhaul.notify.models import DeliveryFailure, Digest, Interest, ReaderPreferences, Subscription


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
    list_display = ["user", "updated_at"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
    filter_horizontal = ["topics"]
