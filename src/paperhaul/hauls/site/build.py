"""One static build: every page, the search index, feeds, sitemap and assets, swapped in at the end.

Everything is read through publishing.py (published hauls only, so a draft never leaks) and
written by site path into a staging folder (output.py), with publishing.site_url() set to the
build's base URL for the whole build, so pages, feeds and sitemap agree on one address.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from django.contrib.staticfiles import finders

from paperhaul.hauls.models import Haul, HaulItem
from paperhaul.hauls.publishing import (
    hauls_path,
    listed,
    public_tags,
    published_hauls,
    published_items,
    site_url,
    site_url_as,
)
from paperhaul.hauls.site import search_index, syndication
from paperhaul.hauls.site.address import (
    COMBOBOX_JS_PATH,
    CSS_PATH,
    ICON_PATH,
    JS_PATH,
    SEARCH_INDEX_PATH,
    SiteAddress,
    output_file,
    paper_path,
)
from paperhaul.hauls.site.output import check_out_dir, staging
from paperhaul.hauls.site.pages import HaulCard, Page, Pages, haul_bibtex_path
from paperhaul.papers.bibtex import bibliography
from paperhaul.progress import Bar

# The app's stylesheet, then the static site's few additions, make the site's one CSS file.
STYLESHEETS = ("paperhaul/site.css", "site/site.css")
# Copied as they are: (static file of the apps, site path).
ASSETS = (
    ("paperhaul/combobox.js", COMBOBOX_JS_PATH),
    ("site/search.js", JS_PATH),
    ("site/favicon.svg", ICON_PATH),
)
# The pages every build has: the home page, the list of hauls, the topics, search and 404.
FIXED_PAGES = 5


@dataclass
class BuildSummary:
    out_dir: str
    base_url: str
    pages: int = 0
    hauls: int = 0
    tags: int = 0
    papers: int = 0
    feeds: int = 0
    files: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"site: pages {self.pages} (hauls {self.hauls}, tags {self.tags}, papers {self.papers}); "
            f"feeds {self.feeds}; files {self.files} in {self.out_dir} for {self.base_url}/; "
            f"{self.seconds:.1f} s"
        )

    def as_json(self) -> dict:
        return asdict(self)


def build_site(out_dir: Path, base_url: str | None = None, *, bar: Bar | None = None) -> BuildSummary:
    """Build the public site into OUT_DIR for ``base_url`` (default PAPERHAUL_SITE_URL)."""
    started = time.perf_counter()
    address = SiteAddress.parse(base_url or site_url())
    check_out_dir(out_dir)
    summary = BuildSummary(out_dir=str(out_dir), base_url=address.base_url)
    with site_url_as(address.base_url, paper_path), staging(out_dir, address.base_url) as root:
        _Build(root, address, summary, bar or Bar(None, None)).run()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


class _Build:
    def __init__(self, root: Path, address: SiteAddress, summary: BuildSummary, bar: Bar) -> None:
        self.root = root
        self.address = address
        self.summary = summary
        self.bar = bar
        self.pages = Pages(address)
        self.total = 0

    def run(self) -> None:
        items = list(published_items())
        by_haul: dict[int, list[HaulItem]] = defaultdict(list)
        for item in items:
            by_haul[item.haul.number].append(item)
        hauls = list(listed(published_hauls()))
        cards = [self.pages.card(haul) for haul in hauls]
        by_number = {card.number: card for card in cards}
        tags = list(public_tags().order_by("name"))
        papers = list({item.paper_id: item.paper for item in items}.values())
        self.total = FIXED_PAGES + len(hauls) + len(tags) + len(papers)
        self.summary.hauls, self.summary.tags, self.summary.papers = len(hauls), len(tags), len(papers)

        self.page(self.pages.hauls("/", cards, tags))
        self.page(self.pages.hauls(hauls_path(), cards, tags))
        for position, (haul, card) in enumerate(zip(hauls, cards, strict=True)):
            older = cards[position + 1] if position + 1 < len(cards) else None
            newer = cards[position - 1] if position else None
            self.page(self.pages.haul(haul, card, older, newer))
            if covered := by_haul[haul.number]:
                self.write(haul_bibtex_path(haul), bibliography(item.paper for item in covered))
        self.page(self.pages.tags(tags))
        tagged = _cards_by_tag(hauls, cards)
        for tag in tags:
            self.page(self.pages.tag(tag, tagged[tag.pk]))
        for paper in papers:
            self.page(self.pages.paper(paper, by_number))
        self.page(self.pages.search(cards, by_haul))
        self.page(self.pages.not_found())

        self.write(SEARCH_INDEX_PATH, search_index.dumps(search_index.search_index(self.pages, cards, items)))
        for feed in syndication.feeds(tags):
            self.write(feed.path, feed.xml)
            self.summary.feeds += 1
        for path, xml in syndication.sitemaps(self.address, syndication.entries(hauls, tags, papers)):
            self.write(path, xml)
        self.write(CSS_PATH, "\n".join(_static_text(name) for name in STYLESHEETS))
        for name, path in ASSETS:
            self.write(path, _static_text(name))

    def page(self, page: Page) -> None:
        self.write(page.path, page.html)
        self.summary.pages += 1
        self.bar.update(completed=self.summary.pages, total=self.total, records=self.summary.pages, rate="-")

    def write(self, site_path: str, content: str | bytes) -> None:
        path = output_file(self.root, site_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        self.summary.files += 1


def _cards_by_tag(hauls: list[Haul], cards: list[HaulCard]) -> dict[int, list[HaulCard]]:
    """The cards of each tag's hauls, in list order, from the tag rows publishing.listed() fetched."""
    tagged: dict[int, list[HaulCard]] = defaultdict(list)
    for haul, card in zip(hauls, cards, strict=True):
        for row in haul.tag_rows:
            tagged[row.tag_id].append(card)
    return tagged


def _static_text(name: str) -> str:
    """A file of the apps' static folders (paperhaul/site.css from the web app, site/* from hauls)."""
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"static file {name} is missing from the installation")
    return Path(found).read_text(encoding="utf-8")
