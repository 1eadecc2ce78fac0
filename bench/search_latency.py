"""Search latency at scale, each figure beside a baseline measured in the same run.

    python -m bench.search_latency 100000 [1000000 ...] [--queries 300] [--library DIR]
    python -m bench.search_latency 100000 --database-url postgres://root@127.0.0.1:5432/test

For each N it builds a SQLite library (or, with --database-url, a PostgreSQL database
`paperhaul_bench_N` on that server, created if missing and kept; lexical and typeahead only) of N
synthetic arXiv papers (bench/synthetic.py, imported with the real `paperhaul import snapshot`, so
the lexical index is the one the triggers keep), then measures through paperhaul's own services:

- lexical: `search(mode="lexical", limit=10)` on 2- and 3-word queries drawn from the corpus'
  titles, p50 and p99; baseline: bm25s (a sparse-matrix BM25 in memory) on title + abstract;
- typeahead: `suggest()` on what a reader types (a title's first letters, a word prefix, an id
  prefix, a misspelt word), p50 and p99; baseline: `title LIKE '%text%'`, what a blog's search box does;
- semantic: N clustered unit vectors (384-d, like the model's) stored as embeddings, the HNSW index
  built from them (build time reported), queries near the data: p50 and p99 of the index and
  recall@10 against exact search; baseline: exact search with numpy over all N vectors in memory;
- embedding throughput on the real model (bench/embedding_speed.py), abstracts of
  ../shared/data/daily-papers-sample.jsonl, once per run.

Vectors are generated because embedding a million abstracts takes hours on this machine's CPU;
their clustered shape keeps the ANN recall honest (uniform random vectors would be easier to
get wrong and harder to get right than real ones).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from bench.synthetic import write_snapshot

PARTS = ("lexical", "typeahead", "semantic")
SYNTHETIC_MODEL = "synthetic-clustered-384"
DIMENSION = 384
CLUSTERS = 2000
LATENT = 32
SHARED_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "daily-papers-sample.jsonl"


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds."""
    values = np.asarray(samples) * 1000
    return float(np.percentile(values, 50)), float(np.percentile(values, 99))


def timed(function: Callable[[str], object], inputs: Sequence) -> list[float]:
    seconds = []
    for value in inputs:
        started = time.perf_counter()
        function(value)
        seconds.append(time.perf_counter() - started)
    return seconds


def build_library(n: int, home: Path, database_url: str = "") -> None:
    """Import N synthetic papers with the real command into a fresh library under `home` (SQLite),
    or into the database of `database_url` (PostgreSQL)."""
    home.mkdir(parents=True, exist_ok=True)
    snapshot = home / "snapshot.jsonl"
    print(f"generating {n:,} papers", flush=True)
    write_snapshot(n, snapshot)
    env = {**os.environ, "PAPERHAUL_HOME": str(home), "DJANGO_SETTINGS_MODULE": "paperhaul.settings"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "paperhaul.cli", "import", "snapshot", str(snapshot)],
        env=env,
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    print(f"imported and indexed in {seconds:.0f} s ({n / seconds:,.0f} papers/s)", flush=True)
    snapshot.unlink()


