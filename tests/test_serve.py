"""`paperhaul serve` (what `make run` starts) answers on a real socket and runs the queued jobs."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx

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
        assert "cs.CL: arXiv listings unreachable: unreachable after 1 tries" in message
        assert listings in message
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)
    assert process.returncode == 0, log.read_text()
    output = log.read_text()
    assert "Starting worker" in output
    assert "shutting down" in output  # the worker was told to stop too, not left behind
