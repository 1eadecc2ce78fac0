"""The tests' network guard holds in the test process and in the processes the tests start."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.cli import Cli


def test_a_name_beyond_loopback_does_not_resolve_in_the_test_process():
    with pytest.raises(socket.gaierror, match=r"tests stay on 127\.0\.0\.1, not export\.arxiv\.org"):
        socket.getaddrinfo("export.arxiv.org", 443)
    assert socket.getaddrinfo("127.0.0.1", 80)


def test_nor_in_a_process_a_test_starts():
    code = "import socket; socket.getaddrinfo('export.arxiv.org', 443)"
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert answer.returncode != 0
    assert "tests stay on 127.0.0.1, not export.arxiv.org" in answer.stderr


def test_nor_in_a_paperhaul_command(tmp_path):
    """A command a test forgot to point at its local server fails at once, saying why."""
    added = Cli(tmp_path)("add", "https://www.example.org/some-paper")
    assert added.code != 0
    assert "no such host: www.example.org" in added.stderr
    assert "Traceback" not in added.stderr
