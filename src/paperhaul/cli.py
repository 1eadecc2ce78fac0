"""The `paperhaul` command: Django's management commands under one name, with settings set once."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperhaul.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["paperhaul", *args])


if __name__ == "__main__":
    main()
