"""`paperhaul serve` (what `make run` starts) answers on a real socket with its static files."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_migrates_and_answers(cli):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "paperhaul.cli", "serve", "--port", str(port), "--workers", "1"],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        response = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/admin/login/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)  # polling for the server to come up, not timing anything
        assert response is not None, (
            process.stdout.read().decode() if process.poll() is not None else "no answer"
        )
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" in response.text
        css = httpx.get(f"http://127.0.0.1:{port}/static/admin/css/base.css", timeout=5)
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        assert (cli.home / "paperhaul.sqlite3").exists()
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5, follow_redirects=True)
        assert home.status_code == 200 and "/admin/" in str(home.url)
    finally:
        process.terminate()
        process.wait(timeout=20)
