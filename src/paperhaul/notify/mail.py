"""The e-mails of subscriptions: confirmation, "already subscribed", the digest, and a haul sent as
the newsletter (the haul's own message, hauls/email.py, with this subscription's links in its footer).

Every address in them is absolute (hauls.publishing.site_url(), PAPERHAUL_SITE_URL): a mail
client has no page to resolve a relative one against. A digest carries the one-click unsubscribe
of RFC 8058 in its headers (an https address the mail client POSTs to, and optionally a mailto),
besides the links in its text.
"""

from __future__ import annotations

import html
import smtplib
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from paperhaul import config
from paperhaul.errors import PaperhaulError
from paperhaul.hauls.email import Footer, haul_message, styled_html
from paperhaul.hauls.models import Haul
from paperhaul.hauls.publishing import site_url
from paperhaul.notify import tokens
from paperhaul.notify.models import Subscription


class MailUnavailable(PaperhaulError):
    """The mail server could not take the message (unreachable, or it refused it)."""


def absolute(path: str) -> str:
    return site_url() + path


def confirm_url(subscription: Subscription) -> str:
    return absolute(reverse("notify:confirm", args=[tokens.confirm_token(subscription)]))


def manage_url(subscription: Subscription) -> str:
    return _signed_link("notify:manage", tokens.manage_token(subscription))


def unsubscribe_url(subscription: Subscription) -> str:
    return _signed_link("notify:unsubscribe", tokens.manage_token(subscription))


def _signed_link(view: str, token: str) -> str:
    return absolute(reverse(view, args=[token]))


def not_interested_url(subscription: Subscription, paper_id: int) -> str:
    return absolute(reverse("notify:not_interested", args=[tokens.manage_token(subscription), paper_id]))


def _context(subscription: Subscription) -> dict:
    return {"subscription": subscription, **_context_with(tokens.manage_token(subscription))}


def _context_with(token: str) -> dict:
    return {
        "site_name": config.get("PAPERHAUL_SITE_NAME"),
        "site_url": site_url(),
        "manage_url": _signed_link("notify:manage", token),
        "unsubscribe_url": _signed_link("notify:unsubscribe", token),
    }


def _text_message(subscription: Subscription, subject: str, template: str, **context) -> EmailMessage:
    body = render_to_string(template, {**_context(subscription), **context})
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [subscription.email])


def confirmation_message(subscription: Subscription) -> EmailMessage:
    site = config.get("PAPERHAUL_SITE_NAME")
    return _text_message(
        subscription,
        f"Confirm your subscription to {site}",
        "notify/email/confirm.txt",
        confirm_url=confirm_url(subscription),
        max_age_days=tokens.CONFIRM_MAX_AGE.days,
    )


def already_subscribed_message(subscription: Subscription) -> EmailMessage:
    site = config.get("PAPERHAUL_SITE_NAME")
    return _text_message(subscription, f"Your {site} subscription", "notify/email/already_subscribed.txt")


def digest_message(subscription: Subscription, subject: str, context: dict) -> EmailMultiAlternatives:
    """The digest as multipart text + HTML (styles inlined), with the List-Unsubscribe headers."""
    context = {**_context(subscription), **context, "subject": subject}
    message = EmailMultiAlternatives(
        subject,
        render_to_string("notify/email/digest.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [subscription.email],
        headers=unsubscribe_headers(subscription),
    )
    message.attach_alternative(styled_html("notify/email/digest.html", context), "text/html")
    return message


# Stand-ins for what differs between two copies of the newsletter (see newsletter_composer).
_RECIPIENT_MARK = "paperhaul-recipient-9d1e4b"
_TOKEN_MARK = "paperhaul-token-9d1e4b"


def newsletter_composer(haul: Haul) -> Callable[[Subscription], EmailMultiAlternatives]:
    """The haul's e-mail for one subscriber after another: their links to manage and unsubscribe
    at the end of both parts, and the List-Unsubscribe headers of a digest.

    Rendering a haul and inlining its styles takes tens of milliseconds, and copies differ only in
    the footer's address and signed links, so the message is rendered once with stand-ins there and
    each copy replaces them. In the HTML part they are escaped as the style inliner writes text
    (``&``, ``<`` and ``>`` only: it rewrites the template's ``&#x27;`` as ``'``).
    """
    context = {
        **_context_with(_TOKEN_MARK),
        "subscription": {"email": _RECIPIENT_MARK},
    }
    footer = Footer(
        render_to_string("notify/email/newsletter_footer.txt", context).strip(),
        # The template escapes every value it prints.
        mark_safe(render_to_string("notify/email/newsletter_footer.html", context).strip()),
    )
    rendered = haul_message(haul, footer=footer)
    [(html_part, _)] = rendered.alternatives

    def compose(subscription: Subscription) -> EmailMultiAlternatives:
        token = tokens.manage_token(subscription)
        message = EmailMultiAlternatives(
            rendered.subject,
            _filled(rendered.body, subscription.email, token),
            rendered.from_email,
            [subscription.email],
            headers=_unsubscribe_headers(subscription.email, token),
        )
        filled_html = _filled(html_part, _as_html(subscription.email), _as_html(token))
        message.attach_alternative(filled_html, "text/html")
        return message

    return compose


def _as_html(text: str) -> str:
    return html.escape(text, quote=False)


def _filled(rendered: str, recipient: str, token: str) -> str:
    return rendered.replace(_RECIPIENT_MARK, recipient).replace(_TOKEN_MARK, token)


def unsubscribe_headers(subscription: Subscription) -> dict[str, str]:
    """RFC 2369 List-Unsubscribe (https, then mailto when configured) and RFC 8058 one-click."""
    return _unsubscribe_headers(subscription.email, tokens.manage_token(subscription))


def _unsubscribe_headers(email: str, token: str) -> dict[str, str]:
    targets = [f"<{_signed_link('notify:unsubscribe', token)}>"]
    mailto = settings.PAPERHAUL_UNSUBSCRIBE_MAILTO
    if mailto:
        subject = quote(f"unsubscribe {email}")
        targets.append(f"<mailto:{mailto}?subject={subject}>")
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def send_now(message: EmailMessage) -> None:
    """Hand one message to the mail server; raises MailUnavailable with a reason the reader can act on."""
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailUnavailable(
            f"the e-mail to {', '.join(message.to)} could not be sent ({exc.__class__.__name__}); "
            "please try again later"
        ) from exc
