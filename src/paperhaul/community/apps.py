from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "paperhaul.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from paperhaul.community.reactions import bring_activity
        from paperhaul.papers.signals import papers_merged

        papers_merged.connect(bring_activity, dispatch_uid="paperhaul.community.bring_activity")
