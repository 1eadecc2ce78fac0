"""Library jobs started from the web: fetching the latest arXiv listings or an OpenReview venue's papers,
importing an uploaded file, filling in papers known only by a link, looking for near-identical titles.

A Job row is what the staff pages show. `start_*` creates the row and queues the task that runs it
(papers/tasks.py) in one transaction; `run` does the work and writes its progress into the row as it
goes, one line per category or file, so the job page tells what is done and, when a source failed,
which one and why. One source failing does not stop the others: a job fails only when nothing worked.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from paperhaul.errors import (
    InputError,
    PaperhaulError,
    SourceError,
    SourceFormatError,
    SourceRejected,
    SourceUnavailable,
)
from paperhaul.papers.duplicates import scan_near_titles
from paperhaul.papers.fetching import arxiv_client, openreview_client
from paperhaul.papers.importing import import_file
from paperhaul.papers.ingest.arxiv_oai import set_for_category
from paperhaul.papers.models import Job, Paper
from paperhaul.papers.refresh import failure_lines, incomplete, incomplete_count, refresh
from paperhaul.papers.sync import (
    SyncProgress,
    check_venues,
    distinct_names,
    no_paper_in,
    sync_citation_counts,
    sync_daily,
    sync_listing,
    sync_venue,
)
from paperhaul.papers.upsert import ImportStats, Library
from paperhaul.progress import Bar

SYNC_LISTINGS = "sync-listings"
SYNC_OPENREVIEW = "sync-openreview"
SYNC_DAILY = "sync-daily"
SYNC_COUNTS = "sync-citation-counts"
IMPORT = "import"
REFRESH = "refresh"
SCAN_DUPLICATES = "scan-duplicates"
UPLOAD_FORMATS = ("jsonl", "links", "daily", "bibtex", "ris")
MAX_CATEGORIES = 20
# An arXiv archive with an optional subject class: cs.CL, hep-th, astro-ph.CO, physics.comp-ph.
CATEGORY_RE = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?")
MAX_LISTED_PROBLEMS = 20

_PROBLEMS = (
    (SourceUnavailable, "unreachable"),
    (SourceRejected, "refused the request"),
    (SourceFormatError, "answered with something that is not a listing"),
)


def check_categories(categories: Sequence[str]) -> list[str]:
    """The categories, each once in the given order, when each is a real arXiv category name."""
    unique = distinct_names(
        categories, most=MAX_CATEGORIES, plural="categories", none="choose at least one category"
    )
    for category in unique:
        if not CATEGORY_RE.fullmatch(category):
            raise InputError(f"“{category[:40]}” is not an arXiv category (like cs.CL or hep-th)")
        set_for_category(category)  # raises for an archive arXiv does not have
    return unique


def start_sync(categories: Sequence[str], user=None) -> Job:
    """Queue a job that fetches today's listing of each category (checked by check_categories)."""
    categories = check_categories(categories)
    job = Job(
        kind=SYNC_LISTINGS,
        label=f"Fetch the latest arXiv listings: {', '.join(categories)}",
        params={"categories": categories},
        total=len(categories),
        created_by=user,
    )
    return _queue(job)


def start_openreview(venues: Sequence[str], user=None) -> Job:
    """Queue a job that fetches the papers of each OpenReview venue (checked by check_venues)."""
    venues = check_venues(venues)
    job = Job(
        kind=SYNC_OPENREVIEW,
        label=f"Fetch OpenReview venues: {', '.join(venues)}",
        params={"venues": venues},
        total=len(venues),
        created_by=user,
    )
    return _queue(job)


def start_daily(user=None) -> Job:
    """Queue a job that fetches today's daily-papers list, with its upvotes."""
    return _queue(Job(kind=SYNC_DAILY, label="Fetch the daily-papers list", total=1, created_by=user))


def start_counts(limit: int | None = None, user=None) -> Job:
    """Queue a job that fetches the citation counts that are due (at most ``limit`` papers)."""
    label = "Update citation counts" + (f" (at most {limit:,} papers)" if limit else "")
    return _queue(Job(kind=SYNC_COUNTS, label=label, params={"limit": limit}, created_by=user))


def start_refresh(user=None) -> Job:
    """Queue a job that fills in every paper known only by a link, a citation or a title
    (papers/refresh.py)."""
    count = incomplete_count()
    if not count:
        raise InputError("every paper with a link has been fetched from its source already")
    label = f"Fill in {count} paper{'s' if count != 1 else ''} known only by a link, a citation or a title"
    return _queue(Job(kind=REFRESH, label=label, total=count, created_by=user))


def start_scan(user=None) -> Job:
    """Queue a job that looks for near-identical titles across the library (duplicates.py)."""
    total = Paper.objects.exclude(title_norm="").count()
    return _queue(
        Job(kind=SCAN_DUPLICATES, label="Look for near-identical titles", total=total, created_by=user)
    )


