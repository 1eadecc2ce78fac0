"""Settings for the test run: a fresh PAPERHAUL_HOME per test process, then the real settings."""

import os
import tempfile

os.environ["PAPERHAUL_HOME"] = tempfile.mkdtemp(prefix="paperhaul-test-")
os.environ.setdefault("PAPERHAUL_SECRET_KEY", "test-only-secret-key")

from paperhaul.settings import *  # noqa: F403
