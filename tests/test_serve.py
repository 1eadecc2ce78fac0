"""`paperhaul serve` (what `make run` starts) answers on a real socket and runs the queued jobs."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx

from paperhaul.papers.management.commands.serve import default_workers, web_worker_environment
from tests.local_servers import free_port


def wait_for(check, what: str, log, seconds: float = 60):
    """Poll ``check`` until it returns something true; the server's log explains a failure."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)  # polling for the server or the worker, not timing anything
    raise AssertionError(f"{what} within {seconds} s; server log:\n{log.read_text(errors='replace')}")


def test_serve_answers_and_its_worker_runs_jobs(cli):
    port = free_port()
    listings = f"http://127.0.0.1:{free_port()}/listings"  # nothing listens: the job must fail
    cli.env.update(PAPERHAUL_ARXIV_RSS_URL=listings, PAPERHAUL_ARXIV_DELAY="0", PAPERHAUL_HTTP_RETRIES="0")
    log = cli.home.parent / "serve.log"
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "paperhaul.cli", "serve", "--port", str(port), "--workers", "1"],
            env=cli.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:

        def answer():
            if process.poll() is not None:
                raise AssertionError(f"serve exited {process.returncode}:\n{log.read_text()}")
            try:
                return httpx.get(f"{base}/admin/login/", timeout=2)
            except httpx.TransportError:
                return None

        response = wait_for(answer, "no answer", log)
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" in response.text
        css = httpx.get(f"{base}/static/admin/css/base.css", timeout=5)
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        assert (cli.home / "paperhaul.sqlite3").exists()
        home = httpx.get(f"{base}/", timeout=5)
        assert home.status_code == 200 and "The library is empty" in home.text

        queued = cli("shell", "-c", "from paperhaul.papers.jobs import start_sync; start_sync(['cs.CL'])")
        assert queued.code == 0, queued.stderr

        def failed_job():
            show = "from paperhaul.papers.models import Job; j = Job.objects.get(); print(j.state, j.message)"
            job = cli("shell", "-v", "0", "-c", show)
            return job.stdout if job.stdout.startswith("failed") else None

        message = wait_for(failed_job, "the worker did not run the job", log)
        assert "cs.CL: arXiv listings unreachable: unreachable after 1 try" in message
        assert listings in message
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)
    assert process.returncode == 0, log.read_text()
    output = log.read_text()
    assert "Starting worker" in output
    assert "shutting down" in output  # the worker was told to stop too, not left behind


def test_web_workers_embed_with_one_thread_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("PAPERHAUL_EMBEDDING_THREADS", raising=False)
    monkeypatch.setenv("PAPERHAUL_HOME", "/somewhere")
    environment = web_worker_environment()
    assert environment["PAPERHAUL_EMBEDDING_THREADS"] == "1"
    assert environment["PAPERHAUL_HOME"] == "/somewhere"  # the rest is passed on
    monkeypatch.setenv("PAPERHAUL_EMBEDDING_THREADS", "3")
    assert web_worker_environment()["PAPERHAUL_EMBEDDING_THREADS"] == "3"


def test_one_web_process_per_cpu_and_never_fewer_than_two(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2})
    assert default_workers() == 3
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0})
    assert default_workers() == 2


def test_web_workers_set_their_startup_objects_aside_from_the_garbage_collector(tmp_path):
    """A full collection walking Django's ~300,000 objects paused a worker for about 160 ms."""
    environment = {**web_worker_environment(), "PAPERHAUL_HOME": str(tmp_path)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    code = "import gc, paperhaul.wsgi; print(gc.get_freeze_count())"
    answer = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True)
    assert answer.returncode == 0, answer.stderr
    assert int(answer.stdout) > 100_000
