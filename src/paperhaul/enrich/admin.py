"""Enrichment in the admin: staff edit the taxonomy, choose a paper's topics and write takeaways.

Whatever a person saves here is a person's choice (assign.add_person_topic, takeaways.write_by_person),
so no automatic pass changes it afterwards. Editing a generated takeaway saves the edit as the
person's takeaway and keeps the generated one beside it.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.text import Truncator

from paperhaul.enrich.assign import add_person_topic, reconsider
from paperhaul.enrich.models import PaperTopic, Takeaway, Topic
from paperhaul.enrich.takeaways import write_by_person


class StaffEditable:
    """Any active staff member may view and edit these (curation is staff's job), not only superusers."""

    def _staff(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._staff(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._staff(request)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self._staff(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._staff(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._staff(request)


@admin.register(Topic)
class TopicAdmin(StaffEditable, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "arxiv_categories", "papers"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(paper_count=Count("paper_topics"))

    @admin.display(ordering="paper_count")
    def papers(self, topic: Topic) -> int:
        return topic.paper_count


@admin.register(PaperTopic)
class PaperTopicAdmin(StaffEditable, admin.ModelAdmin):
    list_display = ["paper", "topic", "confidence", "source", "assigned_at"]
    list_filter = ["topic", "source"]
    search_fields = ["paper__title", "paper__key"]
    autocomplete_fields = ["paper", "topic"]
    fields = ["paper", "topic"]
    list_select_related = ["paper", "topic"]
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: PaperTopic, form, change: bool) -> None:
        if change and obj.pk:
            PaperTopic.objects.filter(pk=obj.pk).delete()  # the paper or topic changed: the choice is new
        saved = add_person_topic(obj.paper, obj.topic)
        obj.pk, obj.source, obj.confidence = saved.pk, saved.source, saved.confidence

    def delete_model(self, request: HttpRequest, obj: PaperTopic) -> None:
        super().delete_model(request, obj)
        reconsider([obj.paper_id])  # without a person's topic left, the rules decide again

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        papers = list(queryset.values_list("paper_id", flat=True))
        super().delete_queryset(request, queryset)
        reconsider(papers)


@admin.register(Takeaway)
class TakeawayAdmin(StaffEditable, admin.ModelAdmin):
    list_display = ["paper", "method", "model", "excerpt", "generated_at"]
    list_filter = ["method", "model"]
    search_fields = ["paper__title", "paper__key", "text"]
    autocomplete_fields = ["paper"]
    fields = ["paper", "text", "closer_look", "method", "model", "prompt", "created", "generated_at"]
    readonly_fields = ["method", "model", "prompt", "created", "generated_at"]
    list_select_related = ["paper"]
    show_full_result_count = False

    @admin.display(description="takeaway")
    def excerpt(self, takeaway: Takeaway) -> str:
        return Truncator(takeaway.text).chars(100)

    def save_model(self, request: HttpRequest, obj: Takeaway, form, change: bool) -> None:
        saved = write_by_person(obj.paper, obj.text, obj.closer_look or [])
        obj.pk, obj.method, obj.model = saved.pk, saved.method, saved.model
