"""Enrichment as tasks, run by `paperhaul worker`: after imports, and again once vectors arrive.

New or changed papers announce themselves (papers.signals.library_changed); one waiting enrichment
task covers everything pending, so a burst of imports queues it once. Topics decided from words
alone are decided again from vectors when the embedding task finishes. Language-model takeaways,
slow and optional, are a task of their own, queued by the enrichment task when an endpoint is set.
"""

from __future__ import annotations

from django.conf import settings
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from paperhaul.enrich.assign import assign_topics
from paperhaul.enrich.llm import LLMClient
from paperhaul.enrich.takeaways import write_takeaways


@task()
def enrich_new_papers() -> dict:
    """Topics and extractive takeaways of every paper that lacks current ones."""
    topics = assign_topics()
    takeaways = write_takeaways()
    if settings.PAPERHAUL_LLM_BASE_URL.strip():
        enqueue_once(write_llm_takeaways)
    return {"topics": topics.as_json(), "takeaways": takeaways.as_json()}


@task()
def write_llm_takeaways() -> dict:
    """The configured model's takeaways of every paper that lacks a current one."""
    client = LLMClient.from_settings()
    if client is None:
        return {}
    try:
        return write_takeaways(llm=client).as_json()
    finally:
        client.close()


def enqueue_once(queued: Task) -> None:
    """Queue the task unless a run of it is already waiting (that run will cover everything pending)."""
    waiting = DBTaskResult.objects.filter(task_path=queued.module_path, status=TaskResultStatus.READY)
    if not waiting.exists():
        queued.enqueue()


def schedule_enrichment(**_signal) -> None:
    enqueue_once(enrich_new_papers)


def after_embedding(sender, task_result, **_signal) -> None:
    """Once new vectors are stored, topics decided from words alone can be decided from them."""
    from paperhaul.search.tasks import embed_new_papers

    if (
        task_result.task.module_path == embed_new_papers.module_path
        and task_result.status == TaskResultStatus.SUCCESSFUL
    ):
        schedule_enrichment()
