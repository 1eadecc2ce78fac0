"""The task that runs a library job (papers/jobs.py) in `paperhaul worker`, away from web requests."""

from __future__ import annotations

from django_tasks import task

from paperhaul.papers import jobs


@task()
def run_job(job_id: int) -> str:
    """Run the job and return its final state (the job row has the details)."""
    return jobs.run(job_id).state