def upload_dir() -> Path:
    return Path(settings.HOME) / "uploads"


def start_import(fmt: str, upload: UploadedFile, user=None, *, skip_bad: bool = False) -> Job:
    """Save the upload under a generated name (never the sender's) and queue a job importing it."""
    if fmt not in UPLOAD_FORMATS:
        raise InputError(f"unknown format {fmt!r}: use one of {', '.join(UPLOAD_FORMATS)}")
    name = Path(upload.name or "upload").name[:200]
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored = directory / f"{uuid.uuid4().hex}.upload"
    with stored.open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = Job(
        kind=IMPORT,
        label=f"Import {name} ({fmt})",
        params={"format": fmt, "file": stored.name, "name": name, "skip_bad": skip_bad},
        created_by=user,
    )
    try:
        return _queue(job)
    except BaseException:
        stored.unlink(missing_ok=True)
        raise


def can_run_again(job: Job) -> bool:
    """A stalled job, or a fetch whose sources all failed (they may answer now; what was fetched stays)."""
    fetches = (SYNC_LISTINGS, SYNC_OPENREVIEW, SYNC_DAILY, SYNC_COUNTS, REFRESH, SCAN_DUPLICATES)
    return job.stalled or (job.state == Job.State.FAILED and job.kind in fetches)


def restart(job: Job, user=None) -> Job:
    """Queue the job again as a new one, when its worker stopped or its sources failed.

    The old row is closed as failed and says which job took over, so the page history stays true.
    An import needs its stored upload, which a finished import has removed.
    """
    if not can_run_again(job):
        raise InputError("only a stalled job or a failed fetch can be run again")
    if job.kind == IMPORT and not (upload_dir() / Path(job.params["file"]).name).is_file():
        raise InputError("the uploaded file is gone: upload it again")
    again = _queue(Job(kind=job.kind, label=job.label, params=job.params, total=job.total, created_by=user))
    if job.stalled:
        last = timezone.localtime(job.updated_at)
        report = Report(job)
        report.lines = [*job.message.splitlines(), f"interrupted: no progress since {last:%H:%M}"]
        report.note(f"run again as job {again.pk}")
        report.finish(ok=False)
    return again


def _queue(job: Job) -> Job:
    """Save the job and queue its task; when the same job (kind and parameters) is queued or running
    already, and not stalled, that one is returned instead: a button pressed twice, or the daily
    schedule of two workers, fetches once."""
    from paperhaul.papers.tasks import run_job  # tasks.py imports this module

    with transaction.atomic():
        same = Job.objects.filter(
            kind=job.kind, params=job.params, state__in=[Job.State.QUEUED, Job.State.RUNNING]
        )
        waiting = next((other for other in same.order_by("pk") if not other.stalled), None)
        if waiting is not None:
            return waiting
        job.save()
        run_job.enqueue(job.pk)
    return job


