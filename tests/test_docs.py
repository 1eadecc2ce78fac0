"""Docs that must not drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

from paperhaul.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def _table_rows(text: str) -> dict[str, str]:
    rows = {}
    for match in re.finditer(r"^\| `([A-Z0-9_]+)` \| ([^|]*) \|", text, re.MULTILINE):
        default = match.group(2).strip()
        rows[match.group(1)] = "" if default == "(empty)" else default.strip("`")
    return rows


def test_every_setting_is_documented_with_its_default():
    documented = _table_rows((ROOT / "docs" / "configuration.md").read_text())
    assert set(documented) == set(SETTINGS), "docs/configuration.md and config.SETTINGS differ"
    for name, setting in SETTINGS.items():
        assert documented[name] == setting.default, f"{name}: documented default differs"


def test_every_paperhaul_command_is_documented_in_the_cli_reference():
    reference = (ROOT / "docs" / "cli.md").read_text()
    ours = sorted(name for name, app in get_commands().items() if app.startswith("paperhaul."))
    missing = [name for name in ours if f"paperhaul {name}" not in reference]
    assert not missing, f"undocumented commands: {missing}"


def test_the_documented_fusion_constants_are_the_code_s():
    from paperhaul.search import hybrid

    text = (ROOT / "docs" / "search.md").read_text()
    share = hybrid.LEXICAL_SHARE
    documented = f"`{share:g} x lexical + {1 - share:g} x semantic`"
    assert documented in text


def test_the_documented_trending_formula_is_the_code_s():
    from paperhaul.community import trending

    text = (ROOT / "docs" / "web.md").read_text()
    half_life = f"{trending.HALF_LIFE.total_seconds() / 3600:g}"
    times = "\N{MULTIPLICATION SIGN}"
    formula = (
        f"score = Σ over upvotes 2^(-age / {half_life} h) + {trending.COMMENT_WEIGHT:g} {times} "
        f"Σ over comments 2^(-age / {half_life} h)"
    )
    assert formula in text
    assert f"the last {trending.WINDOW.days} days" in text


def test_the_readme_tour_shows_what_its_imports_print(cli, shared):
    """The tour's imports of ../shared, run in its order on a fresh library, print what it shows."""
    tour = (ROOT / "README.md").read_text()
    steps = re.findall(r"^\$ paperhaul (import \S+ \.\./shared/\S+).*\n((?:[^$\n].*\n)*)", tour, re.MULTILINE)
    assert len(steps) >= 3, "the README's tour no longer imports the shared data"
    for command, shown in steps:
        fmt, path = command.split()[1:]
        done = cli("import", fmt, str(shared / path.removeprefix("../shared/")))
        assert done.code == 0, done.stderr
        printed = (done.stdout + done.stderr).splitlines()
        assert printed == shown.splitlines(), f"paperhaul {command}"


def test_the_documented_list_import_limit_is_the_code_s():
    from paperhaul.community.list_fetching import MAX_FETCHED

    text = " ".join((ROOT / "docs" / "web.md").read_text().split())
    assert f"OpenReview forum), up to {MAX_FETCHED} a file, are then fetched" in text
