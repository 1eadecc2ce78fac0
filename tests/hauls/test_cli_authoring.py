"""`paperhaul haul new|add|show|edit|section|move|remove|check|publish|unpublish|list`, as a user runs them.

Each call goes through the command line's own entry (in this process: a session of some forty
commands); papers are fetched from a fake arXiv API on 127.0.0.1 (authoring_server.py).
"""

from __future__ import annotations

import pytest

from paperhaul.hauls.parse import parse_haul
from tests.cli import CliHere
from tests.hauls.authoring_server import fetched_ids, serve_arxiv


@pytest.fixture
def haul_cli(db, settings, httpserver):
    """The command, with the arXiv API on the local server answering at once."""
    settings.PAPERHAUL_ARXIV_API_URL = serve_arxiv(httpserver)
    settings.PAPERHAUL_ARXIV_DELAY = 0
    settings.PAPERHAUL_HTTP_RETRIES = 0
    settings.PAPERHAUL_HTTP_TIMEOUT = 2
    return CliHere()


def ok(done) -> str:
    assert done.code == 0, done.stderr
    return done.stdout


def test_compose_check_reorder_edit_and_publish_a_haul(haul_cli, httpserver):
    cli = haul_cli
    assert ok(cli("haul", "new", "Week of Hints", "--snippet", "Three papers", "--tag", "llm")) == (
        "created draft haul 1 'Week of Hints' (/hauls/week-of-hints/)\n"
    )
    assert ok(cli("haul", "section", "1", "Papers")) == "added block 1: section 'Papers'\n"
    assert ok(cli("haul", "section", "1", "Comments", "--body", "A *remark*.", "--at", "1")) == (
        "added block 1: section 'Comments'\n"
    )

    added = cli("haul", "add", "1", "https://arxiv.org/abs/2405.00001v1", "--note", "Hints, not answers.")
    assert ok(added) == (
        "added block 3: arxiv:2405.00001 Pedagogical Alignment of Large Language Models (fetched)\n"
    )
    assert added.stderr == ""
    ok(cli("haul", "add", "1", "2405.00002", "--note", "Faster.", "--section", "comments"))

    # The same paper again, in another URL form: added, with a warning; `check` says it too.
    again = cli("haul", "add", "1", "https://huggingface.co/papers/2405.00001", "--json")
    assert again.code == 0
    document = again.json()
    assert (document["position"], document["paper"], document["fetched"]) == (5, "arxiv:2405.00001", False)
    assert [f["kind"] for f in document["findings"]] == ["repeated"]
    assert fetched_ids(httpserver) == ["2405.00001", "2405.00002"]

    check = cli("haul", "check", "1")
    assert check.code == 1
    assert check.stdout == (
        'haul 1: repeated: block 5 "Pedagogical Alignment of Large Language Models" is already in this '
        'haul, block 4 in "Papers" (linked as https://arxiv.org/abs/2405.00001v1)\n'
    )
    assert check.stderr.strip() == "1 finding(s) in 1 haul(s)"
    assert cli("haul", "check", "1", "--json").json()[0]["findings"][0]["other"]["block"] == 4

    assert ok(cli("haul", "remove", "1", "5")).startswith("removed block 5: item 'Pedagogical")
    assert cli("haul", "check", "1").code == 0
    ok(cli("haul", "move", "1", "4", "--to", "2"))  # the first paper above the second, into Comments
    ok(cli("haul", "edit", "1", "2", "--title", "Pedagogical Alignment", "--note", "Edited."))
    ok(cli("haul", "edit", "1", "1", "--heading", "Comments / Criticism"))
    ok(cli("haul", "edit", "1", "--title", "Week of Hints, Revised", "--tag", "llm", "--tag", "education"))

    shown = cli("haul", "show", "1", "--json").json()
    assert shown["title"] == "Week of Hints, Revised" and shown["tags"] == ["llm", "education"]
    assert [(b["position"], b["kind"], b.get("heading") or b["title"]) for b in shown["blocks"]] == [
        (1, "section", "Comments / Criticism"),
        (2, "item", "Pedagogical Alignment"),
        (3, "item", "Sparse Attention for Long Documents"),
        (4, "section", "Papers"),
    ]
    assert [b.get("section") for b in shown["blocks"]] == [
        None,
        "Comments / Criticism",
        "Comments / Criticism",
        None,
    ]
    assert shown["blocks"][1]["commentary"] == "Edited."

    assert ok(cli("haul", "publish", "1", "--at", "2024-05-03T09:30:00Z")) == (
        "published haul 1 at 2024-05-03T09:30:00+00:00\n"
    )
    markdown = ok(cli("haul", "render", "1"))
    parsed = parse_haul(markdown, "week-1.md")
    assert parsed.front.title == "Week of Hints, Revised" and parsed.front.tags == ("llm", "education")
    assert [i.title for i in parsed.items] == ["Pedagogical Alignment", "Sparse Attention for Long Documents"]
    assert "published_at: 2024-05-03T09:30:00.000Z" in markdown

    listed = cli("haul", "list", "--json").json()
    assert [(h["number"], h["status"], h["items"], h["sections"]) for h in listed] == [(1, "published", 2, 2)]
    assert ok(cli("haul", "list")).split() == [
        "1", "published", "2024-05-03", "2", "items", "Week", "of", "Hints,", "Revised",
    ]  # fmt: skip
    assert ok(cli("haul", "unpublish", "1")) == "haul 1 is a draft again\n"
    assert cli("haul", "list", "--json").json()[0]["published_at"] is None


