"""A haul as an e-mail: multipart/alternative, plain text first, then HTML with inlined styles.

``haul_message`` builds one Django EmailMultiAlternatives, so `paperhaul haul render N --format
email` (the .eml written to a file) and a newsletter sent through Django's e-mail backend are the
very same message. Mail clients drop <style> blocks and resolve no relative address, so the HTML
part carries its styles in style attributes (css-inline) and every link and image is absolute
(PAPERHAUL_SITE_URL); it is the sanitised article of hauls/html.py, so hostile commentary
stays inert here too.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

import css_inline
import lxml.html
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from paperhaul import config
from paperhaul.hauls.document import ParsedHaul, ParsedItem, ParsedSection
from paperhaul.hauls.html import article_html, markdown_html
from paperhaul.hauls.models import Haul
from paperhaul.hauls.plaintext import html_to_text, plain_title, underline
from paperhaul.hauls.publishing import haul_url, site_url
from paperhaul.hauls.render import document_of

TEMPLATE = "hauls/email/haul.html"
# Styles come from the template's own <style>; nothing is ever fetched to render a message.
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False)


@dataclass(frozen=True)
class Footer:
    """What a sender adds at the end of both parts: a newsletter's links to manage or stop the
    subscription (notify/newsletter.py), which differ for each recipient."""

    text: str
    html: SafeString  # rendered by a template, so escaped already


def haul_message(
    haul: Haul, to: Sequence[str] = (), *, footer: Footer | None = None
) -> EmailMultiAlternatives:
    """The haul as a message from PAPERHAUL_EMAIL_FROM, subject the haul's title, ready to send."""
    doc = document_of(haul)
    web_url = haul_url(haul)
    message = EmailMultiAlternatives(
        subject=haul.title,
        body=email_text(doc, web_url, footer.text if footer else ""),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
    )
    message.attach_alternative(email_html(doc, web_url, footer.html if footer else ""), "text/html")
    return message


def eml(haul: Haul) -> str:
    """The message as an RFC 5322 file (.eml), without recipients."""
    return haul_message(haul).message().as_string()


def email_html(doc: ParsedHaul, web_url: str, footer: SafeString | str = "") -> str:
    """The e-mail's HTML part: the sanitised article in a 640px layout, styles inlined."""
    return styled_html(
        TEMPLATE,
        {
            "title": doc.front.title,
            # nh3 cleaned it (hauls/html.py); lxml only made its addresses absolute.
            "article": mark_safe(absolute_links(article_html(doc), web_url)),
            "web_url": web_url,
            "site_name": config.get("PAPERHAUL_SITE_NAME"),
            "site_url": site_url(),
            "footer": footer,
        },
    )


def styled_html(template: str, context: dict) -> str:
    """An e-mail's HTML part (a template extending email/layout.html) with its styles inlined."""
    return _INLINER.inline(render_to_string(template, context))


def absolute_links(fragment: str, page_url: str) -> str:
    """The fragment with every link and image absolute.

    A root-relative address (``/blog-images/x.png``, as the posts write them) is put under
    PAPERHAUL_SITE_URL, which may itself have a path; anything else relative is read against
    ``page_url`` (the haul's page).
    """
    site = site_url()

    def absolute(link: str) -> str:
        link = link.strip()
        if link.startswith("/") and not link.startswith("//"):
            return site + link
        return urljoin(page_url, link)

    holder = lxml.html.fragment_fromstring(fragment, create_parent="div")
    holder.rewrite_links(absolute, resolve_base_href=False)
    return html.escape(holder.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in holder
    )


def email_text(doc: ParsedHaul, web_url: str, footer: str = "") -> str:
    """The plain-text part: headings, then each item as its title, its URL and the commentary."""
    front = doc.front
    head = [underline(front.title, "=")]
    if front.published_at:
        head.append(" · ".join([f"{front.published_at:%d %B %Y}", *front.tags]))
    if front.snippet:
        head.append(front.snippet)
    parts = ["\n".join(head), f"View this haul on the web: {web_url}"]
    for block in doc.blocks:
        if isinstance(block, ParsedSection):
            parts.extend(_section_text(block, web_url))
        else:
            parts.extend(_item_text(block, web_url))
    signature = f"-- \n{config.get('PAPERHAUL_SITE_NAME')} · {site_url()}/"
    parts.append(f"{signature}\n{footer}" if footer else signature)
    return "\n\n".join(part for part in parts if part) + "\n"


def _section_text(section: ParsedSection, web_url: str) -> list[str]:
    heading = underline(section.heading, "=" if section.level == 1 else "-") if section.heading else ""
    return [heading, _markdown_text(section.body, web_url)]


def _item_text(item: ParsedItem, web_url: str) -> list[str]:
    title = f"{plain_title(item.title)}\n{html.unescape(item.url)}"
    return [title, _markdown_text(item.commentary, web_url), "----" if item.closed else ""]


def _markdown_text(text: str, web_url: str) -> str:
    """The curator's Markdown as plain text, rendered and cleaned as on the web, links absolute."""
    return html_to_text(absolute_links(markdown_html(text), web_url)) if text.strip() else ""