def corpus() -> tuple[list[int], list[str], list[str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, title, abstract FROM papers_paper ORDER BY id")
        rows = cursor.fetchall()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def bench_database(server_url: str, n: int) -> tuple[str, bool]:
    """The URL of the benchmark's database for N papers on a PostgreSQL server, and whether it
    holds them already (it is created when missing, and kept)."""
    import psycopg

    name = f"paperhaul_bench_{n}"
    with psycopg.connect(server_url, autocommit=True) as server:
        if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            server.execute(f'CREATE DATABASE "{name}"')
    url = urlsplit(server_url)._replace(path="/" + name).geturl()
    with psycopg.connect(url) as db:
        table = db.execute("SELECT to_regclass('papers_paper')").fetchone()[0]
        papers = db.execute("SELECT count(*) FROM papers_paper").fetchone()[0] if table else 0
    if table and papers != n:
        raise SystemExit(f"{name} holds {papers:,} papers, not {n:,}: drop it to build it again")
    return url, papers == n


def lexical_queries(titles: list[str], count: int, rng: random.Random) -> list[str]:
    queries = []
    for _ in range(count):
        words = [w for w in rng.choice(titles).split() if len(w) > 3 and w.isalpha()]
        if len(words) >= 2:
            queries.append(" ".join(rng.sample(words, min(len(words), rng.choice((2, 3))))))
    return queries


def typeahead_inputs(titles: list[str], keys: list[str], count: int, rng: random.Random) -> list[str]:
    inputs = []
    for i in range(count):
        title = rng.choice(titles)
        kind = i % 4
        if kind == 0:
            inputs.append(title[: rng.randint(3, 12)])
        elif kind == 1:
            word = max(title.split(), key=len)
            inputs.append(word[: max(3, len(word) - 2)])
        elif kind == 2:
            inputs.append(rng.choice(keys).removeprefix("arxiv:")[:7])
        else:
            word = max(title.split(), key=len)
            cut = rng.randint(1, max(1, len(word) - 2))
            inputs.append(word[:cut] + word[cut + 1 :])  # one letter dropped
    return inputs


def clustered_vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors shaped like sentence embeddings: topic clusters in a low-dimensional subspace.

    Embeddings of text have a low intrinsic dimension (a few dozen) inside their 384; vectors
    drawn uniformly in 384 dimensions have none, and no index finds their neighbours well.
    """
    centres = rng.standard_normal((CLUSTERS, LATENT)).astype(np.float32)
    latent = centres[rng.integers(0, CLUSTERS, n)] + 0.5 * rng.standard_normal((n, LATENT)).astype(np.float32)
    basis = rng.standard_normal((LATENT, DIMENSION)).astype(np.float32)
    vectors = latent @ basis + 0.5 * rng.standard_normal((n, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def store_vectors(home: Path, ids: list[int], vectors: np.ndarray, model: str = SYNTHETIC_MODEL) -> None:
    """Replace the stored vectors of `model` with these (one a paper, in the order of `ids`)."""
    with sqlite3.connect(home / "paperhaul.sqlite3") as db:
        db.execute("DELETE FROM search_embedding WHERE model = ?", [model])
        db.executemany(
            "INSERT INTO search_embedding (paper_id, model, text_hash, vector, embedded_at)"
            " VALUES (?, ?, '', ?, '2026-01-01 00:00:00')",
            ((pid, model, vector.astype("<f4").tobytes()) for pid, vector in zip(ids, vectors, strict=True)),
        )


def bench_lexical(
    home: Path, titles: list[str], abstracts: list[str], queries: list[str], warm_up: list[str]
) -> dict:
    import bm25s

    from paperhaul.search.service import SearchRequest, search

    timed(lambda q: search(SearchRequest(q=q, mode="lexical", limit=10)), warm_up)  # the page cache
    ours = percentiles(timed(lambda q: search(SearchRequest(q=q, mode="lexical", limit=10)), queries))
    saved = home / "bm25s"
    if saved.exists():  # a kept library (--library) keeps its baseline index too
        retriever = bm25s.BM25.load(str(saved))
    else:
        retriever = _bm25s_index(titles, abstracts)
        retriever.save(str(saved))

    def baseline(q: str) -> None:
        retriever.retrieve(bm25s.tokenize([q], show_progress=False), k=10, show_progress=False)

    return {"ours": ours, "baseline": percentiles(timed(baseline, queries))}


def _bm25s_index(titles: list[str], abstracts: list[str]):
    import bm25s

    started = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([f"{t} {a}" for t, a in zip(titles, abstracts, strict=True)], show_progress=False),
        show_progress=False,
    )
    print(f"bm25s indexed in {time.perf_counter() - started:.0f} s", flush=True)
    return retriever


def bench_typeahead(inputs: list[str], warm_up: list[str]) -> dict:
    """Steady state: a server has read the spelling vocabulary it caches (about 30 ms for the words
    of one two-letter beginning at 1M papers) before these inputs, so a warm-up set runs first."""
    from django.db import connection

    from paperhaul.search.typeahead import suggest

    timed(suggest, warm_up)
    ours = percentiles(timed(suggest, inputs))

    def baseline(text: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM papers_paper WHERE title LIKE %s LIMIT 8", [f"%{text}%"])
            cursor.fetchall()

    return {"ours": ours, "baseline": percentiles(timed(baseline, inputs))}


def bench_semantic(home: Path, ids: list[int], count: int) -> dict:
    from paperhaul.search import store
    from paperhaul.search.vectors import exact_nearest, vector_index

    rng = np.random.default_rng(0)
    # Queries come from the same distribution as the papers but are none of them.
    everything = clustered_vectors(len(ids) + count, rng)
    vectors, queries = everything[: len(ids)], everything[len(ids) :]
    store_vectors(home, ids, vectors)
    store.forget_counts()
    index = vector_index(SYNTHETIC_MODEL)
    index.forget()
    started = time.perf_counter()
    index.build()
    build = time.perf_counter() - started
    index.nearest(queries[0], 10)  # maps the file
    id_array = np.asarray(ids, dtype=np.int64)
    recalls = []
    ours, exact = [], []
    for query in queries:
        started = time.perf_counter()
        found = index.nearest(query, 10)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        truth = exact_nearest(id_array, vectors, query, 10)
        exact.append(time.perf_counter() - started)
        recalls.append(len({s.id for s in found} & {s.id for s in truth}) / 10)
    return {
        "ours": percentiles(ours),
        "baseline": percentiles(exact),
        "recall": float(np.mean(recalls)),
        "build": build,
    }


def report(n: int, name: str, result: dict) -> None:
    (p50, p99), (b50, b99) = result["ours"], result["baseline"]
    extra = f"  recall@10 {result['recall']:.3f}  build {result['build']:.0f} s" if "recall" in result else ""
    print(
        f"{n:>10,}  {name:<10} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms   baseline p50 {b50:8.2f} ms"
        f"  p99 {b99:8.2f} ms   p50 speed-up {b50 / p50:6.1f}x{extra}",
        flush=True,
    )


def run(n: int, home: Path, queries: int, parts: list[str], server_url: str = "") -> None:
    """Measure one library size (one process per size: Django's settings are read once)."""
    os.environ.pop("DATABASE_URL", None)
    if server_url:
        if "semantic" in parts:
            raise SystemExit("--database-url measures lexical search and typeahead; leave semantic out")
        database_url, built = bench_database(server_url, n)
        os.environ["DATABASE_URL"] = database_url
    else:
        database_url, built = "", (home / "paperhaul.sqlite3").exists()
    if not built:
        build_library(n, home, database_url)
    os.environ["PAPERHAUL_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "paperhaul.settings"
    import django
    from django.db import connection

    django.setup()
    rng = random.Random(n)
    ids, titles, abstracts = corpus()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM papers_paper WHERE id % 97 = 0")
        keys = [row[0] for row in cursor.fetchall()]
    if "lexical" in parts:
        warm_up = lexical_queries(titles, 50, random.Random(-n))
        result = bench_lexical(home, titles, abstracts, lexical_queries(titles, queries, rng), warm_up)
        report(n, "lexical", result)
    if "typeahead" in parts:
        warm_up = typeahead_inputs(titles, keys, 2 * queries, random.Random(-n))
        report(n, "typeahead", bench_typeahead(typeahead_inputs(titles, keys, queries, rng), warm_up))
    if "semantic" in parts:
        report(n, "semantic", bench_semantic(home, ids, queries))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", type=int, nargs="+", metavar="N")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--library", type=Path, help="keep the libraries under DIR/N and reuse them")
    parser.add_argument("--no-embedding", action="store_true", help="skip the embedding throughput")
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server: measure lexical search and typeahead there instead of SQLite",
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.database_url and args.parts == ",".join(PARTS):
        args.parts = "lexical,typeahead"
    if args.one:
        home = args.library / str(args.sizes[0])
        run(args.sizes[0], home, args.queries, args.parts.split(","), args.database_url)
        return
    base = args.library or Path(tempfile.mkdtemp(prefix="paperhaul-latency-"))
    try:
        # One process per size and part: Django reads its settings once, and one part's baseline
        # (bm25s holds the whole corpus in memory) must not weigh on the next part's timings.
        for n in args.sizes:
            command = [sys.executable, "-m", "bench.search_latency", str(n), "--one", "--library", str(base)]
            command += ["--database-url", args.database_url] if args.database_url else []
            for part in args.parts.split(","):
                subprocess.run([*command, "--queries", str(args.queries), "--parts", part], check=True)
    finally:
        if args.library is None:
            shutil.rmtree(base, ignore_errors=True)
    if not args.no_embedding:
        if SHARED_SAMPLE.exists():
            subprocess.run(
                [sys.executable, "-m", "bench.embedding_speed", "--path", str(SHARED_SAMPLE)], check=True
            )
        else:
            print("embedding throughput: ../shared/data/daily-papers-sample.jsonl not found, skipped")


if __name__ == "__main__":
    main()
