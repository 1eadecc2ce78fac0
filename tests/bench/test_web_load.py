"""The web load benchmark runs end to end on a tiny library and prints its table.

Only the report's shape and the absence of errors are asserted, never a speed: the figures depend
on the machine and on what else runs on it. The default (hybrid) search is left out because its
first request in a worker loads the embedding model, which is minutes of CPU on a fresh home.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import web_load

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ["static", "paper", "home", "day", "search"]


def run_bench(library: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "bench.web_load", "200", "--library", str(library)]
    command += ["--seconds", "1", "--warm-up", "0.5", "--connections", "2", "--workers", "1"]
    command += ["--papers", "20", "--targets", ",".join(TARGETS), *extra]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
    )


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """One library of 200 synthetic papers for the module, built by the benchmark's first run."""
    return tmp_path_factory.mktemp("web-load")


def rows(output: str) -> dict[str, list[str]]:
    """The table's rows by target; each row: req/s, p50, p99, errors, ratio to static, bar."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("target"))
    return {line.split()[0]: line.split()[1:] for line in lines[start + 1 :] if line.strip()}


@pytest.mark.parametrize("tool", ["python", "wrk"])
def test_the_benchmark_prints_a_row_per_target_without_errors(library, tool):
    if tool == "wrk" and not os.path.exists(web_load.WRK):
        pytest.skip("wrk is not installed")
    done = run_bench(library, *(["--tool", "python"] if tool == "python" else []))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"200 papers, 1 gunicorn workers, 2 connections, 1 s a target, load from {tool}" in done.stdout
    table = rows(done.stdout)
    assert list(table) == TARGETS, done.stdout
    for target, (rate, p50, p99, errors, ratio, *bar) in table.items():
        assert errors == "0", f"{target}: {done.stdout}"
        assert float(rate) > 0 and float(p99) >= float(p50) > 0, done.stdout
        assert float(ratio) > 0 and " ".join(bar) in {"met", "NOT met"}, done.stdout
    assert table["static"][4] == "1.000"
    assert (library / "200" / "paperhaul.sqlite3").exists()  # kept for the next run


def test_an_unknown_target_is_refused_before_anything_is_built(tmp_path):
    command = [sys.executable, "-m", "bench.web_load", "10", "--library", str(tmp_path)]
    done = subprocess.run(
        [*command, "--targets", "static,nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "unknown targets: nope" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_percentiles_are_nearest_rank_in_milliseconds():
    samples = [i / 1000 for i in range(1, 101)]  # 1 ms .. 100 ms
    assert web_load.percentile(samples, 50) == pytest.approx(50)
    assert web_load.percentile(samples, 99) == pytest.approx(99)
    assert web_load.percentile([], 99) == 0.0
