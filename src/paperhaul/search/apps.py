from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "paperhaul.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from paperhaul.papers.signals import (
            import_finished,
            library_changed,
            papers_bulk_inserted,
            papers_unmerged,
        )
        from paperhaul.search.backend import settle_after_import
        from paperhaul.search.indexing import store_restored_vector
        from paperhaul.search.postgres_bulk import before_bulk_insert, restore_indexes
        from paperhaul.search.sqlite_lexical import index_bulk_insert
        from paperhaul.search.tasks import schedule_embedding

        library_changed.connect(schedule_embedding, dispatch_uid="paperhaul.search.embedding")
        papers_bulk_inserted.connect(index_bulk_insert, dispatch_uid="paperhaul.search.bulk")
        library_changed.connect(settle_after_import, dispatch_uid="paperhaul.search.settle")
        papers_bulk_inserted.connect(before_bulk_insert, dispatch_uid="paperhaul.search.postgres_bulk")
        import_finished.connect(restore_indexes, dispatch_uid="paperhaul.search.restore")
        papers_unmerged.connect(store_restored_vector, dispatch_uid="paperhaul.search.restored_vector")
