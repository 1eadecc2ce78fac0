"""E-mail to a reader when someone replies to their comment.

A reply, once committed, queues a task (`send_reply_notice`, run by `paperhaul worker`) so that
posting never waits for the mail server. The task waits PAPERHAUL_REPLY_EMAIL_DELAY minutes, then
e-mails the author of the answered comment the reply and every other reply to them posted since
that is not e-mailed yet: a lively thread makes one e-mail every few minutes, not one per reply.
Nothing is sent when they wrote the reply themselves, have no address, turned these e-mails off,
or the reply is no longer in view. ReplyNotice rows are written before the e-mail is handed over,
so a reply is e-mailed once however many tasks run; what the mail server said when it refused is
kept on them (the replies are on the reader's profile, under "Replies", all the same).

Every such e-mail carries a signed link that turns them off in one click (RFC 8058's headers
too), and the profile's Replies tab turns them back on. On the site, the page header announces the
replies posted since the reader last marked them seen (on the Replies tab).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django_tasks import task

from paperhaul import config
from paperhaul.community.models import Comment
from paperhaul.community.people import replies_to
from paperhaul.hauls.publishing import site_url
from paperhaul.notify.mail import MailUnavailable, send_now
from paperhaul.notify.models import ReaderPreferences, ReplyNotice
from paperhaul.web.links import paper_path

log = logging.getLogger(__name__)
_SALT = "paperhaul.notify.replies"
QUOTED_REPLY = 2000
QUOTED_COMMENT = 500
MAX_REPLIES = 50  # in one e-mail; more go in the next


class BadLink(Exception):
    """The link to turn reply e-mails off is forged, garbled, or its account is gone."""


def stop_token(user: AbstractBaseUser) -> str:
    """Signed, without expiry: the link of an old e-mail keeps working."""
    return signing.Signer(salt=_SALT).sign_object(user.pk)


def user_of(token: str) -> AbstractBaseUser:
    try:
        pk = signing.Signer(salt=_SALT).unsign_object(token)
    except (signing.BadSignature, TypeError, ValueError):
        raise BadLink("this link is not valid") from None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise BadLink("this link is no longer valid")
    return user


def wants_replies(user: AbstractBaseUser) -> bool:
    chosen = ReaderPreferences.objects.filter(user=user).values_list("email_replies", flat=True).first()
    return True if chosen is None else chosen


def set_wants_replies(user: AbstractBaseUser, wanted: bool) -> None:
    preferences, _ = ReaderPreferences.objects.get_or_create(user=user)
    if preferences.email_replies != wanted:
        preferences.email_replies = wanted
        preferences.save(update_fields=["email_replies", "updated_at"])


def replies_seen_at(user: AbstractBaseUser) -> dt.datetime | None:
    """When the reader last marked the replies to their comments seen (None: never)."""
    return ReaderPreferences.objects.filter(user=user).values_list("replies_seen_at", flat=True).first()


def new_replies(user: AbstractBaseUser, seen_at: dt.datetime | None) -> QuerySet[Comment]:
    """Replies by others to the reader's comments, in view, posted after ``seen_at``."""
    replies = replies_to(user)
    return replies if seen_at is None else replies.filter(created_at__gt=seen_at)


def unread_replies(user: AbstractBaseUser) -> int:
    """How many replies the page header announces to the reader (0 when signed out)."""
    if not user.is_authenticated:
        return 0
    return new_replies(user, replies_seen_at(user)).count()


def mark_replies_seen(user: AbstractBaseUser) -> None:
    """Every reply so far is seen: the header stops announcing them (a POST, never a page view)."""
    preferences, _ = ReaderPreferences.objects.get_or_create(user=user)
    preferences.replies_seen_at = timezone.now()
    preferences.save(update_fields=["replies_seen_at", "updated_at"])


def on_comment_posted(comment: Comment, **_: object) -> None:
    """Receiver of community's comment_posted: a reply queues its e-mail, to go after the delay."""
    if comment.parent_id is None:
        return
    delay = settings.PAPERHAUL_REPLY_EMAIL_DELAY
    if delay > 0:
        send_reply_notice.using(run_after=timezone.now() + dt.timedelta(minutes=delay)).enqueue(comment.pk)
    else:
        send_reply_notice.enqueue(comment.pk)


