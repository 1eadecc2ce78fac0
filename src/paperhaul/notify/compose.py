"""A planned digest as the e-mail its subscriber receives (templates notify/email/digest.*)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.utils.text import Truncator

from paperhaul import config
from paperhaul.enrich.models import Takeaway
from paperhaul.enrich.takeaways import shown
from paperhaul.hauls.publishing import haul_url
from paperhaul.notify import mail
from paperhaul.notify.digests import Section, sections_of
from paperhaul.notify.models import Digest, Subscription
from paperhaul.papers.citation_counts import citation_counts
from paperhaul.papers.models import Paper
from paperhaul.web.links import paper_path

SNIPPET_CHARS = 300
SHOWN_AUTHORS = 3


@dataclass(frozen=True)
class Item:
    """One line of a digest: what the templates show of a paper or a haul."""

    title: str
    url: str
    byline: str
    snippet: str
    not_interested_url: str = ""


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    """The e-mail of a planned digest, as planned (a resumed run sends the same)."""
    return message_for(digest.subscription, digest.period, sections_of(digest))


def message_for(subscription: Subscription, period: str, sections: list[Section]) -> EmailMultiAlternatives:
    count = sum(len(s.papers) + len(s.hauls) for s in sections)
    when = period_label(period)
    site = config.get("PAPERHAUL_SITE_NAME")
    subject = f"{site} {subscription.frequency} digest, {when}: {count} new"
    context = {
        "when": when,
        "sections": [(section.title, _items(subscription, section)) for section in sections],
    }
    return mail.digest_message(subscription, subject, context)


def period_label(period: str) -> str:
    """``daily:2024-06-03`` as "3 June 2024", ``weekly:2024-W23`` as "week 23 of 2024"."""
    frequency, _, rest = period.partition(":")
    if frequency == Subscription.Frequency.WEEKLY:
        year, _, week = rest.partition("-W")
        return f"week {int(week)} of {year}"
    day = dt.date.fromisoformat(rest)
    return f"{day.day} {day:%B %Y}"


def _items(subscription: Subscription, section: Section) -> list[Item]:
    items = [
        Item(
            haul.title,
            haul_url(haul),
            f"{haul.published_at:%d %B %Y}" if haul.published_at else "",
            haul.snippet,
        )
        for haul in section.hauls
    ]
    ids = [paper.pk for paper in section.papers]
    takeaways, cited = shown(ids), citation_counts(ids)
    items += [
        _paper_item(subscription, paper, takeaways.get(paper.pk), cited.get(paper.pk))
        for paper in section.papers
    ]
    return items


def _paper_item(
    subscription: Subscription, paper: Paper, takeaway: Takeaway | None, cited: int | None
) -> Item:
    """A paper with its one-sentence takeaway (readers skim), or the start of its abstract; how
    often it is cited, once counted (papers/citation_counts.py)."""
    authors = list(paper.authors or [])
    byline = ", ".join(authors[:SHOWN_AUTHORS]) + (" et al." if len(authors) > SHOWN_AUTHORS else "")
    details = [
        byline,
        paper.primary_category,
        f"{paper.published:%d %b %Y}" if paper.published else "",
        f"cited by {cited:,}" if cited else "",
    ]
    return Item(
        title=paper.title,
        url=mail.absolute(paper_path(paper)),
        byline=" · ".join(d for d in details if d),
        snippet=takeaway.text
        if takeaway
        else Truncator(" ".join(paper.abstract.split())).chars(SNIPPET_CHARS),
        not_interested_url=mail.not_interested_url(subscription, paper.pk),
    )
