from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "paperhaul.notify"
    label = "notify"
    verbose_name = "Subscriptions"

    def ready(self) -> None:
        from paperhaul.community.signals import comment_posted
        from paperhaul.notify.replies import on_comment_posted

        comment_posted.connect(on_comment_posted, dispatch_uid="paperhaul.notify.replies")
