"""Topic quality: the seed highlights article's own sections as labels, paperhaul's topics as guesses.

    python -m bench.topics_quality [--shared ../shared] [--runtime R] [--json OUT]

The article (``../shared/seeds/004_*``) files 23 papers under "Large Language Models", "Computer
Vision", "Audio and Speech" and "General Methods". Each paper goes into a fresh SQLite library as
the topics service would meet it offline: by its title alone (no categories, no abstract), and then
by its title with the curator's summary in place of an abstract (text a reader has, though written
by the labeller: an optimistic reading). Each is classified by words alone and by the embedding of
the bundled model (``paperhaul.enrich``'s own rules, all seven default topics competing). The top
topic is the guess; the baseline always guesses the most common section.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.querysets import DEFAULT_SHARED
from bench.search_quality import RUNTIMES, open_library

PAPER_LINE = re.compile(r"^(?P<title>.+) \((?P<url>https?://arxiv\.org/abs/(?P<id>[\d.]+)), [^)]*\)$")
NONE = "(none)"


@dataclass(frozen=True)
class Labelled:
    arxiv_id: str
    title: str
    section: str
    summary: str


def parse_highlights(text: str) -> list[Labelled]:
    """Papers of the article under the heading they are filed under.

    A heading is a short line without final punctuation that comes right before a paper line; the
    line after a paper line is the curator's summary of it.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    papers, section = [], None
    for i, line in enumerate(lines):
        match = PAPER_LINE.match(line)
        if match:
            summary = lines[i + 1] if i + 1 < len(lines) and not PAPER_LINE.match(lines[i + 1]) else ""
            papers.append(Labelled(match["id"], match["title"], section or NONE, summary))
        elif i + 1 < len(lines) and PAPER_LINE.match(lines[i + 1]) and _heading(line):
            section = line
    return papers


def _heading(line: str) -> bool:
    return len(line.split()) <= 6 and not line.endswith((".", ":", "!", "?"))


def load(shared: Path) -> list[Labelled]:
    found = sorted((shared / "seeds").glob("004_*"))
    if not found:
        sys.exit(f"the seed highlights article (seeds/004_*) is not in {shared}")
    return parse_highlights(found[0].read_text())


def classify(papers: list[Labelled], with_summary: bool) -> dict[str, dict[str, str]]:
    """Guesses by words and by embedding, per arXiv id, for papers entered by title (and summary)."""
    from paperhaul.enrich.assign import assign_topics, taxonomy
    from paperhaul.enrich.evidence import Evidence, gather
    from paperhaul.enrich.models import PaperTopic
    from paperhaul.enrich.scope import Scope
    from paperhaul.papers.models import Paper
    from paperhaul.papers.records import PaperRecord
    from paperhaul.papers.upsert import Library
    from paperhaul.search.indexing import embed_pending

    Paper.objects.all().delete()
    Library().upsert(
        PaperRecord(
            source="web",
            key=f"arxiv:{p.arxiv_id}",
            title=p.title,
            abstract=p.summary if with_summary else "",
        )
        for p in papers
    )
    guesses: dict[str, dict[str, str]] = {}
    for mode in ("words", "embedding"):
        if mode == "embedding":
            embed_pending()
            evidence = gather(taxonomy())
        else:
            evidence = Evidence(taxonomy())
        assign_topics(Scope(force=True), evidence=evidence)
        top = {}
        for row in PaperTopic.objects.select_related("paper", "topic").order_by("-confidence"):
            top.setdefault(row.paper.key.removeprefix("arxiv:"), row.topic.name)
        guesses[mode] = {p.arxiv_id: top.get(p.arxiv_id, NONE) for p in papers}
    return guesses


def report(papers: list[Labelled], guesses: dict[str, str]) -> dict:
    labels = [p.section for p in papers]
    correct = sum(guesses[p.arxiv_id] == p.section for p in papers)
    majority, majority_count = Counter(labels).most_common(1)[0]
    confusion = Counter((p.section, guesses[p.arxiv_id]) for p in papers)
    return {
        "papers": len(papers),
        "accuracy": correct / len(papers),
        "baseline": majority,
        "baseline_accuracy": majority_count / len(papers),
        "confusion": {f"{truth} -> {guess}": n for (truth, guess), n in sorted(confusion.items())},
        "errors": [
            {"title": p.title, "section": p.section, "guess": guesses[p.arxiv_id]}
            for p in papers
            if guesses[p.arxiv_id] != p.section
        ],
    }


def markdown_matrix(papers: list[Labelled], guesses: dict[str, str], topic_names: list[str]) -> str:
    sections = list(dict.fromkeys(p.section for p in papers))
    columns = [*topic_names, NONE]
    counts = Counter((p.section, guesses[p.arxiv_id]) for p in papers)
    short = {name: "".join(word[0] for word in name.split()) if name != NONE else "none" for name in columns}
    lines = [
        "| section \\ guess | " + " | ".join(short[c] for c in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for section in sections:
        lines.append(f"| {section} | " + " | ".join(str(counts[(section, c)] or "") for c in columns) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--runtime", default="torch", choices=RUNTIMES)
    parser.add_argument("--json", type=Path, help="write every figure and error here")
    args = parser.parse_args(argv)
    papers = load(args.shared)
    print(f"{len(papers)} papers; sections: {dict(Counter(p.section for p in papers))}")
    with tempfile.TemporaryDirectory(prefix="paperhaul-topics-") as home:
        open_library(Path(home), args.runtime)
        from paperhaul.enrich.assign import taxonomy

        names = [t.name for t in taxonomy()]
        results = {}
        for with_summary in (False, True):
            text = "title + curator's summary" if with_summary else "title"
            for mode, guesses in classify(papers, with_summary).items():
                result = report(papers, guesses)
                results[f"{mode}, {text}"] = result
                print(
                    f"\n## {mode}, {text}: accuracy {result['accuracy']:.1%} "
                    f"(majority baseline '{result['baseline']}': {result['baseline_accuracy']:.1%})"
                )
                print(markdown_matrix(papers, guesses, names))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
