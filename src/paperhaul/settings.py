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
        # Each server process keeps its connection: opening one costs more than most pages.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
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
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "paperhaul.papers",
    "paperhaul.search",
    "paperhaul.accounts",
    "paperhaul.community",
    "paperhaul.hauls",
    "paperhaul.enrich",
    "paperhaul.notify",
    "paperhaul.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "paperhaul.web.middleware.RequestLimitsMiddleware",
    "paperhaul.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "paperhaul.web.middleware.RateLimitMiddleware",
]
CSRF_FAILURE_VIEW = "paperhaul.web.views.errors.csrf_failure"

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
                "paperhaul.web.context.site",
            ],
        },
    },
]

DATABASES = {"default": _database()}


def _cache() -> dict:
    url = config.get("PAPERHAUL_CACHE_URL")
    if url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    return {
        "BACKEND": "paperhaul.cache.FolderCache",
        "LOCATION": HOME / "cache",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }


CACHES = {"default": _cache()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Accounts: argon2 first (new and re-hashed passwords), Django's others to read older hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# E-mail: printed on the console unless an SMTP server is configured.
DEFAULT_FROM_EMAIL = SERVER_EMAIL = config.get("PAPERHAUL_EMAIL_FROM")
if config.get("PAPERHAUL_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = config.get("PAPERHAUL_SMTP_HOST")
    EMAIL_PORT = config.get_int("PAPERHAUL_SMTP_PORT")
    EMAIL_HOST_USER = config.get("PAPERHAUL_SMTP_USER")
    EMAIL_HOST_PASSWORD = config.get("PAPERHAUL_SMTP_PASSWORD")
    EMAIL_USE_TLS = config.get_bool("PAPERHAUL_SMTP_STARTTLS")
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Safety: small request bodies, CSRF on every form, cookies and HSTS for HTTPS deployments.
PAPERHAUL_MAX_REQUEST_BYTES = config.get_int("PAPERHAUL_MAX_REQUEST_BYTES")
PAPERHAUL_MAX_UPLOAD_BYTES = config.get_int("PAPERHAUL_MAX_UPLOAD_BYTES")
DATA_UPLOAD_MAX_MEMORY_SIZE = PAPERHAUL_MAX_REQUEST_BYTES
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in config.get("PAPERHAUL_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if config.get_bool("PAPERHAUL_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000

# Rate limits (paperhaul.community.limits), counted by django-ratelimit in the default cache. The
# file cache's increments are not atomic: simultaneous requests of one client to different server
# processes may each count once for two; a public site sets PAPERHAUL_CACHE_URL to Redis for exact
# counts (docs/deployment.md).
RATELIMIT_USE_CACHE = "default"
PAPERHAUL_RATE_VOTES = config.get("PAPERHAUL_RATE_VOTES")
PAPERHAUL_RATE_COMMENTS = config.get("PAPERHAUL_RATE_COMMENTS")
PAPERHAUL_RATE_SUBMISSIONS = config.get("PAPERHAUL_RATE_SUBMISSIONS")
PAPERHAUL_RATE_SIGNUPS = config.get("PAPERHAUL_RATE_SIGNUPS")
PAPERHAUL_RATE_LOGINS = config.get("PAPERHAUL_RATE_LOGINS")
PAPERHAUL_SUBMISSION_WINDOW_DAYS = config.get_int("PAPERHAUL_SUBMISSION_WINDOW_DAYS")

# Subscriptions and digests (read by paperhaul.notify; see docs/subscriptions.md).
PAPERHAUL_RATE_SUBSCRIPTIONS = config.get("PAPERHAUL_RATE_SUBSCRIPTIONS")
PAPERHAUL_DIGEST_HOUR = config.get_hour("PAPERHAUL_DIGEST_HOUR")
# What the worker fetches every day, and when (papers/schedule.py).
PAPERHAUL_FETCH_SOURCES = config.get_choices("PAPERHAUL_FETCH_SOURCES", config.FETCH_SOURCES)
PAPERHAUL_FETCH_HOUR = config.get_hour("PAPERHAUL_FETCH_HOUR")
PAPERHAUL_DIGEST_BATCH = config.get_int("PAPERHAUL_DIGEST_BATCH")
PAPERHAUL_DIGEST_MAX_FAILURES = config.get_int("PAPERHAUL_DIGEST_MAX_FAILURES")
PAPERHAUL_REPLY_EMAIL_DELAY = config.get_int("PAPERHAUL_REPLY_EMAIL_DELAY")
PAPERHAUL_UNSUBSCRIBE_MAILTO = config.get("PAPERHAUL_UNSUBSCRIBE_MAILTO")

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
    "loggers": {
        "paperhaul": {"handlers": ["console"], "level": "WARNING"},
        # bibtexparser logs each malformed block it meets; the BibTeX import reports each one
        # itself, with its line number (papers/ingest/bibtex_file.py).
        "bibtexparser": {"level": "CRITICAL"},
    },
}

# Sources and imports (read by paperhaul.papers.ingest.settings_client and the import commands).
PAPERHAUL_HTTP_TIMEOUT = config.get_float("PAPERHAUL_HTTP_TIMEOUT")
PAPERHAUL_HTTP_RETRIES = config.get_int("PAPERHAUL_HTTP_RETRIES")
PAPERHAUL_HTTP_BACKOFF = config.get_float("PAPERHAUL_HTTP_BACKOFF")
PAPERHAUL_FETCH_PRIVATE_HOSTS = config.get_bool("PAPERHAUL_FETCH_PRIVATE_HOSTS")
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
PAPERHAUL_OPENREVIEW_API_URL = config.get("PAPERHAUL_OPENREVIEW_API_URL")
PAPERHAUL_OPENREVIEW_API_V1_URL = config.get("PAPERHAUL_OPENREVIEW_API_V1_URL")
PAPERHAUL_OPENREVIEW_VENUES = [
    v.strip() for v in config.get("PAPERHAUL_OPENREVIEW_VENUES").split(",") if v.strip()
]
PAPERHAUL_OPENREVIEW_DELAY = config.get_float("PAPERHAUL_OPENREVIEW_DELAY")
PAPERHAUL_SEMANTIC_SCHOLAR_API_URL = config.get("PAPERHAUL_SEMANTIC_SCHOLAR_API_URL")
PAPERHAUL_SEMANTIC_SCHOLAR_API_KEY = config.get("PAPERHAUL_SEMANTIC_SCHOLAR_API_KEY")
PAPERHAUL_SEMANTIC_SCHOLAR_DELAY = config.get_float("PAPERHAUL_SEMANTIC_SCHOLAR_DELAY")
PAPERHAUL_DOI_RESOLVER_URL = config.get("PAPERHAUL_DOI_RESOLVER_URL")
PAPERHAUL_IMPORT_BATCH = config.get_int("PAPERHAUL_IMPORT_BATCH")

# Search and embeddings (read by paperhaul.search).
PAPERHAUL_EMBEDDING_MODEL = config.get("PAPERHAUL_EMBEDDING_MODEL")
PAPERHAUL_EMBEDDING_RUNTIME = config.get("PAPERHAUL_EMBEDDING_RUNTIME")
PAPERHAUL_EMBEDDING_BATCH = config.get_int("PAPERHAUL_EMBEDDING_BATCH")
PAPERHAUL_EMBEDDING_THREADS = config.get_int("PAPERHAUL_EMBEDDING_THREADS")
PAPERHAUL_EMBEDDING_MAX_TOKENS = config.get_int("PAPERHAUL_EMBEDDING_MAX_TOKENS")
PAPERHAUL_SEARCH_EXACT_BELOW = config.get_int("PAPERHAUL_SEARCH_EXACT_BELOW")
PAPERHAUL_SEARCH_MAX_QUERY = config.get_int("PAPERHAUL_SEARCH_MAX_QUERY")

# Enrichment: an optional OpenAI-compatible endpoint for takeaways (read by paperhaul.enrich.llm).
PAPERHAUL_LLM_BASE_URL = config.get("PAPERHAUL_LLM_BASE_URL")
PAPERHAUL_LLM_MODEL = config.get("PAPERHAUL_LLM_MODEL")
PAPERHAUL_LLM_API_KEY = config.get("PAPERHAUL_LLM_API_KEY")
PAPERHAUL_LLM_TIMEOUT = config.get_float("PAPERHAUL_LLM_TIMEOUT")
PAPERHAUL_LLM_CONCURRENCY = config.get_int("PAPERHAUL_LLM_CONCURRENCY")
