from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "paperhaul.notify"
    label = "notify"
    verbose_name = "Subscriptions"
