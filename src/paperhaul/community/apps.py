from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "paperhaul.community"
    label = "community"
    verbose_name = "Community"
