"""The base of paperhaul's commands: one-line errors, a migrated database, Ctrl-C handled."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from paperhaul.errors import PaperhaulError


def ensure_schema() -> None:
    """Apply pending migrations quietly, so every command works on a fresh PAPERHAUL_HOME."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)


class LibraryCommand(BaseCommand):
    """A command over the library; PaperhaulErrors become one line on stderr and exit status 1."""

    requires_system_checks: list = []

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            ensure_schema()
            return super().execute(*args, **options)
        except PaperhaulError as exc:
            raise CommandError(str(exc).replace("\n", " ")) from exc
        except KeyboardInterrupt:
            self.stderr.write("interrupted: what was committed is kept; run the command again to carry on")
            sys.exit(130)

    def print_json(self, document: Any) -> None:
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str))
