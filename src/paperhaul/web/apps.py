from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages: templates, static files and thin views over the library and community services."""

    name = "paperhaul.web"
    label = "web"
    verbose_name = "Web pages"
