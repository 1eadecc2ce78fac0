"""The Atom feed of a shared list: the papers put on it, the latest first, each with its comment.

A research group follows its list in a feed reader; so does anyone following a public list. A
private list has no feed (a feed reader carries no session); an unlisted one has, at its address.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from paperhaul.community import collections
from paperhaul.community.models import Collection, CollectionItem
from paperhaul.hauls.publishing import site_url
from paperhaul.web.links import paper_path

FEED_LIMIT = 50


class ListFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, username: str, slug: str) -> Collection:
        found = collections.find(username, slug, AnonymousUser())
        if found is None:
            raise Http404("no such list")
        return found

    def title(self, obj: Collection) -> str:
        return f"{obj.title}, a list by {obj.owner.get_username()}"

    def subtitle(self, obj: Collection) -> str:
        return Truncator(obj.description).chars(300) or f"The papers on {obj.title}, the latest first."

    def link(self, obj: Collection) -> str:
        return site_url() + reverse("list", args=[obj.owner.get_username(), obj.slug])

    def feed_url(self, obj: Collection) -> str:
        return site_url() + reverse("list_feed", args=[obj.owner.get_username(), obj.slug])

    def items(self, obj: Collection):
        return collections.items(obj).order_by("-added_at", "-id")[:FEED_LIMIT]

    def item_title(self, item: CollectionItem) -> str:
        return item.paper.title

    def item_description(self, item: CollectionItem) -> str:
        return item.comment_html or Truncator(item.paper.abstract).words(80)

    def item_link(self, item: CollectionItem) -> str:
        return site_url() + paper_path(item.paper)

    def item_guid(self, item: CollectionItem) -> str:
        return f"{self.link(item.collection)}#item-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: CollectionItem):
        return item.added_at

    def item_author_name(self, item: CollectionItem) -> str | None:
        return item.added_by.get_username() if item.added_by else None
