"""Web load: `paperhaul serve` answering pages and searches under load, beside a static file.

    python -m bench.web_load 100000 [--library DIR] [--seconds 20] [--connections 8] [--workers N] [--vectors]

Builds (or reuses, with --library) a SQLite library of N synthetic arXiv papers imported with the
real `paperhaul import snapshot` (bench/synthetic.py), starts `paperhaul serve` on 127.0.0.1 as a
deployment would run it (gunicorn, sync workers, DEBUG off, no task worker), and puts each target
under load for a fixed time at a fixed number of open connections (closed loop: each connection
sends its next request when the previous answer arrived). Every target cycles through many
addresses so that no single page sits in a cache:

- static: `/static/paperhaul/site.css`, served by whitenoise through the same gunicorn and Django
  middleware: the baseline, measured first, in the same run;
- paper: the pages `/papers/<arXiv id>` of 1,000 random papers;
- home: `/`, the daily list of the latest day with papers;
- day: `/day/<date>/`, the daily list of the day with the most papers;
- search: `/api/search?q=...&mode=lexical`, up to 40,000 different 2- and 3-word queries drawn
  from the titles, the warm-up and the timed load each with their own half (for every target with
  more than one address), so that no query is asked twice: a hybrid search keeps the vectors of
  the queries it has embedded, which repeats would flatter;
- search-default: the same queries without a mode (hybrid). Without `--vectors` the library has
  no vectors and hybrid search falls back to lexical (embedding 100k abstracts is hours of CPU
  here); with `--vectors` every paper gets a synthetic vector (bench/search_latency.py's
  clustered vectors) under the real embedding model's id and the ANN index is built, so each
  search embeds its query with the real model, searches the index and fuses both rankings: the
  work of a library that has been embedded, with meaningless neighbours.

The load comes from wrk (`apt-get install wrk`) when it is installed, else from a small asyncio
client (httpx), which needs more CPU per request: on a 2-core machine the load generator competes
with the server, which is one more reason to read each figure beside the static baseline. Every
answer that is not 2xx counts as an error and is shown, never in the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench.search_latency import build_library, clustered_vectors, lexical_queries, store_vectors

WRK = "/usr/bin/wrk"
STATIC = "/static/paperhaul/site.css"
TARGETS = ("static", "paper", "home", "day", "search", "search-default")
BAR_RATE = 300.0
BAR_P99_MS = 100.0
READY_SECONDS = 300


@dataclass(frozen=True)
class Result:
    requests: int  # answers received, errors included
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # answers that were not 2xx, plus failed connections and timeouts

    @property
    def rate(self) -> float:
        """Good answers per second."""
        return (self.requests - self.errors) / self.seconds


def targets(
    home: Path, rng: random.Random, papers: int = 1000, queries: int = 40_000
) -> dict[str, list[str]]:
    """The addresses each target cycles through, drawn from the library."""
    from paperhaul.web.links import paper_path

    with sqlite3.connect(home / "paperhaul.sqlite3") as db:
        keys = [row[0] for row in db.execute("SELECT key FROM papers_paper ORDER BY id")]
        titles = [row[0] for row in db.execute("SELECT title FROM papers_paper ORDER BY id")]
        busiest = db.execute(
            "SELECT published FROM papers_paper WHERE published IS NOT NULL"
            " GROUP BY published ORDER BY count(*) DESC, published DESC LIMIT 1"
        ).fetchone()
    words = list(dict.fromkeys(lexical_queries(titles, queries, rng)))
    return {
        "static": [STATIC],
        "paper": [paper_path(key) for key in rng.sample(keys, min(papers, len(keys)))],
        "home": ["/"],
        "day": [f"/day/{busiest[0]}/"] if busiest else [],
        "search": ["/api/search?" + urlencode({"q": q, "mode": "lexical"}) for q in words],
        "search-default": ["/api/search?" + urlencode({"q": q}) for q in words],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(home: Path, port: int, workers: int, log: Path) -> Iterator[str]:
    """`paperhaul serve` on 127.0.0.1:port for the library at `home`; yields its base URL."""
    env = {**os.environ, "PAPERHAUL_HOME": str(home), "PAPERHAUL_DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "paperhaul.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--no-worker"]
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        try:
            _wait_ready(server, base, log)
            yield base
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)  # serve forwards it to gunicorn
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_ready(server: subprocess.Popen, base: str, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"paperhaul serve exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + STATIC, timeout=5).status_code == 200:
                return
        time.sleep(0.25)
    raise SystemExit(f"paperhaul serve did not answer within {READY_SECONDS} s:\n{log.read_text()[-3000:]}")


# The paths are embedded in the script; each connection starts at its own place in the cycle.
# Answers other than 2xx are counted per thread and summed in done(), with wrk's socket errors.
_WRK_SCRIPT = """
local paths = {%(paths)s}
local threads = {}
local next_index = 1
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  bad = 0
  next_index = math.random(#paths)
end
function request()
  local path = paths[next_index]
  next_index = next_index %% #paths + 1
  return wrk.format("GET", path)
end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout
  for _, thread in ipairs(threads) do failed = failed + thread:get("bad") end
  io.write(string.format("WRK-RESULT %%d %%d %%d %%d %%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), failed))
end
"""


def load_wrk(base: str, paths: list[str], seconds: float, connections: int, workdir: Path) -> Result:
    """One wrk thread (the machine has few cores; one thread drives hundreds of connections)."""
    if any('"' in p or "\\" in p for p in paths):
        raise ValueError("paths must be URL-encoded")
    script = workdir / "paths.lua"
    script.write_text(_WRK_SCRIPT % {"paths": ", ".join(f'"{p}"' for p in paths)})
    command = [WRK, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    done = subprocess.run([*command, "-s", str(script), base], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK-RESULT "))
    requests, micros, p50, p99, errors = (int(float(x)) for x in line.split()[1:])
    return Result(requests, micros / 1e6, p50 / 1000, p99 / 1000, errors)


def prime(base: str, paths: list[str], workers: int) -> int:
    """Send two requests per worker at once and wait for all of them, so that every worker has
    done its slow first request before the timed warm-up (a hybrid search loads the embedding
    model on first use, and builds it when the library has never had it). Returns the failures."""
    import httpx

    async def send_all() -> list:
        async with httpx.AsyncClient(base_url=base, timeout=300) as client:
            requests = (client.get(paths[i % len(paths)]) for i in range(2 * workers))
            return await asyncio.gather(*requests, return_exceptions=True)

    answers = asyncio.run(send_all())
    return sum(isinstance(a, Exception) or not 200 <= a.status_code < 300 for a in answers)


def load_python(base: str, paths: list[str], seconds: float, connections: int) -> Result:
    return asyncio.run(_load_python(base, paths, seconds, connections))


async def _load_python(base: str, paths: list[str], seconds: float, connections: int) -> Result:
    import httpx

    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def connection(offset: int) -> None:
            nonlocal errors
            index = offset
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    answer = await client.get(paths[index % len(paths)])
                    good = 200 <= answer.status_code < 300
                except httpx.HTTPError:
                    good = False
                latencies.append(time.perf_counter() - sent)
                errors += not good
                index += 1

        await asyncio.gather(*(connection(i * len(paths) // connections) for i in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return Result(len(latencies), elapsed, percentile(latencies, 50), percentile(latencies, 99), errors)


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile in milliseconds (nearest rank) of sorted seconds; 0 for none."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


def report_header(n: int, tool: str, workers: int, connections: int, seconds: float) -> None:
    print(
        f"{n:,} papers, {workers} gunicorn workers, {connections} connections, {seconds:g} s a target,"
        f" load from {tool}, {os.cpu_count()} CPUs",
        flush=True,
    )
    print(f"{'target':<15} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs static':>10}  bar")


def report_row(name: str, result: Result, baseline: Result | None) -> None:
    ratio = f"{result.rate / baseline.rate:.3f}" if baseline and baseline.rate else "-"
    met = result.rate >= BAR_RATE and result.p99_ms <= BAR_P99_MS and result.errors == 0
    # No answer within the run (every request still waiting): no latency to show, not 0 ms.
    p50, p99 = (f"{result.p50_ms:8.2f}", f"{result.p99_ms:8.2f}") if result.requests else ("-", "-")
    print(
        f"{name:<15} {result.rate:8.1f} {p50:>8} {p99:>8} {result.errors:7d} {ratio:>10}"
        f"  {'met' if met else 'NOT met'}",
        flush=True,
    )


def prepare_vectors(home: Path, wanted: bool) -> None:
    """Give the library synthetic vectors of the real model (and their ANN index), or none."""
    import numpy as np

    from paperhaul.search import store
    from paperhaul.search.vectors import vector_index

    with sqlite3.connect(home / "paperhaul.sqlite3") as db:
        stored = dict(db.execute("SELECT model, count(*) FROM search_embedding GROUP BY model").fetchall())
        ids = [row[0] for row in db.execute("SELECT id FROM papers_paper ORDER BY id")]
    if not wanted:
        for model in stored:
            store_vectors(home, [], np.empty((0, 0)), model)
            vector_index(model).forget()
        return
    from paperhaul.search.embeddings import get_embedder

    model = get_embedder().model_id  # builds the int8 model into the library's home if needed
    if stored.get(model) != len(ids):
        store_vectors(home, ids, clustered_vectors(len(ids), np.random.default_rng(0)), model)
        store.forget_counts()
        started = time.perf_counter()
        vector_index(model).build()
        seconds = time.perf_counter() - started
        print(f"stored {len(ids):,} synthetic vectors, ANN index built in {seconds:.0f} s", flush=True)


def run(args: argparse.Namespace, home: Path) -> None:
    if not (home / "paperhaul.sqlite3").exists():
        build_library(args.size, home)
    os.environ["PAPERHAUL_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "paperhaul.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    from paperhaul.papers.management.commands.serve import default_workers

    call_command("migrate", verbosity=0)  # a library kept from an earlier version, before its vectors

    workers = args.workers or default_workers()
    prepare_vectors(home, args.vectors)
    addresses = targets(home, random.Random(args.size), args.papers)
    tool = "python" if args.tool == "python" or not os.path.exists(WRK) else "wrk"
    workdir = Path(tempfile.mkdtemp(prefix="paperhaul-web-load-"))
    try:
        with serving(home, args.port or free_port(), workers, workdir / "serve.log") as base:
            report_header(args.size, tool, workers, args.connections, args.seconds)
            baseline = None
            for name in args.targets.split(","):
                paths = addresses[name]
                if not paths:
                    print(f"{name:<15} no address (empty library)", flush=True)
                    continue
                failed = prime(base, paths[0::2], workers)
                if failed:
                    print(f"{name:<15} {failed} of the {2 * workers} first requests failed", flush=True)
                # The warm-up's answer is thrown away; it and the timed load ask different addresses.
                for seconds, part in ((args.warm_up, paths[0::2]), (args.seconds, paths[1::2] or paths)):
                    if tool == "wrk":
                        result = load_wrk(base, part, seconds, args.connections, workdir)
                    else:
                        result = load_python(base, part, seconds, args.connections)
                if name == "static":
                    baseline = result
                report_row(name, result, baseline)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("size", type=int, metavar="N", help="papers in the library")
    parser.add_argument("--library", type=Path, help="keep the library under DIR/N and reuse it")
    parser.add_argument("--seconds", type=float, default=20, help="load per target (default 20)")
    parser.add_argument("--warm-up", type=float, default=3, help="load thrown away before each target")
    parser.add_argument("--connections", type=int, default=8, help="connections kept busy (default 8)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: one per CPU, as serve)")
    parser.add_argument("--port", type=int, help="default: a free port")
    parser.add_argument("--papers", type=int, default=1000, help="paper pages cycled through")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated: " + ", ".join(TARGETS))
    parser.add_argument("--tool", choices=("auto", "python"), default="auto", help="auto: wrk when installed")
    parser.add_argument(
        "--vectors", action="store_true", help="give every paper a synthetic vector (hybrid search is hybrid)"
    )
    args = parser.parse_args(argv)
    unknown = set(args.targets.split(",")) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    base = args.library or Path(tempfile.mkdtemp(prefix="paperhaul-web-"))
    try:
        run(args, base / str(args.size))
    finally:
        if args.library is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