ERRORS = [
    (("haul", "add", "9", "2405.00001"), "no haul number 9"),
    (("haul", "add", "1", "2405.09999"), "arXiv has no paper 2405.09999 (http://"),
    (
        ("haul", "add", "1", "2405.00001", "--section", "Nope"),
        "haul 1 has no section 'Nope' (sections: none)",
    ),
    (("haul", "move", "1", "3", "--to", "1"), "no block 3: the haul has no blocks yet"),
    (("haul", "publish", "1"), "haul 1 has no items: add one before publishing"),
    (("haul", "publish", "1", "--at", "soon"), "not an ISO 8601 date or date-time: 'soon'"),
    (("haul", "new", "Again", "--number", "1"), "haul 1 exists already: pick another --number"),
    (("haul", "edit", "1"), "nothing to change: give --title, --note, --body…"),
]


def test_errors_are_one_line_and_change_nothing(haul_cli):
    ok(haul_cli("haul", "new", "Draft"))
    for args, message in ERRORS:
        done = haul_cli(*args)
        assert done.code == 1, args
        assert done.stderr.startswith(f"CommandError: {message}") and done.stderr.count("\n") == 1, (
            done.stderr
        )
    shown = haul_cli("haul", "show", "1", "--json").json()
    assert (shown["blocks"], shown["status"]) == ([], "draft")
    assert [h["number"] for h in haul_cli("haul", "list", "--json").json()] == [1]


def test_an_option_a_block_does_not_have_is_refused(haul_cli):
    ok(haul_cli("haul", "new", "Draft"))
    ok(haul_cli("haul", "section", "1", "Papers"))
    done = haul_cli("haul", "edit", "1", "1", "--note", "x", "--tag", "y")
    assert (
        done.code == 1 and done.stderr.strip() == "CommandError: --note, --tag: not something a section has"
    )
    broken = haul_cli("haul", "edit", "1", "1", "--body", "text\n## A heading inside")
    assert broken.code == 1 and "would not read back from the haul's Markdown at block 1" in broken.stderr


def test_check_over_the_real_posts(haul_cli, real_posts):
    """What the duplicate check finds on the 13 real posts: nothing (see test_duplicates.py)."""
    ok(haul_cli("import", "haul", *map(str, real_posts)))
    everything = haul_cli("haul", "check")
    assert everything.code == 0, everything.stdout
    assert (everything.stdout, everything.stderr.strip()) == ("", "0 finding(s) in 12 haul(s)")

    ok(haul_cli("haul", "new", "Next"))
    added = haul_cli("haul", "add", "28", "https://arxiv.org/pdf/2311.11077v2")
    assert added.stderr.startswith('warning: block 1 "Adapters: A Unified Library')
    assert 'was covered in haul 27 "ML Arxiv Haul ~27" (2023-12-01), block 4 in "Papers"' in added.stderr
    check = haul_cli("haul", "check", "--json")
    assert check.code == 1
    found = {entry["haul"]: [f["kind"] for f in entry["findings"]] for entry in check.json()}
    assert found[28] == ["covered"] and sum(map(len, found.values())) == 1
