"""An e-mail backend that dies like a killed process right after the SMTP server took a message."""

from __future__ import annotations

import pytest
from django.core.mail.backends.smtp import EmailBackend


class ProcessKilled(BaseException):
    """Not an Exception: nothing in paperhaul catches it, as nothing can catch a SIGKILL."""


class DiesAfterDelivering(EmailBackend):
    """Real SMTP; the ``limit``-th message delivered kills the run before paperhaul hears of it."""

    limit = 2
    delivered = 0

    def send_messages(self, email_messages) -> int:
        sent = super().send_messages(email_messages)
        type(self).delivered += sent
        if type(self).delivered >= self.limit:
            raise ProcessKilled
        return sent


def crash_after_two_then_resume(send, emails: list[str], postbox, settings):
    """Run ``send()`` with batches of 3 until the process "dies" right after the second delivery,
    check that only the first two addresses got their message, then run it again over real SMTP
    and return the second run's stats (each address must then have exactly one message)."""
    settings.PAPERHAUL_DIGEST_BATCH = 3
    settings.EMAIL_BACKEND = "tests.notify.backends.DiesAfterDelivering"
    DiesAfterDelivering.delivered, DiesAfterDelivering.limit = 0, 2
    with pytest.raises(ProcessKilled):
        send()
    assert [m["To"] for m in postbox.messages] == emails[:2]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    stats = send()
    assert sorted(m["To"] for m in postbox.messages) == sorted(emails)  # each address exactly once
    return stats
