"""Extractive takeaways of real abstracts beside the lead baseline, with their properties checked.

    python -m bench.takeaways_report [--shared ../shared] [--out bench/out/takeaways.md]

For every paper of ``../shared/data/daily-papers-sample.jsonl``: the extractive takeaway
(paperhaul.enrich.tldr) beside the abstract's first sentence (the lead baseline), written to a
Markdown report (under bench/out/, git-ignored: the data stays out of the repository). Checked on
all of them: one sentence, at most MAX_WORDS words, every word taken from the abstract, no
boilerplate opening; counted: how often the takeaway is not the lead sentence, and how often the
lead sentence is background ("Recent...", "Large language models have..."). Where the seed reading
note (003) gives a one-sentence takeaway for a paper of the sample, both are printed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from bench.querysets import DEFAULT_SHARED, OUT
from paperhaul.enrich.sentences import clean, sentences, split
from paperhaul.enrich.tldr import BACKGROUND, MAX_WORDS, summarise

BOILERPLATE = re.compile(
    r"^(?:in this (?:paper|work|study)|here,? we|this (?:paper|work)|to address)\b", re.I
)


def problems(takeaway: str, abstract: str) -> list[str]:
    found = []
    if len(split(takeaway)) != 1:
        found.append("more than one sentence")
    if len(takeaway.split()) > MAX_WORDS:
        found.append(f"longer than {MAX_WORDS} words")
    if not set(re.findall(r"\w+", takeaway.lower())) <= set(re.findall(r"\w+", clean(abstract).lower())):
        found.append("words not in the abstract")
    if BOILERPLATE.match(takeaway):
        found.append("boilerplate opening")
    return found


def note_takeaways(shared: Path) -> dict[str, str]:
    """Title -> the reading note's one-sentence takeaway (the line after "One-Sentence Takeaway")."""
    found = sorted((shared / "seeds").glob("003_*"))
    if not found:
        return {}
    text = found[0].read_text().replace("\xa0", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return {
        lines[i - 1]: lines[i + 1]
        for i, line in enumerate(lines)
        if line == "One-Sentence Takeaway" and 0 < i < len(lines) - 1
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=OUT / "takeaways.md")
    args = parser.parse_args(argv)
    sample = args.shared / "data" / "daily-papers-sample.jsonl"
    if not sample.is_file():
        sys.exit(f"{sample} is missing")
    rows = [json.loads(line) for line in sample.open() if line.strip()]
    notes = note_takeaways(args.shared)
    report = ["# Extractive takeaways beside the lead sentence", ""]
    failed, moved, background_leads, words = 0, 0, 0, []
    for row in rows:
        summary = summarise(row["abstract"])
        lead = sentences(row["abstract"])[0]
        issues = problems(summary.takeaway, row["abstract"])
        failed += bool(issues)
        moved += summary.takeaway.rstrip(".…").lower() not in lead.lower()
        background_leads += bool(BACKGROUND.search(lead))
        words.append(len(summary.takeaway.split()))
        report += [f"## {row['title']}", "", f"- takeaway: {summary.takeaway}", f"- lead: {lead}"]
        report += [f"- closer look: {sentence}" for sentence in summary.closer_look]
        report += [f"- PROBLEMS: {', '.join(issues)}"] if issues else []
        if row["title"] in notes:
            report.append(f"- reading note (seed 003): {notes[row['title']]}")
            print(f"{row['title']}\n  note:      {notes[row['title']]}\n  extractive: {summary.takeaway}")
        report.append("")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report))
    print(
        f"{len(rows)} abstracts: {len(rows) - failed} takeaways pass every check, {failed} fail; "
        f"{moved} differ from the lead sentence; {background_leads} lead sentences are background; "
        f"takeaway length mean {sum(words) / len(words):.1f} words, max {max(words)}; report: {args.out}"
    )


if __name__ == "__main__":
    main()
