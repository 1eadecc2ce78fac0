from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages: templates, static files and thin views over the library and community services."""

    name = "paperhaul.web"
    label = "web"
    verbose_name = "Web pages"

    def ready(self) -> None:
        from django.db import transaction

        from paperhaul.community.signals import paper_activity
        from paperhaul.papers.signals import papers_merged, papers_unmerged
        from paperhaul.web.caching import forget_page
        from paperhaul.web.links import paper_path

        def forget_paper_page(paper, **_) -> None:
            forget_page(paper_path(paper))

        def forget_merged_pages(kept, absorbed, **_) -> None:
            def forget() -> None:
                for paper in (kept, absorbed):
                    forget_page(paper_path(paper))

            transaction.on_commit(forget)

        paper_activity.connect(forget_paper_page, dispatch_uid="paperhaul.web.forget_paper_page", weak=False)
        papers_merged.connect(
            forget_merged_pages, dispatch_uid="paperhaul.web.forget_merged_pages", weak=False
        )
        papers_unmerged.connect(
            forget_merged_pages, dispatch_uid="paperhaul.web.forget_unmerged_pages", weak=False
        )
