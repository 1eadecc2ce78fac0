from django.apps import AppConfig


class EnrichConfig(AppConfig):
    name = "paperhaul.enrich"
    label = "enrich"
    verbose_name = "Enrichment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from paperhaul.enrich.tasks import after_embedding, schedule_enrichment
        from paperhaul.papers.signals import library_changed

        library_changed.connect(schedule_enrichment, dispatch_uid="paperhaul.enrich.schedule")
        task_finished.connect(after_embedding, dispatch_uid="paperhaul.enrich.after_embedding")
