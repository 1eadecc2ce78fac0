"""Settings for the test run: a fresh PAPERHAUL_HOME per test process, then the real settings."""

import os
import tempfile

os.environ["PAPERHAUL_HOME"] = tempfile.mkdtemp(prefix="paperhaul-test-")
os.environ.setdefault("PAPERHAUL_SECRET_KEY", "test-only-secret-key")
# PyTorch loads the model in seconds; the ONNX runtime's first use exports and quantises it, which
# tests/search/test_embeddings.py does once for the run instead of once per test process.
os.environ.setdefault("PAPERHAUL_EMBEDDING_RUNTIME", "torch")
# No server or worker a test starts fetches papers on the daily schedule; the tests of the schedule
# (tests/papers/ingest/test_schedule.py) name the sources they want.
os.environ.setdefault("PAPERHAUL_FETCH_SOURCES", "")
# The tests' sources, pages and DOI resolver are servers on 127.0.0.1; the test of the guard against
# fetching from the server's own network turns it on (tests/papers/ingest/test_http.py).
os.environ.setdefault("PAPERHAUL_FETCH_PRIVATE_HOSTS", "1")

from paperhaul.settings import *  # noqa: F403

# The client tests render pages without running collectstatic (`paperhaul serve` runs it for real).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
