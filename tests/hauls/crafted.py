"""Three crafted hauls for the publishing tests (web pages, feeds, sitemap).

~7 (tags arxiv, llm) and ~8 (tag vision, a title with "&") are published; ~9 (tag llm) is a
draft. ~7 carries hostile HTML in a section, in a paper block's title and in commentary.
"""

from __future__ import annotations

from pathlib import Path

from paperhaul.hauls.importing import import_hauls
from paperhaul.hauls.models import Haul
from tests.hauls.conftest import block, post

HOSTILE = (
    "Nice.<script>alert(1)</script> <img src=x onerror=alert(2)> "
    '<a href="javascript:alert(3)">click</a> <iframe src="https://evil.example"></iframe>\n\n'
    '<img src="https://example.org/figure.png" alt="Figure 2">\n\n'
    "See [the code](https://github.com/example/repo).\n"
)


def _draft(body: str) -> str:
    return f"---\ntitle: Unfinished Haul ~9\nsnippet: not yet\ntags: llm\n---\n\n{body}"


def import_crafted(folder: Path) -> dict[int, Haul]:
    """Write and import the three hauls; returns them by number."""
    posts = {
        "ml-arxiv-7.md": post(
            "## Comments / Criticism\n\nA remark.<script>alert(4)</script>\n\n## New Paper Content\n\n"
            + block("https://arxiv.org/abs/2401.00001v2", 'Direct Preference <img src=x onerror="alert(5)">')
            + HOSTILE
            + "<hr/>\n\n"
            + block("https://arxiv.org/abs/2401.00002", "Sparse Attention for Long Documents")
            + "\nWorth a read.\n"
        ),
        "ml-arxiv-8.md": post(
            block("https://github.com/example/speech", "Speech Recognition with Tiny Transformers")
            + "\nSmall and fast.\n",
            title="Vision & Sound Haul ~8",
            published="2023-06-01T10:00:00.000Z",
        ).replace("tags: arxiv, llm", "tags: vision"),
        "ml-arxiv-9.md": _draft(block("https://arxiv.org/abs/2401.00004", "Reward Models Are Not Enough")),
    }
    for name, text in posts.items():
        (folder / name).write_text(text, encoding="utf-8")
    import_hauls([folder / name for name in posts])
    return {haul.number: haul for haul in Haul.objects.all()}
