"""Rendering an imported haul: rebuilt as a ParsedHaul from the database, then written out.

One entry per format of `paperhaul haul render`: the post's Markdown, HTML for the web, or the
e-mail (an .eml file, hauls/email.py). Each takes the Haul, as the e-mail links to the haul's page.
"""

from __future__ import annotations

from collections.abc import Callable

from paperhaul.errors import InputError
from paperhaul.hauls.document import Block, FrontMatter, ParsedHaul, ParsedItem, ParsedSection
from paperhaul.hauls.html import to_html
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


def get_haul(number: int) -> Haul:
    haul = Haul.objects.filter(number=number).first()
    if haul is None:
        raise InputError(f"no haul number {number}")
    return haul


def document_of(haul: Haul) -> ParsedHaul:
    """The haul as the parser would give it: sections and items merged in position order."""
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
            ParsedItem(i.url, i.paper.key, i.title, i.abstract, i.commentary, i.closed),
        )
        for i in haul.items.select_related("paper")
    ]
    blocks = tuple(block for _, block in sorted(positioned, key=lambda pair: pair[0]))
    return ParsedHaul(haul.number, front, blocks)


def render(haul: Haul, fmt: str = "md") -> str:
    """The haul in one of FORMATS."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return FORMATS[fmt](haul)
