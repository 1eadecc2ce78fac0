from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "paperhaul.papers"
    label = "papers"
    verbose_name = "Paper library"
