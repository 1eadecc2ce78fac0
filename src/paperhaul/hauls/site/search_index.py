"""search/search-index.json: every covered paper once, for the search page's client-side typeahead.

One entry per paper however many hauls covered it (the most recently introduced first), with the static
page, the link as the post gave it (its first coverage) and the numbers of the hauls that
covered it; the hauls (number, title, path, date) are listed once beside the papers, which keeps
the file small for thousands of papers. Written without spaces, UTF-8.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from paperhaul.hauls.models import HaulItem
from paperhaul.hauls.site.pages import HaulCard, Pages

FORMAT_VERSION = 1


def search_index(pages: Pages, cards: Iterable[HaulCard], items: Iterable[HaulItem]) -> dict:
    """The index document from the published hauls' cards and items (publishing.published_items())."""
    papers: dict[int, dict] = {}
    for item in items:  # oldest haul first: the first link seen is the one that introduced the paper
        entry = papers.get(item.paper_id)
        if entry is None:
            paper = item.paper
            entry = papers[item.paper_id] = {
                "key": paper.key,
                "title": paper.title,
                "authors": paper.authors,
                "url": pages.paper_link(paper).href,
                "link": item.url,
                "hauls": [],
            }
        if item.haul.number not in entry["hauls"]:
            entry["hauls"].append(item.haul.number)
    hauls = [
        {
            "number": card.number,
            "title": card.title,
            "path": card.href,
            "date": card.published_at.date().isoformat() if card.published_at else None,
        }
        for card in cards
    ]
    return {"version": FORMAT_VERSION, "hauls": hauls, "papers": list(reversed(papers.values()))}


def dumps(index: dict) -> str:
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))
