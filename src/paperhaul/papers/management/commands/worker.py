from __future__ import annotations

from django.core.management import call_command

from paperhaul.notify import tasks as digests
from paperhaul.papers import schedule
from paperhaul.papers.management.base import LibraryCommand


class Command(LibraryCommand):
    help = "Run queued tasks (django-tasks database backend); run as many workers as needed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")

    def handle(self, *args, batch: bool, **options) -> None:
        digests.ensure_scheduled()  # the digests' schedule (docs/subscriptions.md)
        schedule.ensure_scheduled()  # fetching new papers every day (papers/schedule.py)
        call_command("db_worker", batch=batch, verbosity=options["verbosity"])
