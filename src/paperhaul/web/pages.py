"""Helpers of the pages: paging through long lists without counting them (a count over a million
rows costs more than a page), and telling the page's script from a browser's form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, QueryDict

PER_PAGE = 30
MAX_PAGE = 500


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    has_next: bool
    per_page: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start(self) -> int:
        """The position (from 1) of the page's first item, for numbered lists."""
        return (self.number - 1) * self.per_page + 1


def page_number(params: QueryDict) -> int:
    """The ``page`` parameter; anything but a number from 1 to MAX_PAGE is a 404, not an error page."""
    raw = params.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise Http404("no such page")
    return int(raw)


def window(items, number: int, per_page: int = PER_PAGE) -> Page:
    """One page of a queryset or list; one extra row tells whether there is a next page."""
    offset = (number - 1) * per_page
    rows = list(items[offset : offset + per_page + 1])
    if number > 1 and not rows:
        raise Http404("no such page")
    return Page(rows[:per_page], number, len(rows) > per_page, per_page)


def wants_json(request: HttpRequest) -> bool:
    """Whether the caller is the page's script (enhance.js), which asks for JSON."""
    return "application/json" in request.headers.get("Accept", "")
