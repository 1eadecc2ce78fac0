from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "paperhaul.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from paperhaul.papers.signals import library_changed
        from paperhaul.search.tasks import schedule_embedding

        library_changed.connect(schedule_embedding, dispatch_uid="paperhaul.search.embedding")
