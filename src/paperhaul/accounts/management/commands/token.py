from __future__ import annotations

from django.contrib.auth import get_user_model

from paperhaul.accounts import services
from paperhaul.errors import InputError
from paperhaul.papers.management.base import LibraryCommand


class Command(LibraryCommand):
    help = "Make an API token for a user and print it (only once: just its fingerprint is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", metavar="USERNAME")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise InputError(f"no such user: {username}")
        row, token = services.issue_token(user, name)
        self.stdout.write(token)
        self.stderr.write(f"token “{row.name}” for {username}: keep it now, it is not shown again")
