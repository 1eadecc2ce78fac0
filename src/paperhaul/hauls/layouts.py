"""How a haul's papers are arranged when it is written out: as the post has them, or by topic.

The seed highlights article files its papers under topic headings ("Large Language Models",
"Computer Vision", ...). The ``topics`` layout does that for any haul: each paper goes under its
most confident topic (enrich/), the groups in the taxonomy's order and the papers of a group in the
post's order, papers without a topic last under "Other papers". The groups take the place of the
post's first paper; free sections keep their order, except a heading without text of its own that
introduced later papers (those papers are in their groups now). The post itself is not changed.
"""

from __future__ import annotations

from dataclasses import replace

from paperhaul.enrich.display import main_topics
from paperhaul.enrich.models import Topic
from paperhaul.errors import InputError
from paperhaul.hauls.document import Block, ParsedHaul, ParsedItem, ParsedSection

POST, TOPICS = "post", "topics"
LAYOUTS = (POST, TOPICS)
OTHER_PAPERS = "Other papers"


def arrange(doc: ParsedHaul, layout: str) -> ParsedHaul:
    """The haul in ``layout``; an unknown layout is an InputError naming the known ones."""
    if layout == POST:
        return doc
    if layout == TOPICS:
        return by_topic(doc)
    raise InputError(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")


def by_topic(doc: ParsedHaul) -> ParsedHaul:
    """The haul with its papers grouped under topic headings (see the module's docstring)."""
    items = doc.items
    if not items:
        return doc
    first = next(i for i, block in enumerate(doc.blocks) if isinstance(block, ParsedItem))
    topic_of = main_topics(item.key for item in items)
    groups: dict[Topic | None, list[ParsedItem]] = {}
    for item in items:
        groups.setdefault(topic_of.get(item.key), []).append(item)
    level = _group_level(doc.blocks, first)
    grouped: list[Block] = []
    for topic in sorted(groups, key=_group_order):
        grouped.append(ParsedSection(topic.name if topic else OTHER_PAPERS, level, ""))
        grouped.extend(groups[topic])
    rest = [
        block
        for i, block in enumerate(doc.blocks[first:], start=first)
        if isinstance(block, ParsedSection) and not _introduces_papers(doc.blocks, i)
    ]
    return replace(doc, blocks=(*doc.blocks[:first], *grouped, *rest))


def _group_order(topic: Topic | None) -> tuple:
    return (1, 0, "") if topic is None else (0, topic.position, topic.name)


def _introduces_papers(blocks: tuple[Block, ...], index: int) -> bool:
    """A heading with no text of its own right before a paper ("## Papers")."""
    block = blocks[index]
    return (
        isinstance(block, ParsedSection)
        and bool(block.heading)
        and not block.body.strip()
        and index + 1 < len(blocks)
        and isinstance(blocks[index + 1], ParsedItem)
    )


def _group_level(blocks: tuple[Block, ...], first: int) -> int:
    """Topic headings go under the heading that introduced the papers ("## Papers": level 3), else 2."""
    if first > 0 and _introduces_papers(blocks, first - 1):
        return min(blocks[first - 1].level + 1, 6)
    return 2
