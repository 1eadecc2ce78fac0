"""Django settings for paperhaul, read from the environment (see config.py and docs/configuration.md)."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from paperhaul import config

BASE_DIR = Path(__file__).resolve().parent
HOME = config.home()
HOME.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use the configured key, else one generated once and kept under PAPERHAUL_HOME."""
    configured = config.get("PAPERHAUL_SECRET_KEY")
    if configured:
        return configured
    path = HOME / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _database() -> dict:
    url = config.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": HOME / "paperhaul.sqlite3",
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": config.get_float("PAPERHAUL_SQLITE_BUSY_TIMEOUT"),
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA cache_size=-65536;"
                "PRAGMA mmap_size=268435456;"
            ),
        },
        "TEST": {"NAME": HOME / "test.sqlite3"},
    }


SECRET_KEY = _secret_key()
DEBUG = config.get_bool("PAPERHAUL_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in config.get("PAPERHAUL_ALLOWED_HOSTS").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "paperhaul.papers",
    "paperhaul.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "paperhaul.urls"
WSGI_APPLICATION = "paperhaul.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"paperhaul": {"handlers": ["console"], "level": "WARNING"}},
}

# Sources and imports (read by paperhaul.papers.ingest.settings_client and the import commands).
PAPERHAUL_HTTP_TIMEOUT = config.get_float("PAPERHAUL_HTTP_TIMEOUT")
PAPERHAUL_HTTP_RETRIES = config.get_int("PAPERHAUL_HTTP_RETRIES")
PAPERHAUL_HTTP_BACKOFF = config.get_float("PAPERHAUL_HTTP_BACKOFF")
PAPERHAUL_HTTP_MAX_BYTES = config.get_int("PAPERHAUL_HTTP_MAX_BYTES")
PAPERHAUL_USER_AGENT = config.get("PAPERHAUL_USER_AGENT")
PAPERHAUL_ARXIV_API_URL = config.get("PAPERHAUL_ARXIV_API_URL")
PAPERHAUL_ARXIV_OAI_URL = config.get("PAPERHAUL_ARXIV_OAI_URL")
PAPERHAUL_ARXIV_RSS_URL = config.get("PAPERHAUL_ARXIV_RSS_URL")
PAPERHAUL_ARXIV_DELAY = config.get_float("PAPERHAUL_ARXIV_DELAY")
PAPERHAUL_ARXIV_CATEGORIES = [
    c.strip() for c in config.get("PAPERHAUL_ARXIV_CATEGORIES").split(",") if c.strip()
]
PAPERHAUL_DAILY_PAPERS_URL = config.get("PAPERHAUL_DAILY_PAPERS_URL")
PAPERHAUL_DOI_RESOLVER_URL = config.get("PAPERHAUL_DOI_RESOLVER_URL")
PAPERHAUL_IMPORT_BATCH = config.get_int("PAPERHAUL_IMPORT_BATCH")

# Search and embeddings (read by paperhaul.search).
PAPERHAUL_EMBEDDING_MODEL = config.get("PAPERHAUL_EMBEDDING_MODEL")
PAPERHAUL_EMBEDDING_RUNTIME = config.get("PAPERHAUL_EMBEDDING_RUNTIME")
PAPERHAUL_EMBEDDING_BATCH = config.get_int("PAPERHAUL_EMBEDDING_BATCH")
PAPERHAUL_SEARCH_EXACT_BELOW = config.get_int("PAPERHAUL_SEARCH_EXACT_BELOW")
PAPERHAUL_SEARCH_MAX_QUERY = config.get_int("PAPERHAUL_SEARCH_MAX_QUERY")
