"""Template helpers: links to papers and authors, and page links that keep the other parameters."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from paperhaul.web import links

register = template.Library()


@register.filter
def paper_url(paper) -> str:
    return links.paper_path(paper)


@register.filter
def author_url(name: str) -> str:
    return links.author_path(name)


@register.filter
def category_url(category: str) -> str:
    return links.category_path(category)


@register.filter
def topic_url(slug: str) -> str:
    return links.topic_path(slug)


@register.filter
def vote_url(paper_id: int) -> str:
    return links.vote_path(paper_id)


@register.filter
def clip(text: str, length: int) -> str:
    """At most `length` characters, the last an ellipsis when cut (truncatechars, without its
    Unicode normalisation: a list page clips every title, and that made it a tenth of the page)."""
    return text if len(text) <= length else text[: length - 1] + "…"


@register.filter
def web_url(url: str) -> str:
    """The address when it is an http(s) one, else '' (so ``{% if x|web_url %}`` guards a link)."""
    return url if links.is_web_address(url or "") else ""


@register.simple_tag(takes_context=True)
def with_page(context, number: int) -> str:
    """The current address with ``page`` set to ``number`` (other parameters kept)."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()