@task()
def send_reply_notice(comment_id: int) -> str:
    """E-mail the reply ``comment_id``, with the other replies to the same reader posted since and not
    e-mailed yet, to the author of the comment it answers; says what it did."""
    reply = Comment.objects.select_related("author", "paper", "parent__author").filter(pk=comment_id).first()
    why_not = _why_not(reply)
    if why_not:
        return why_not
    try:
        with transaction.atomic():
            if ReplyNotice.objects.filter(comment=reply).exists():
                return "sent before"
            replies = [reply, *_waiting_with(reply)]
            ReplyNotice.objects.bulk_create(ReplyNotice(comment=one) for one in replies)
    except IntegrityError:  # another task took one of them at the same moment: it sends them
        return "sent before"
    try:
        send_now(reply_message(replies))
    except MailUnavailable as exc:
        log.warning("replies %s: %s", [one.pk for one in replies], exc)
        ReplyNotice.objects.filter(comment__in=replies).update(error=str(exc))
        return "refused"
    return "sent" if len(replies) == 1 else f"sent with {len(replies) - 1} more"


def _waiting_with(reply: Comment) -> list[Comment]:
    """The replies to the same reader posted after ``reply`` and not e-mailed yet (those before it
    went with the tasks of their own, or were not to be sent then)."""
    recipient = reply.parent.author
    later = Comment.objects.filter(
        parent__author=recipient,
        deleted_at=None,
        hidden_at=None,
        parent__deleted_at=None,
        parent__hidden_at=None,
        created_at__gte=reply.created_at,
    )
    later = (
        later.exclude(author=recipient)
        .exclude(pk=reply.pk)
        .exclude(pk__in=ReplyNotice.objects.values("comment_id"))
    )
    related = later.select_related("author", "paper", "parent__author")
    return list(related.order_by("created_at", "id")[: MAX_REPLIES - 1])


def _why_not(reply: Comment | None) -> str:
    if reply is None or reply.parent is None:
        return "no such reply"
    if not reply.visible or not reply.parent.visible:
        return "no longer in view"
    recipient = reply.parent.author
    if recipient is None or not recipient.is_active or not recipient.email:
        return "no one to tell"
    if recipient.pk == reply.author_id:
        return "their own reply"
    if not wants_replies(recipient):
        return "turned off"
    return ""


def reply_message(replies: list[Comment]) -> EmailMessage:
    """The plain-text e-mail: for each reply who replied, the reply and the comment quoted, the link
    to the thread; and the one-click way to stop these e-mails."""
    recipient = replies[0].parent.author
    site = config.get("PAPERHAUL_SITE_NAME")
    stop_url = site_url() + reverse("notify:stop_replies", args=[stop_token(recipient)])
    context = {
        "replies": [
            {
                "replier": _replier(reply),
                "paper": reply.paper,
                "reply": _quoted(reply.body, QUOTED_REPLY),
                "comment": _quoted(reply.parent.body, QUOTED_COMMENT),
                "thread_url": f"{site_url()}{paper_path(reply.paper)}#comment-{reply.pk}",
            }
            for reply in replies
        ],
        "profile_url": site_url() + reverse("profile", args=[recipient.username]) + "?show=replies",
        "stop_url": stop_url,
        "site_name": site,
        "site_url": site_url(),
    }
    return EmailMessage(
        _subject(replies),
        render_to_string("notify/email/reply.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        headers={"List-Unsubscribe": f"<{stop_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def _replier(reply: Comment) -> str:
    return reply.author.username if reply.author else "someone"


def _subject(replies: list[Comment]) -> str:
    papers = {reply.paper_id for reply in replies}
    on = f" on “{_short(replies[0].paper.title)}”" if len(papers) == 1 else ""
    if len(replies) == 1:
        return f"{_replier(replies[0])} replied to your comment{on}"
    return f"{len(replies)} replies to your comments{on}"


def _quoted(text: str, most: int) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in Truncator(text).chars(most).splitlines())


def _short(title: str) -> str:
    """The title on one line (a header holds no line break), at most 80 characters."""
    return Truncator(" ".join(title.split())).chars(80)
