"""Addresses of the pages of papers and authors, made in one place."""

from __future__ import annotations

from functools import cache
from urllib.parse import quote, urlencode, urlsplit

from django.urls import reverse

from paperhaul.papers.citation_graph import search_value
from paperhaul.papers.ids import url_for_key
from paperhaul.papers.ingest.openreview import forum_of_key
from paperhaul.papers.models import Paper


def paper_ref(key: str) -> str:
    """What follows /papers/ for a key: the bare arXiv id for arXiv papers, else the whole key."""
    kind, _, rest = key.partition(":")
    return rest if kind == "arxiv" else key


def paper_path(paper: Paper | str) -> str:
    key = paper if isinstance(paper, str) else paper.key
    return "/papers/" + quote(paper_ref(key), safe="/:@")


# A value every converter of the patterns below accepts (str, int, slug, path), and no URL holds.
_SENTINEL = "9081726354"


@cache
def _around(name: str) -> tuple[str, str]:
    """What comes before and after the one argument of the URL named `name`, resolved once:
    a list page links each of its papers' authors, category and topics, and reverse() is slow."""
    before, _, after = reverse(name, args=[_SENTINEL]).partition(_SENTINEL)
    return before, after


def _path(name: str, value: str | int) -> str:
    before, after = _around(name)
    return before + quote(str(value), safe="") + after


def author_path(name: str) -> str:
    """/authors/NAME"""
    return _path("author", name)


def category_path(category: str) -> str:
    return _path("category", category)


def topic_path(slug: str) -> str:
    return _path("topic", slug)


def vote_path(paper_id: int) -> str:
    return _path("vote", paper_id)


def citation_search(key: str, operator: str) -> str:
    """The search of the papers citing (``cites``) or cited by (``citedby``) the paper of ``key``,
    newest first."""
    return reverse("search") + "?" + urlencode({"q": f"{operator}:{search_value(key)}", "sort": "newest"})


def home_of(paper: Paper) -> str:
    """Where a paper comes from, in a word: arXiv, OpenReview, DOI, the host of its page; "" for
    a paper known only by its title."""
    kind = paper.kind
    if kind == "arxiv":
        return "arXiv"
    if kind == "doi":
        return "DOI"
    if forum_of_key(paper.key):
        return "OpenReview"
    return (urlsplit(url_for_key(paper.key)).hostname or "") if kind == "url" else ""


def outbound(paper: Paper) -> list[tuple[str, str]]:
    """Where a paper lives elsewhere, as (label, address): its own page (arXiv's abstract page, the
    DOI's landing page, its forum on OpenReview, or the page itself), its PDF (arXiv's when the
    library has none) and its code, leaving out unusable addresses and a page that is the code's
    own (a repository)."""
    kind = paper.kind
    own = "Abstract page" if kind in ("arxiv", "doi") else "Web page"
    if forum_of_key(paper.key):
        own = "OpenReview forum"
    pdf = paper.pdf_url or (url_for_key(paper.key).replace("/abs/", "/pdf/") if kind == "arxiv" else "")
    candidates = [("PDF", pdf), ("Code", paper.code_url)]
    if paper.url != paper.code_url:
        candidates.insert(0, (own, paper.url))
    return [(label, url) for label, url in candidates if is_web_address(url)]


def citation_meta(paper: Paper) -> list[tuple[str, str]]:
    """The paper as Highwire Press ``citation_*`` meta tags (name, content): what Zotero's
    connector, Google Scholar and reference managers read to save a page as a paper, and what
    paperhaul's own web-page source reads (another instance adding this page gets this paper)."""
    tags = [("citation_title", paper.title)]
    tags += [("citation_author", name) for name in paper.authors]
    if paper.published:
        tags.append(("citation_publication_date", paper.published.strftime("%Y/%m/%d")))
    kind, _, rest = paper.key.partition(":")
    if kind == "arxiv":
        tags.append(("citation_arxiv_id", rest))
    if doi := paper.doi or (rest if kind == "doi" else ""):
        tags.append(("citation_doi", doi))
    if paper.journal_ref and kind != "arxiv":
        tags.append(("citation_journal_title", paper.journal_ref))
    links = dict(outbound(paper))
    if pdf := links.get("PDF"):
        tags.append(("citation_pdf_url", pdf))
    if page := links.get("Abstract page") or links.get("Web page"):
        tags.append(("citation_abstract_html_url", page))
    return tags


def is_web_address(url: str) -> bool:
    """Only http(s) links reach a page: an imported ``javascript:`` address stays text."""
    return url.startswith(("https://", "http://"))
