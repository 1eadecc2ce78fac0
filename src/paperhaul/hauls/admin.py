"""Hauls in Django's admin: browse imported posts, their sections, items and mentions."""

from __future__ import annotations

from django.contrib import admin

from paperhaul.hauls.models import Haul, HaulItem, HaulMention, HaulSection, HaulTag, Tag


class HaulTagInline(admin.TabularInline):
    model = HaulTag
    extra = 0


class HaulSectionInline(admin.StackedInline):
    model = HaulSection
    extra = 0


class HaulItemInline(admin.StackedInline):
    model = HaulItem
    extra = 0
    raw_id_fields = ["paper", "section"]


@admin.register(Haul)
class HaulAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "status", "published_at"]
    list_filter = ["status", "tags"]
    search_fields = ["title", "snippet"]
    readonly_fields = ["source_path", "source_hash", "created_at", "modified_at"]
    inlines = [HaulTagInline, HaulSectionInline, HaulItemInline]


@admin.register(HaulItem)
class HaulItemAdmin(admin.ModelAdmin):
    list_display = ["title", "haul", "position", "paper"]
    search_fields = ["title", "url", "paper__key"]
    raw_id_fields = ["haul", "section", "paper"]


@admin.register(HaulMention)
class HaulMentionAdmin(admin.ModelAdmin):
    list_display = ["paper", "haul", "section", "url"]
    raw_id_fields = ["haul", "section", "paper"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
