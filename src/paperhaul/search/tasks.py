"""The embedding task: run by `paperhaul worker` after papers were added or changed."""

from __future__ import annotations

from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from paperhaul.search.indexing import embed_pending


@task()
def embed_new_papers() -> dict:
    stats = embed_pending()
    return {"embedded": stats.embedded, "unchanged": stats.unchanged}


def schedule_embedding(**_signal) -> None:
    """Queue the embedding task unless one is already waiting (one run embeds everything pending)."""
    waiting = DBTaskResult.objects.filter(
        task_path=embed_new_papers.module_path, status=TaskResultStatus.READY
    )
    if not waiting.exists():
        embed_new_papers.enqueue()
