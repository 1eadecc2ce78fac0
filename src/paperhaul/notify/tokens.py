"""The signed links of the e-mails: confirm a subscription, manage it, unsubscribe.

A token is the subscription's id and secret, signed with the site's secret key and a salt per
use, so a confirmation token cannot be used to manage and neither can be forged. A confirmation
link expires (CONFIRM_MAX_AGE); a management link does not, since the unsubscribe link of an
old e-mail must keep working (RFC 8058). Rotating a subscription's secret voids every link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core import signing

from paperhaul.notify.models import Subscription

CONFIRM_MAX_AGE = dt.timedelta(days=7)
_CONFIRM_SALT = "paperhaul.notify.confirm"
_MANAGE_SALT = "paperhaul.notify.manage"


class BadToken(Exception):
    """The link is forged, garbled, expired or points to a subscription that no longer exists."""


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps([subscription.pk, subscription.secret], salt=_CONFIRM_SALT, compress=True)


def manage_token(subscription: Subscription) -> str:
    """Without a timestamp: the same link in every e-mail and header of a subscription."""
    return signing.Signer(salt=_MANAGE_SALT).sign_object(
        [subscription.pk, subscription.secret], compress=True
    )


def from_manage_token(token: str) -> Subscription:
    return _load(lambda: signing.Signer(salt=_MANAGE_SALT).unsign_object(token))


def from_confirm_token(token: str) -> Subscription:
    return _load(lambda: signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE))


def _load(unsign: Callable[[], list]) -> Subscription:
    try:
        pk, secret = unsign()
    except signing.SignatureExpired:
        raise BadToken("this link has expired") from None
    except (signing.BadSignature, TypeError, ValueError):
        raise BadToken("this link is not valid") from None
    subscription = Subscription.objects.filter(pk=pk, secret=secret).first()
    if subscription is None:
        raise BadToken("this link is no longer valid") from None
    return subscription
