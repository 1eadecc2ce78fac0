"""Subscription pages and the feeds of the reading lists (included at the site's root)."""

from __future__ import annotations

from django.urls import path, register_converter

from paperhaul.notify import feeds, reply_views, views


class FeedFormatConverter:
    regex = "rss|atom"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedFormatConverter, "feed_format")

app_name = "notify"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscriptions/<str:token>/", views.manage, name="manage"),
    path("subscriptions/<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path(
        "subscriptions/<str:token>/not-interested/<int:paper_id>/",
        views.not_interested,
        name="not_interested",
    ),
    path("replies/stop/<str:token>/", reply_views.stop, name="stop_replies"),
    path("replies/email/", reply_views.switch, name="reply_emails"),
    path("replies/seen/", reply_views.seen, name="replies_seen"),
    path("for-you/", views.for_you, name="for_you"),
    path("for-you/topics/", views.for_you_topics, name="for_you_topics"),
    path("for-you/filters/", views.for_you_filters, name="for_you_filters"),
    path(
        "for-you/not-interested/<int:paper_id>/", views.for_you_not_interested, name="for_you_not_interested"
    ),
    path("feeds/daily.<feed_format:fmt>", feeds.serve, {"source": feeds.daily_list}, name="feed_daily"),
    path("feeds/trending.<feed_format:fmt>", feeds.serve, {"source": feeds.trending}, name="feed_trending"),
    path(
        "feeds/c/<str:name>.<feed_format:fmt>", feeds.serve, {"source": feeds.category}, name="feed_category"
    ),
    path("feeds/search.<feed_format:fmt>", feeds.serve, {"source": feeds.search}, name="feed_search"),
    path(
        "feeds/topic/<slug:slug>.<feed_format:fmt>", feeds.serve, {"source": feeds.topic}, name="feed_topic"
    ),
]
