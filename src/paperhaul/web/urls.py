"""The pages. Every state change is a POST with a CSRF token; GET never changes anything."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from paperhaul.hauls.feeds import HaulsAtomFeed, HaulsFeed, TagAtomFeed, TagFeed
from paperhaul.web.caching import for_signed_out_readers
from paperhaul.web.list_feed import ListFeed
from paperhaul.web.views import (
    accounts,
    citations,
    clip,
    duplicates,
    feed,
    haul_stats,
    hauls,
    library,
    lists,
    papers,
    people,
    search,
    topics,
)


class DayConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else value.isoformat()


register_converter(DayConverter, "day")


class CitationFormat:
    """The extension of a citation download: .bib (BibTeX) or .ris (web/views/citations.py)."""

    regex = "bib|ris"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CitationFormat, "citation")

urlpatterns = [
    path("", feed.home, name="home"),
    path("day/<day:day>/", feed.day, name="day"),
    path("trending/", feed.trending, name="trending"),
    path("new/", feed.new, name="new"),
    path("c/<str:category>/", feed.category, name="category"),
    path("topics/", topics.topics, name="topics"),
    path("topics/<slug:slug>/", topics.topic, name="topic"),
    path("submit/", feed.submit, name="submit"),
    path("clip/", clip.clip, name="clip"),
    path("search/", search.search, name="search"),
    path("search/results.<citation:fmt>", citations.search_results, name="search_citations"),
    # Hauls: publishing.py makes the same paths (haul_path, tag_path, *_feed_path); keep them equal.
    # Fixed pages under /hauls/ (e.g. /hauls/stats/) go before the <slug> route.
    path("hauls/", hauls.hauls, name="hauls"),
    path("hauls/feed.rss", for_signed_out_readers(HaulsFeed()), name="hauls_rss"),
    path("hauls/feed.atom", for_signed_out_readers(HaulsAtomFeed()), name="hauls_atom"),
    path("hauls/stats/", haul_stats.stats, name="haul_stats"),
    path("hauls/<slug:slug>/", hauls.haul, name="haul"),
    path("hauls/<slug:slug>/papers.<citation:fmt>", citations.haul, name="haul_citations"),
    path("tags/<slug:slug>/", hauls.tag, name="haul_tag"),
    path("tags/<slug:slug>/feed.rss", for_signed_out_readers(TagFeed()), name="haul_tag_rss"),
    path("tags/<slug:slug>/feed.atom", for_signed_out_readers(TagAtomFeed()), name="haul_tag_atom"),
    path("sitemap.xml", hauls.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>-<int:page>.xml", hauls.sitemap_section, name="sitemap_section"),
    path("papers/<path:ref>", papers.paper, name="paper"),
    path("p/<int:pk>/vote/", papers.vote, name="vote"),
    path("p/<int:pk>/save/", papers.save, name="save"),
    path("p/<int:pk>/read/", papers.read, name="read"),
    path("p/<int:pk>/note/", papers.note, name="note"),
    path("p/<int:pk>/cite.<citation:fmt>", citations.paper, name="paper_citation"),
    path("p/<int:pk>/refresh/", library.refresh_paper, name="paper_refresh"),
    path("p/<int:pk>/comments/", papers.comment, name="comment"),
    path("comments/<int:pk>/edit/", papers.edit_comment, name="edit_comment"),
    path("comments/<int:pk>/delete/", papers.delete_comment, name="delete_comment"),
    path("comments/<int:pk>/hide/", papers.hide_comment, name="hide_comment"),
    path("authors/<path:name>", people.author, name="author"),
    path("u/<str:username>/", people.profile, name="profile"),
    path("lists/", lists.index, name="lists"),
    path("lists/new/", lists.new, name="new_list"),
    path("lists/add/", lists.add_from_paper, name="add_to_list"),
    path("u/<str:username>/lists/<slug:slug>/", lists.show, name="list"),
    path("u/<str:username>/lists/<slug:slug>/edit/", lists.edit, name="edit_list"),
    path("u/<str:username>/lists/<slug:slug>/delete/", lists.delete, name="delete_list"),
    path("u/<str:username>/lists/<slug:slug>/haul/", lists.draft_haul, name="list_haul"),
    path("u/<str:username>/lists/<slug:slug>/import/", lists.import_file, name="list_import"),
    path("u/<str:username>/lists/<slug:slug>/copy/", lists.copy, name="list_copy"),
    path("u/<str:username>/lists/<slug:slug>/items/<int:pk>/", lists.item, name="list_item"),
    path(
        "u/<str:username>/lists/<slug:slug>/papers.<citation:fmt>",
        citations.shared_list,
        name="list_citations",
    ),
    path("u/<str:username>/lists/<slug:slug>/feed.atom", ListFeed(), name="list_feed"),
    path("u/<str:username>/saved.<citation:fmt>", citations.saved, name="saved_citations"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tokens/", accounts.tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", accounts.revoke_token, name="revoke_token"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/password/reset/", accounts.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("library/", library.overview, name="library"),
    path("library/sync/", library.sync, name="library_sync"),
    path("library/openreview/", library.sync_openreview, name="library_openreview"),
    path("library/daily/", library.sync_daily, name="library_daily"),
    path("library/citations/", library.sync_counts, name="library_citations"),
    path("library/import/", library.import_file, name="library_import"),
    path("library/add/", library.add, name="library_add"),
    path("library/export/<str:fmt>/", library.export_file, name="library_export"),
    path("library/refresh/", library.fill_in, name="library_refresh"),
    path("library/duplicates/", duplicates.review, name="duplicates"),
    path("library/duplicates/scan/", duplicates.scan, name="scan_duplicates"),
    path("library/duplicates/<int:pk>/dismiss/", duplicates.dismiss, name="dismiss_duplicate"),
    path("library/merge/", duplicates.merge, name="merge"),
    path("library/merges/", duplicates.merges, name="merges"),
    path("library/merges/<int:pk>/undo/", duplicates.undo_merge, name="undo_merge"),
    path("library/jobs/<int:pk>/", library.job, name="job"),
    path("library/jobs/<int:pk>/restart/", library.restart_job, name="restart_job"),
    path("studio/", include("paperhaul.web.studio_urls")),
]
