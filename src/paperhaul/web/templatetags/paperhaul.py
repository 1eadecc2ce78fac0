"""Template helpers: links to papers, authors and the like, and page links that keep the other parameters."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from paperhaul.web import links

register = template.Library()


# Links to the pages of papers, authors, categories and topics, and a paper's vote address.
for _name, _make in {
    "paper_url": links.paper_path,
    "author_url": links.author_path,
    "category_url": links.category_path,
    "topic_url": links.topic_path,
    "vote_url": links.vote_path,
}.items():
    register.filter(_name, _make)


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
