"""Ingest benchmark: `paperhaul import snapshot` against a plain executemany of the same rows.

    python -m bench.ingest 100000 [1000000 ...] [--keep DIR]

For each N it generates a synthetic arXiv snapshot (bench/synthetic.py), then measures in the
same run:

- paperhaul: the real command, `paperhaul import snapshot FILE`, into a fresh SQLite library
  (records/s over the whole command, and the peak memory of its processes);
- baseline: one process that reads the same file with orjson and inserts one row per record
  into a single table with `executemany`, committing every 2,000 rows, on the same PRAGMAs,
  with no identity, idempotency, categories or source tracking.

It prints one line per N and the ratio; docs/benchmarks.md records the results.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from bench.synthetic import write_snapshot

BATCH = 2000


def run_paperhaul(snapshot: Path, home: Path) -> tuple[float, float, str]:
    """Seconds, peak RSS in MiB of the largest process, and the summary line of the command."""
    env = {**os.environ, "PAPERHAUL_HOME": str(home), "DJANGO_SETTINGS_MODULE": "paperhaul.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "paperhaul.cli", "migrate", "-v0"],
        env=env,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "paperhaul.cli", "import", "snapshot", str(snapshot)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return seconds, peak, done.stdout.strip().splitlines()[-1]


def run_baseline(snapshot: Path, database: Path) -> float:
    """Seconds for a plain executemany of one row per record into one table."""
    started = time.perf_counter()
    connection = sqlite3.connect(database, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "temp_store=MEMORY", "cache_size=-65536"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(
        "CREATE TABLE paper (id INTEGER PRIMARY KEY, arxiv_id TEXT, title TEXT, abstract TEXT,"
        " authors TEXT, categories TEXT, doi TEXT, journal_ref TEXT, comments TEXT, license TEXT,"
        " versions TEXT, update_date TEXT)"
    )
    insert = "INSERT INTO paper VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    rows = []
    with snapshot.open("rb") as lines:
        for line in lines:
            r = orjson.loads(line)
            rows.append(
                (
                    r["id"], r["title"], r["abstract"], r["authors"], r["categories"], r["doi"],
                    r["journal-ref"], r["comments"], r["license"], orjson.dumps(r["versions"]),
                    r["update_date"],
                )
            )  # fmt: skip
            if len(rows) == BATCH:
                connection.execute("BEGIN")
                connection.executemany(insert, rows)
                connection.execute("COMMIT")
                rows = []
    if rows:
        connection.execute("BEGIN")
        connection.executemany(insert, rows)
        connection.execute("COMMIT")
    connection.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", nargs="+", type=int, metavar="N")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep its files")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="paperhaul-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"{'N':>9}  {'paperhaul rec/s':>15}  {'baseline rec/s':>14}  {'ratio':>5}  {'peak MiB':>8}  summary"
    )
    for n in args.sizes:
        snapshot = work / f"snapshot-{n}.jsonl"
        if not snapshot.exists():
            write_snapshot(n, snapshot)
        seconds, peak, summary = run_paperhaul(snapshot, work / f"home-{n}")
        baseline = run_baseline(snapshot, work / f"baseline-{n}.sqlite3")
        ours, theirs = n / seconds, n / baseline
        print(f"{n:>9,}  {ours:>15,.0f}  {theirs:>14,.0f}  {ours / theirs:>5.2f}  {peak:>8,.0f}  {summary}")
        if args.keep is None:
            for path in work.glob(f"*-{n}*"):
                if path.is_dir():
                    subprocess.run(["rm", "-rf", str(path)], check=True)
                else:
                    path.unlink()


if __name__ == "__main__":
    main()
