from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "paperhaul.papers"
    label = "papers"
    verbose_name = "Paper library"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete

        from paperhaul.papers.merge_log import forget_account

        post_delete.connect(
            forget_account, sender=get_user_model(), dispatch_uid="paperhaul.papers.forget_account"
        )
