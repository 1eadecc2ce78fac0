"""Rendering an imported haul: rebuilt as a ParsedHaul from the database, then written out.

One entry per format of `paperhaul haul render`: the post's Markdown, HTML for the web, or the
e-mail (an .eml file, hauls/email.py). Each takes the Haul, as the e-mail links to the haul's page.
Markdown and HTML can also be written in another layout (layouts.py: papers grouped by topic).
"""

from __future__ import annotations

from collections.abc import Callable

from paperhaul.errors import InputError
from paperhaul.hauls.document import Block, FrontMatter, ParsedHaul, ParsedItem, ParsedSection
from paperhaul.hauls.html import to_html
from paperhaul.hauls.layouts import POST, arrange
from paperhaul.hauls.markdown import to_markdown
from paperhaul.hauls.models import Haul


def _email(haul: Haul) -> str:
    from paperhaul.hauls.email import eml  # email.py builds on document_of below

    return eml(haul)


FORMATS: dict[str, Callable[[Haul], str]] = {
    "md": lambda haul: to_markdown(document_of(haul)),
    "html": lambda haul: to_html(document_of(haul)),
    "email": _email,
}
# The formats written from the document alone, which can therefore be written in another layout.
DOCUMENT_FORMATS: dict[str, Callable[[ParsedHaul], str]] = {"md": to_markdown, "html": to_html}


def get_haul(number: int) -> Haul:
    haul = Haul.objects.filter(number=number).first()
    if haul is None:
        raise InputError(f"no haul number {number}")
    return haul


def document_of(haul: Haul, layout: str = POST) -> ParsedHaul:
    """The haul as the parser would give it: sections and items merged in position order, then
    arranged in ``layout`` (the post's own order by default)."""
    front = FrontMatter(
        title=haul.title,
        published_at=haul.published_at,
        snippet=haul.snippet,
        tags=tuple(haul.tag_names()),
        extra=tuple((key, value) for key, value in haul.extra_front_matter),
    )
    positioned: list[tuple[int, Block]] = [
        (s.position, ParsedSection(s.heading, s.level, s.body)) for s in haul.sections.all()
    ]
    positioned += [
        (
            i.position,
            ParsedItem(i.url, i.paper.key, i.title, i.abstract, i.commentary, i.closed, position=i.position),
        )
        for i in haul.items.select_related("paper")
    ]
    blocks = tuple(block for _, block in sorted(positioned, key=lambda pair: pair[0]))
    return arrange(ParsedHaul(haul.number, front, blocks), layout)


def render(haul: Haul, fmt: str = "md", layout: str = POST) -> str:
    """The haul in one of FORMATS; ``layout`` other than the post's only for DOCUMENT_FORMATS."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if layout == POST:
        return FORMATS[fmt](haul)
    if fmt not in DOCUMENT_FORMATS:
        raise InputError(f"--layout {layout} works with --format {' or '.join(DOCUMENT_FORMATS)}")
    return DOCUMENT_FORMATS[fmt](document_of(haul, layout))
