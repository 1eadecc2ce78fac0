from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "paperhaul.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from paperhaul.community.collections import fold_merged_items
        from paperhaul.community.reactions import bring_activity, part_activity
        from paperhaul.community.reading import fold_merged_lists
        from paperhaul.papers.signals import papers_merged, papers_merging, papers_unmerged

        papers_merging.connect(fold_merged_lists, dispatch_uid="paperhaul.community.fold_merged_lists")
        papers_merging.connect(fold_merged_items, dispatch_uid="paperhaul.community.fold_merged_items")
        papers_merged.connect(bring_activity, dispatch_uid="paperhaul.community.bring_activity")
        papers_unmerged.connect(part_activity, dispatch_uid="paperhaul.community.part_activity")
