"""Known-item search by description: find a paper from the curator's commentary on it.

    python -m bench.querysets.build_known_item [--shared ../shared]

Reads the haul posts (``../shared/data/hauls/*.md`` and the seed posts ``000_*``, ``001_*``) and
writes to ``bench/out/``:

- ``known_item_corpus.jsonl``: one paper record per item (``url``, ``title``, abstract start),
  without the commentary, in the format of ``paperhaul import jsonl``; an item linked in several
  posts, or by several forms of one link, is one record;
- ``known_item_queries.jsonl``: per paper block with a commentary, its first two sentences
  (links, images, tags, URLs and search operators removed) as the query and the item's
  canonical key as the answer. Queries under four words say too little to be fair and are
  skipped; the same commentary on the same item twice (a post copied into the seeds) is one
  query.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from bench.querysets import DEFAULT_SHARED, OUT, Query, QuerySet, write_jsonl
from bench.querysets.haul_items import HaulItem, commentary_query, parse_haul
from paperhaul.papers import ids

NAME = "known-item"
MIN_QUERY_WORDS = 4
# Double quotes make phrases and a leading minus excludes a word in paperhaul's query language;
# a curator's prose means neither ("false presuppositions", "RLHF -> DPO").
_SEARCH_SYNTAX_RE = re.compile(r"[\"“”]|(?<!\S)-+")


def post_paths(shared: Path) -> list[Path]:
    """The published posts first, then the seed posts, so a published form wins a tie."""
    posts = sorted((shared / "data" / "hauls").glob("*.md"))
    seeds = sorted((shared / "seeds").glob("000_*.txt")) + sorted((shared / "seeds").glob("001_*.txt"))
    if not posts:
        raise FileNotFoundError(f"no haul posts under {shared / 'data' / 'hauls'}")
    return posts + seeds


def plain_query(text: str) -> str:
    """The text without the characters that would turn prose into search operators."""
    return re.sub(r" ([,.;:!?])", r"\1", " ".join(_SEARCH_SYNTAX_RE.sub(" ", text).split()))


def read_items(shared: Path) -> list[HaulItem]:
    return [item for path in post_paths(shared) for item in parse_haul(path.read_text("utf-8"), path.name)]


def build_known_item(shared: Path = DEFAULT_SHARED, out: Path = OUT) -> QuerySet:
    """Build and write the corpus and queries; the set's notes say what was skipped or merged."""
    records: dict[str, dict[str, str]] = {}
    first_seen: dict[str, str] = {}
    queries: dict[tuple[str, str], Query] = {}
    notes: list[str] = []
    too_short = 0
    repeated: Counter[tuple[str, str]] = Counter()
    for item in read_items(shared):
        where = f"{item.source}: {item.url}"
        if not item.title:
            notes.append(f"{where}: no title, skipped")
            continue
        try:
            key = ids.canonical_key(item.url)
        except ValueError as exc:
            notes.append(f"{where}: link does not canonicalise ({exc}), skipped")
            continue
        _add_record(records, first_seen, key, item, notes)
        query = plain_query(commentary_query(item.commentary))
        if len(query.split()) < MIN_QUERY_WORDS:
            too_short += 1
            continue
        previous = queries.get((query, key))
        if previous is not None:
            repeated[item.source, previous.source] += 1
            continue
        queries[query, key] = Query(query, (key,), item.source, item.title)
    notes.extend(
        f"{source}: {count} commentaries repeat {earlier} (a copy of that post), one query each"
        for (source, earlier), count in repeated.items()
    )
    if too_short:
        notes.append(f"no query from {too_short} blocks whose commentary is under {MIN_QUERY_WORDS} words")
    without_abstract = [r["url"] for r in records.values() if not r["abstract"]]
    if without_abstract:
        notes.append(
            f"{len(without_abstract)} items without an abstract start: {', '.join(without_abstract)}"
        )
    notes.extend(_same_titles(records))
    corpus, queries_path = out / "known_item_corpus.jsonl", out / "known_item_queries.jsonl"
    write_jsonl(corpus, records.values())
    write_jsonl(queries_path, (q.as_json() for q in queries.values()))
    return QuerySet(NAME, corpus, list(queries.values()), queries_path, len(records), notes)


def _add_record(
    records: dict[str, dict[str, str]],
    first_seen: dict[str, str],
    key: str,
    item: HaulItem,
    notes: list[str],
) -> None:
    """One record per key: the first occurrence, with an abstract start from a later one if it
    had none. A second link form of one key is reported, as the importer would merge it."""
    record = records.get(key)
    if record is None:
        records[key] = {"url": item.url, "title": item.title, "abstract": item.abstract}
        first_seen[key] = item.source
        return
    if record["url"] != item.url:
        notes.append(f"{item.source}: {item.url} is {key}, linked as {record['url']} in {first_seen[key]}")
    if ids.normalise_title(record["title"]) != ids.normalise_title(item.title):
        notes.append(f"{item.source}: {key} titled {item.title!r}, {record['title']!r} in {first_seen[key]}")
    if not record["abstract"] and item.abstract:
        record["abstract"] = item.abstract


def _same_titles(records: dict[str, dict[str, str]]) -> list[str]:
    """Different keys with one normalised title: two items in the library, one paper to a reader."""
    by_title: dict[str, list[str]] = {}
    for key, record in records.items():
        by_title.setdefault(ids.normalise_title(record["title"]), []).append(key)
    return [f"one title, several keys: {', '.join(keys)}" for keys in by_title.values() if len(keys) > 1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--samples", type=int, default=5, help="queries to show")
    args = parser.parse_args(argv)
    built = build_known_item(args.shared)
    print(f"{built.corpus_size} items -> {built.corpus}")
    print(f"{len(built.queries)} queries -> {built.queries_path}")
    for note in built.notes:
        print(f"note: {note}")
    step = max(1, len(built.queries) // max(1, args.samples))
    for query in built.queries[::step][: args.samples]:
        print(f"  {query.query!r}\n    -> {query.relevant[0]} ({query.title})")


if __name__ == "__main__":
    main()
