"""`paperhaul digest send|preview`: e-mail digests to subscribers (docs/subscriptions.md)."""

from __future__ import annotations

from paperhaul.errors import InputError, PaperhaulError
from paperhaul.notify.compose import message_for
from paperhaul.notify.digests import Period, build_sections, today
from paperhaul.notify.models import Subscription
from paperhaul.notify.sending import send_digests
from paperhaul.notify.subscriptions import normalise_email
from paperhaul.papers.management.base import LibraryCommand
from paperhaul.papers.management.commands.list import iso_date
from paperhaul.progress import progress_bar


class Command(LibraryCommand):
    help = "Send the digests of a period to subscribers (resumable), or preview one."

    def add_arguments(self, parser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        send = subcommands.add_parser("send", help="send the period's digests (run again to resume)")
        send.add_argument("--frequency", choices=Subscription.Frequency.values, required=True)
        send.add_argument("--date", help="the day the period is for, YYYY-MM-DD (default: today)")
        send.add_argument("--json", action="store_true", help="print the summary as JSON")
        preview = subcommands.add_parser("preview", help="print the next digest of an address; sends nothing")
        preview.add_argument("email")
        preview.add_argument("--date", help="the day the period is for, YYYY-MM-DD (default: today)")
        preview.add_argument("--html", action="store_true", help="print the HTML part instead of the text")

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    def handle_send(self, *, frequency: str, date: str | None, json: bool, **options) -> None:
        period = Period(frequency, iso_date(date) if date else today())
        with progress_bar(f"digest {period.key}") as bar:

            def report(done: int, total: int) -> None:
                bar.update(completed=done, total=total, records=f"{done:,}", rate="-")

            stats = send_digests(period, progress=report)
        if json:
            self.print_json(stats.as_json())
        else:
            self.stdout.write(
                f"{stats.period}: sent {stats.sent} ({stats.sent_now} now) / empty {stats.empty} / "
                f"failed {stats.failed} / waiting {stats.pending} / interrupted {stats.interrupted}"
            )
        if stats.stopped:
            raise PaperhaulError(stats.stopped)

    def handle_preview(self, *, email: str, date: str | None, html: bool, **options) -> None:
        subscription = Subscription.objects.filter(email=normalise_email(email)).first()
        if subscription is None:
            raise InputError(f"no subscription for {email}")
        period = Period(subscription.frequency, iso_date(date) if date else today())
        sections = build_sections(subscription, period)
        if not sections:
            self.stderr.write(f"nothing new for {subscription.email} in {period.key}")
            return
        message = message_for(subscription, period.key, sections)
        self.stdout.write(message.alternatives[0].content if html else message.body, ending="")
