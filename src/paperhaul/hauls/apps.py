from django.apps import AppConfig


class HaulsConfig(AppConfig):
    name = "paperhaul.hauls"
    label = "hauls"
    verbose_name = "Hauls"
