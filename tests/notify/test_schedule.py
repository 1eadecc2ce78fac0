"""Digests on the worker's schedule: the next slot, one queued send per frequency, retries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from paperhaul.notify.tasks import RETRY_AFTER, ensure_scheduled, next_slot, send_scheduled_digests
from tests.notify.conftest import subscriber

pytestmark = pytest.mark.django_db


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("frequency", "now", "expected"),
    [
        ("daily", "2024-06-05 05:59", "2024-06-05 06:00"),
        ("daily", "2024-06-05 06:00", "2024-06-06 06:00"),
        ("weekly", "2024-06-05 10:00", "2024-06-10 06:00"),  # a Wednesday: next Monday
        ("weekly", "2024-06-10 05:00", "2024-06-10 06:00"),  # Monday before the hour
        ("weekly", "2024-06-10 06:30", "2024-06-17 06:00"),
    ],
)
def test_next_slot(settings, frequency, now, expected):
    settings.PAPERHAUL_DIGEST_HOUR = 6
    assert next_slot(frequency, at(now)) == at(expected)


def queued() -> list[tuple[list, dt.datetime]]:
    rows = DBTaskResult.objects.filter(
        task_path=send_scheduled_digests.module_path, status=TaskResultStatus.READY
    ).order_by("run_after")
    return [(row.args_kwargs["args"], row.run_after) for row in rows]


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it stops
def test_the_worker_queues_one_send_per_frequency_once():
    call_command("worker", batch=True)  # queues the schedule, then finds nothing due and exits
    now = timezone.now()
    assert sorted(args for args, _ in queued()) == [["daily"], ["weekly"]]
    assert all(now < run_after <= now + dt.timedelta(days=7) for _, run_after in queued())
    ensure_scheduled()
    assert len(queued()) == 2


def test_a_scheduled_send_sends_and_queues_the_next(papers, postbox):
    subscriber("ada@example.org")
    result = send_scheduled_digests.call("daily")
    assert result["sent_now"] == 1 and len(postbox.messages) == 1
    assert sorted(args for args, _ in queued()) == [["daily"], ["weekly"]]


def test_a_send_the_mail_server_stopped_is_retried_later(papers, settings):
    subscriber("ada@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    before = timezone.now()
    result = send_scheduled_digests.call("daily")
    assert result["stopped"] and result["pending"] == 1
    today = timezone.now().date().isoformat()
    retry = [(args, run_after) for args, run_after in queued() if len(args) == 3]
    assert [args for args, _ in retry] == [["daily", today, 1]]
    assert retry[0][1] >= before + RETRY_AFTER
