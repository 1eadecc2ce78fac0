"""`paperhaul import haul` and `paperhaul haul render` end to end, as a user runs them."""

from __future__ import annotations

import re
from pathlib import Path

from paperhaul.hauls.parse import parse_haul
from tests.hauls.conftest import block, post, without_whitespace_differences


def test_import_a_folder_then_render_a_haul(cli, shared, tmp_path: Path):
    folder = shared / "data" / "hauls"
    done = cli("import", "haul", str(folder))
    assert done.code == 0, done.stderr
    assert (
        done.stdout.strip()
        == "hauls: added 11 / updated 0 / unchanged 0; items 197; papers added 197; mentions 0"
    )
    assert re.search(
        r"^\d+ papers are known only by a link, a citation or a title: `paperhaul refresh --incomplete`",
        done.stderr,
        re.M,
    )
    again = cli("import", "haul", str(folder), "--json")
    assert again.json()["unchanged"] == 11 and again.json()["added"] == 0

    rendered = cli("haul", "render", "20", "--format", "md")
    assert rendered.code == 0, rendered.stderr
    original = (folder / "ml-arxiv-20.md").read_text(encoding="utf-8")
    assert parse_haul(rendered.stdout, "ml-arxiv-20.md") == parse_haul(original, "ml-arxiv-20.md")
    assert without_whitespace_differences(rendered.stdout) == without_whitespace_differences(original)

    output = tmp_path / "out.md"
    assert cli("haul", "render", "20", "--output", str(output)).code == 0
    assert output.read_text(encoding="utf-8") == rendered.stdout


def test_errors_are_one_line_and_leave_nothing_behind(cli, tmp_path: Path):
    bad = tmp_path / "ml-arxiv-20.md"
    bad.write_text(
        post("<blockquote>\n    <a>\n    <h4>No link</h4>\n    </a>\n</blockquote>\n"), encoding="utf-8"
    )
    done = cli("import", "haul", str(bad))
    assert done.code == 1
    assert (
        done.stderr.strip() == f'CommandError: {bad}:9: paper block without a link: <a href="URL"> is missing'
    )

    missing = cli("haul", "render", "20")
    assert missing.code == 1 and missing.stderr.strip() == "CommandError: no haul number 20"
    nowhere = cli("haul", "render", "20", "--output", str(tmp_path / "no" / "such.md"))
    assert nowhere.code == 1


def test_warnings_go_to_stderr_and_the_post_still_imports(cli, tmp_path: Path):
    path = tmp_path / "p.md"
    path.write_text(
        post(block("https://arxiv.org/abs/2301.00001", "One") + "\n<script>x</script>\n"), encoding="utf-8"
    )
    done = cli("import", "haul", str(path))
    assert done.code == 0
    assert f"warning: {path}:8: commentary holds '<script'" in done.stderr
    assert "hauls: added 1" in done.stdout
