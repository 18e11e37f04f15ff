"""Runs of background tasks: which one is running here, and those a dead worker left behind.

`db_worker` marks a task row RUNNING before it calls the task and SUCCESSFUL or FAILED
after. A worker that dies in between (`kill -9`, out of memory, a lost machine) leaves
the row RUNNING for good, and django-tasks-db has no step that notices. The scheduler
calls `tasks_recover_abandoned`, which puts such rows back in the queue once they have
run for longer than any task should; every Tandem task is safe to run twice, so a run
that did part of its work finishes it and does nothing twice.
"""

import datetime
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus
from django_tasks_db.models import DBTaskResult

# A task that killed its worker this many times is not tried again.
MAX_ATTEMPTS = 5

_running: ContextVar[tuple[str, ...]] = ContextVar("tandem_running_tasks", default=())


class WorkerLost(Exception):
    """The worker running a task died before the task finished."""


def current_task_id() -> str | None:
    """Return the id of the task run executing this code, or None outside a task."""
    stack = _running.get()
    return stack[-1] if stack else None


def task_run_started(*, task_result: TaskResult, **kwargs: Any) -> None:
    """Note that a task run began here (connected to django-tasks' task_started)."""
    _running.set((*_running.get(), str(task_result.id)))


def task_run_finished(*, task_result: TaskResult, **kwargs: Any) -> None:
    """Note that a task run ended here (connected to django-tasks' task_finished)."""
    stack = _running.get()
    if stack and stack[-1] == str(task_result.id):
        _running.set(stack[:-1])


@transaction.atomic
def tasks_recover_abandoned(
    *, older_than: datetime.timedelta, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Re-queue task rows left running longer than older_than; fail those tried too often."""
    now = now or timezone.now()
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - older_than)
    counts = {"requeued": 0, "failed": 0}
    for pk, started_at, worker_ids in stale.values_list("pk", "started_at", "worker_ids"):
        # Conditional on the row being unchanged, so a worker that finishes it meanwhile wins.
        row = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) >= MAX_ATTEMPTS:
            counts["failed"] += row.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: the worker died during each of {len(worker_ids)} "
                "attempts, so the task is not tried again.\n",
            )
        else:
            counts["requeued"] += row.update(status=TaskResultStatus.READY, started_at=None)
    return counts
