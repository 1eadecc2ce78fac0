from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "paperhaul.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from paperhaul.papers.signals import library_changed, papers_bulk_inserted
        from paperhaul.search.backend import settle_after_import
        from paperhaul.search.sqlite_lexical import index_bulk_insert
        from paperhaul.search.tasks import schedule_embedding

        library_changed.connect(schedule_embedding, dispatch_uid="paperhaul.search.embedding")
        papers_bulk_inserted.connect(index_bulk_insert, dispatch_uid="paperhaul.search.bulk")
        library_changed.connect(settle_after_import, dispatch_uid="paperhaul.search.settle")
