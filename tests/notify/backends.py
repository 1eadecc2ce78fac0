"""An e-mail backend that dies like a killed process right after the SMTP server took a message."""

from __future__ import annotations

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
