"""Where the static site lives and where each of its files goes.

Every page, feed and index names a place by its site path ("/hauls/some-slug/"); the address
turns that into the link written (root-relative under the base URL's path, so a site served
from https://example.org/blog/ links to /blog/hauls/some-slug/), the absolute URL (feeds,
sitemap) and the file of the build (hauls/some-slug/index.html).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from paperhaul.errors import InputError

# The site's own files besides hauls, tags and papers (publishing.py names those).
TAGS_PATH = "/tags/"
SEARCH_PATH = "/search/"
SEARCH_INDEX_PATH = "/search/search-index.json"
SITEMAP_PATH = "/sitemap.xml"
NOT_FOUND_PATH = "/404.html"
CSS_PATH = "/static/site.css"
JS_PATH = "/static/search.js"
COMBOBOX_JS_PATH = "/static/combobox.js"  # the app's, which search.js builds on
ICON_PATH = "/static/favicon.svg"


@dataclass(frozen=True)
class SiteAddress:
    base_url: str  # scheme, host and path, without a trailing slash

    @classmethod
    def parse(cls, url: str) -> SiteAddress:
        """An http(s) base URL without query or fragment; InputError otherwise."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"base URL {url!r} is not an http(s) address such as https://example.org/blog/")
        if parts.query or parts.fragment:
            raise InputError(f"base URL {url!r} has a query or fragment: give the site's folder only")
        path = quote(parts.path.rstrip("/"), safe="/%~")
        return cls(f"{parts.scheme}://{parts.netloc}{path}")

    @property
    def root(self) -> str:
        """The base URL's path without a trailing slash: "" at a host's root, "/blog" under a folder."""
        return urlsplit(self.base_url).path

    def link(self, site_path: str) -> str:
        """The href of a site path on the built pages."""
        return self.root + site_path

    def url(self, site_path: str) -> str:
        return self.base_url + site_path


def output_file(root: Path, site_path: str) -> Path:
    """The file of a site path: a folder path is served by its index.html."""
    relative = site_path.lstrip("/")
    return root / relative / "index.html" if not relative or relative.endswith("/") else root / relative


_UNSAFE = re.compile(r"[^a-z0-9]+")
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Za-z\-]+)?/\d{7}")


def paper_path(key: str) -> str:
    """The paper's page: /papers/<arXiv id>/ as on the live site, else /papers/x/<readable>-<hash>/.

    Other keys (DOIs, URLs, titles) hold ':', '?', '%' and other characters static hosts treat
    differently, so their page is named by a slug of the key and a short hash that keeps it unique.
    """
    kind, _, rest = key.partition(":")
    if kind == "arxiv" and _ARXIV_ID.fullmatch(rest):
        return f"/papers/{rest}/"
    readable = re.sub(r"^https?://(?:www\.)?", "", rest.lower())
    slug = _UNSAFE.sub("-", readable).strip("-")[:60].rstrip("-")
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return f"/papers/x/{slug}-{digest}/" if slug else f"/papers/x/{digest}/"
