"""What the public sees of hauls, in one place: published hauls, their tags, the papers they cover.

The web pages, feeds, sitemap, static site and links dataset all list through these queries
and link through these paths, so a draft never leaks and every output agrees on addresses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.text import slugify

from paperhaul import config
from paperhaul.hauls.models import Haul, HaulItem, HaulTag, Tag
from paperhaul.papers.models import Paper
from paperhaul.web import links

# Words a haul slug may not take: they name pages under /hauls/.
RESERVED_SLUGS = frozenset({"stats", "feed", "new"})


# Set while the static site is built (`paperhaul site build --base-url`): its address, and where
# its paper pages are (a static host cannot serve /papers/<DOI or URL key>).
_SITE_URL: ContextVar[str | None] = ContextVar("site_url", default=None)
_PAPER_PATH: ContextVar[Callable[[str], str]] = ContextVar("paper_path", default=links.paper_path)


def site_url() -> str:
    """The public address of the site, without a trailing slash (PAPERHAUL_SITE_URL)."""
    return (_SITE_URL.get() or config.get("PAPERHAUL_SITE_URL")).rstrip("/")


def paper_page_path(key: str) -> str:
    """The path of a paper's page on the site being rendered (the web app's, or the static site's)."""
    return _PAPER_PATH.get()(key)


@contextmanager
def site_url_as(url: str, paper_path: Callable[[str], str] | None = None) -> Iterator[None]:
    """Within the block, site_url() is ``url`` and paper pages are at ``paper_path(key)``: feeds
    and haul bodies rendered for a static build's address link to the build's own pages."""
    url_token = _SITE_URL.set(url)
    path_token = _PAPER_PATH.set(paper_path or links.paper_path)
    try:
        yield
    finally:
        _PAPER_PATH.reset(path_token)
        _SITE_URL.reset(url_token)


def published_hauls() -> QuerySet[Haul]:
    """Published hauls, newest first."""
    return Haul.objects.filter(status=Haul.Status.PUBLISHED).order_by("-published_at", "-number")


def hauls_tagged(tag: Tag) -> QuerySet[Haul]:
    return published_hauls().filter(tags=tag)


def public_tags() -> QuerySet[Tag]:
    """Tags with at least one published haul, with ``haul_count``."""
    published = Q(hauls__status=Haul.Status.PUBLISHED)
    return Tag.objects.annotate(haul_count=Count("hauls", filter=published)).filter(haul_count__gt=0)


def covered_papers() -> QuerySet[Paper]:
    """Papers that are an item of at least one published haul."""
    covered = HaulItem.objects.filter(haul__status=Haul.Status.PUBLISHED).values("paper_id")
    return Paper.objects.filter(id__in=covered)


def published_items() -> QuerySet[HaulItem]:
    """Every item of every published haul, haul by haul (oldest first), in post order."""
    return (
        HaulItem.objects.filter(haul__status=Haul.Status.PUBLISHED)
        .select_related("haul", "paper")
        .order_by("haul__published_at", "haul__number", "position")
    )


def listed(hauls: QuerySet[Haul]) -> QuerySet[Haul]:
    """The hauls with what a list of them shows: ``item_count``, and ``tag_rows`` (their
    HaulTag rows with the tag, in the post's order), in two queries for a whole page."""
    rows = HaulTag.objects.select_related("tag").order_by("position")
    return hauls.annotate(item_count=Count("items")).prefetch_related(
        Prefetch("haultag_set", queryset=rows, to_attr="tag_rows")
    )


def neighbours(haul: Haul) -> tuple[Haul | None, Haul | None]:
    """The published hauls just before and just after this one (older, newer), in list order."""
    if haul.status != Haul.Status.PUBLISHED or haul.published_at is None:
        return None, None
    when, number = haul.published_at, haul.number
    older = published_hauls().filter(Q(published_at__lt=when) | Q(published_at=when, number__lt=number))
    newer = published_hauls().filter(Q(published_at__gt=when) | Q(published_at=when, number__gt=number))
    return older.first(), newer.order_by("published_at", "number").first()


def hauls_path() -> str:
    """The list of hauls."""
    return "/hauls/"


def haul_path(haul: Haul) -> str:
    return f"{hauls_path()}{haul.slug}/"


def tag_path(tag: Tag) -> str:
    return f"/tags/{tag.slug}/"


def hauls_feed_path(kind: str) -> str:
    """The feed of all hauls: ``kind`` is "rss" or "atom"."""
    return f"{hauls_path()}feed.{kind}"


def tag_feed_path(tag: Tag, kind: str) -> str:
    """The feed of one tag's hauls: ``kind`` is "rss" or "atom"."""
    return f"{tag_path(tag)}feed.{kind}"


def haul_url(haul: Haul) -> str:
    """The haul's absolute address: ``blog`` in the links dataset, ``link`` in feeds."""
    return site_url() + haul_path(haul)


def unique_haul_slug(title: str, number: int) -> str:
    """A slug from the title, made unique with the haul's number (and never a reserved word)."""
    slug = slugify(title)[:180] or f"haul-{number}"
    if slug in RESERVED_SLUGS or Haul.objects.filter(slug=slug).exclude(number=number).exists():
        slug = f"{slug}-{number}"
    return slug