class Report:
    """Writes a job's progress into its row while it runs: lines that stay, and one current status."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.lines: list[str] = []
        self.status = ""

    def begin(self) -> None:
        self.job.state = Job.State.RUNNING
        self.job.started_at = timezone.now()
        self.job.save(update_fields=["state", "started_at", "updated_at"])

    def note(self, line: str) -> None:
        self.lines.append(line)
        self._save_message()

    def progress(self, done: int, total: int | None, status: str = "") -> None:
        self.job.done, self.job.total, self.status = done, total, status
        self._save_message("done", "total")

    def finish(self, ok: bool) -> None:
        self.status = ""
        self.job.state = Job.State.DONE if ok else Job.State.FAILED
        self.job.finished_at = timezone.now()
        self._save_message("state", "finished_at")

    def _save_message(self, *fields: str) -> None:
        self.job.message = "\n".join([*self.lines, self.status] if self.status else self.lines)
        self.job.save(update_fields=["message", "updated_at", *fields])


def run(job_id: int) -> Job:
    """Run a queued job to its end; a job that already ran is left as it is (the task is idempotent)."""
    job = Job.objects.get(pk=job_id)
    if job.state != Job.State.QUEUED:
        return job
    report = Report(job)
    report.begin()
    try:
        ok = _RUNNERS[job.kind](job.params, report)
    except PaperhaulError as exc:
        report.note(str(exc))
        report.finish(ok=False)
    except Exception as exc:
        report.note(
            f"stopped by an unexpected error ({type(exc).__name__}); the worker's log has the details"
        )
        report.finish(ok=False)
        raise
    else:
        report.finish(ok)
    return job


def _sync_listings(params: dict, report: Report) -> bool:
    categories = params["categories"]
    fetched = 0
    with arxiv_client() as client:  # one client for all: arXiv's pace holds between categories too
        for done, category in enumerate(categories):
            report.progress(done, len(categories), f"fetching {category}…")
            try:
                stats = sync_listing(client, category, Library())
            except SourceError as exc:
                report.note(f"{category}: arXiv listings {_problem(exc)}: {exc}")
                continue
            fetched += 1
            report.note(f"{category}: {_papers(stats)}")
        report.progress(len(categories), len(categories))
    if fetched < len(categories):
        report.note(f"{fetched} of {len(categories)} categories fetched")
    return fetched > 0


def _sync_openreview(params: dict, report: Report) -> bool:
    venues = params["venues"]
    fetched = 0
    with openreview_client() as client:
        for done, venue in enumerate(venues):
            report.progress(done, len(venues), f"fetching {venue}…")
            library = Library()
            try:
                progress = sync_venue(client, venue, library)
            except SourceError as exc:
                report.note(f"{venue}: OpenReview {_problem(exc)}: {exc}")
                continue
            if not progress.harvested:
                report.note(no_paper_in(venue))
                continue
            fetched += 1
            report.note(f"{venue}: {_papers(library.stats)}")
        report.progress(len(venues), len(venues))
    if fetched < len(venues):
        report.note(f"{fetched} of {len(venues)} venues fetched")
    return fetched > 0


def _sync_daily(params: dict, report: Report) -> bool:
    report.progress(0, 1, "fetching…")
    stats = sync_daily()
    report.progress(1, 1)
    report.note(f"daily papers: {_papers(stats)}")
    return True


def _sync_counts(params: dict, report: Report) -> bool:
    def progress(asked: SyncProgress, _stats: ImportStats) -> None:
        report.progress(asked.harvested, asked.expected, "asking Semantic Scholar…")

    stats, notes = sync_citation_counts(limit=params.get("limit"), on_progress=progress)
    report.note(f"citation counts: {_papers(stats)}")
    for note in notes:
        report.note(note)
    return True


def _papers(stats: ImportStats) -> str:
    """The counts of a fetch in words: 4 papers (added 3 / updated 1), "/ unchanged N" when some were."""
    counts = f"added {stats.added} / updated {stats.updated}"
    if stats.unchanged:
        counts += f" / unchanged {stats.unchanged}"
    return f"{stats.processed} paper{'s' if stats.processed != 1 else ''} ({counts})"


def _problem(exc: SourceError) -> str:
    return next((words for kind, words in _PROBLEMS if isinstance(exc, kind)), "failed")


class _JobBar(Bar):
    """The importer's progress bar, drawn into the job row instead of a terminal."""

    def __init__(self, report: Report) -> None:
        super().__init__(None, None)
        self.report = report
        self.records = "0"

    def update(self, *, completed: float | None = None, total: float | None = None, **fields) -> None:
        self.records = str(fields.get("records", self.records))
        self.report.progress(
            int(completed or 0), int(total) if total else None, f"{self.records} records processed"
        )


def _import(params: dict, report: Report) -> bool:
    path = upload_dir() / Path(params["file"]).name
    name = params["name"]
    bar = _JobBar(report)
    try:
        result = import_file(params["format"], path, skip_bad=params.get("skip_bad", False), bar=bar)
    except PaperhaulError as exc:
        # The message names the stored file; the curator knows the file by the name they sent.
        message = str(exc).replace(str(path), name)
        if bar.records not in ("0", ""):
            message += f" ({bar.records} records before it were kept)"
        raise InputError(message) from exc
    finally:
        path.unlink(missing_ok=True)
    report.note(f"{name}: {result.stats.summary()}")
    _note_some(report, [f"skipped {e}".replace(str(path), name) for e in result.stats.errors])
    _note_some(report, [f"duplicate entry: {d}" for d in result.duplicates])
    return True


def _refresh(params: dict, report: Report) -> bool:
    keys = incomplete()
    report.progress(0, len(keys), "fetching…")
    stats = refresh(keys, on_progress=lambda done, total, _: report.progress(done, total, "fetching…"))
    report.note(stats.summary())
    _note_some(report, failure_lines(stats.errors))
    return stats.failed < len(keys) or not keys


def _scan(params: dict, report: Report) -> bool:
    total = report.job.total
    report.progress(0, total, "comparing titles…")
    found = scan_near_titles(on_progress=lambda done: report.progress(done, total, "comparing titles…"))
    report.progress(total, total)
    report.note(f"{found} new possible duplicate{'s' if found != 1 else ''}")
    return True


def _note_some(report: Report, lines: list[str]) -> None:
    for line in lines[:MAX_LISTED_PROBLEMS]:
        report.note(line)
    if len(lines) > MAX_LISTED_PROBLEMS:
        report.note(f"… and {len(lines) - MAX_LISTED_PROBLEMS} more")


_RUNNERS: dict[str, Callable[[dict, Report], bool]] = {
    SYNC_LISTINGS: _sync_listings,
    SYNC_OPENREVIEW: _sync_openreview,
    SYNC_DAILY: _sync_daily,
    SYNC_COUNTS: _sync_counts,
    IMPORT: _import,
    REFRESH: _refresh,
    SCAN_DUPLICATES: _scan,
}
