"""No test reaches beyond 127.0.0.1, in the test processes and in every Python process they start.

tests/conftest.py imports this module and puts its folder first on PYTHONPATH, so each process a
test starts (`paperhaul` commands, `paperhaul serve`, its workers) loads it at start-up as Python's
``sitecustomize``. A name to resolve that is not loopback fails at once, as an unreachable source
does, instead of asking the network: a test that forgot to point a source at its local server
fails clearly wherever it runs.
"""

from __future__ import annotations

import socket

LOOPBACK = ("localhost", "127.0.0.1", "::1")
_resolve = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name and name not in LOOPBACK and not name.startswith("127."):
        raise socket.gaierror(socket.EAI_NONAME, f"tests stay on 127.0.0.1, not {name}")
    return _resolve(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only
