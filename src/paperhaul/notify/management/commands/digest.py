"""`paperhaul digest send|preview|haul`: e-mail digests, and a haul as the newsletter, to subscribers
(docs/subscriptions.md)."""

from __future__ import annotations

from collections.abc import Callable

from paperhaul.errors import InputError, PaperhaulError
from paperhaul.hauls.models import Haul
from paperhaul.notify.compose import message_for
from paperhaul.notify.digests import Period, build_sections, today
from paperhaul.notify.models import Subscription
from paperhaul.notify.newsletter import check_sendable, send_newsletter
from paperhaul.notify.sending import Progress, SendStats, send_digests
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
        haul = subcommands.add_parser(
            "haul", help="send a published haul as the newsletter to its subscribers (run again to resume)"
        )
        haul.add_argument("number", type=int, help="the haul's number")
        haul.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    def handle_send(self, *, frequency: str, date: str | None, json: bool, **options) -> None:
        period = Period(frequency, iso_date(date) if date else today())
        stats = self._with_bar(f"digest {period.key}", lambda report: send_digests(period, progress=report))
        self._report(stats, stats.period, stats.as_json() if json else None, with_empty=True)

    def handle_haul(self, *, number: int, json: bool, **options) -> None:
        haul = Haul.objects.filter(number=number).first()
        if haul is None:
            raise InputError(f"no haul {number}")
        check_sendable(haul)  # before the progress bar starts
        stats = self._with_bar(f"haul {number}", lambda report: send_newsletter(haul, progress=report))
        self._report(stats, f"haul {number}", {"haul": number, **stats.as_json()} if json else None)

    def _with_bar(self, label: str, send: Callable[[Progress], SendStats]) -> SendStats:
        with progress_bar(label) as bar:

            def report(done: int, total: int) -> None:
                bar.update(completed=done, total=total, records=f"{done:,}", rate="-")

            return send(report)

    def _report(
        self, stats: SendStats, label: str, as_json: dict | None, *, with_empty: bool = False
    ) -> None:
        """One line of counts (or the JSON document), then a failing exit when the run stopped."""
        if as_json is not None:
            self.print_json(as_json)
        else:
            counts = [f"sent {stats.sent} ({stats.sent_now} now)"]
            counts += [f"empty {stats.empty}"] if with_empty else []
            counts += [
                f"failed {stats.failed}",
                f"waiting {stats.pending}",
                f"interrupted {stats.interrupted}",
            ]
            self.stdout.write(f"{label}: {' / '.join(counts)}")
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
