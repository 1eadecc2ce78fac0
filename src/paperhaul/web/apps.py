from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages: templates, static files and thin views over the library and community services."""

    name = "paperhaul.web"
    label = "web"
    verbose_name = "Web pages"

    def ready(self) -> None:
        from paperhaul.community.signals import paper_activity
        from paperhaul.web.caching import forget_page
        from paperhaul.web.links import paper_path

        def forget_paper_page(paper, **_) -> None:
            forget_page(paper_path(paper))

        paper_activity.connect(forget_paper_page, dispatch_uid="paperhaul.web.forget_paper_page", weak=False)
