"""The `paperhaul` command: Django's management commands under one name, with settings set once."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperhaul.settings")
    from django.core.management import execute_from_command_line

    from paperhaul.config import SettingError

    args = sys.argv[1:] if argv is None else argv
    try:
        execute_from_command_line(["paperhaul", *args])
    except SettingError as error:  # read while Django sets up: one line, not a traceback
        sys.exit(f"paperhaul: {error}")


if __name__ == "__main__":
    main()
