"""A task worker that dies mid-queue loses no e-mail and makes none arrive twice.

The tasks run on the database backend, as in production, through db_worker's own loop. A
worker's death is a task row left RUNNING with an old start (what `kill -9` leaves), and
sometimes the first half of a task's work done by the run that died.
"""

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tandem.accounts.models import User
from tandem.core import task_runs
from tandem.core.task_runs import tasks_recover_abandoned
from tandem.notifications import tasks
from tandem.notifications.models import Notification
from tandem.notifications.services import notification_settings_save, notify
from tandem.testing.fixtures import World

LONG_AGO = datetime.timedelta(hours=2)
RECOVER_AFTER = datetime.timedelta(minutes=30)
DAY = datetime.timedelta(days=1)


class WorkerDied(BaseException):
    """Stands for `kill -9`: nothing after the point where it is raised happens."""


@pytest.fixture(autouse=True)
def _database_tasks(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def run_worker(on_commit: Callable[[], Any], monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Run db_worker's loop until the queue is empty, e-mail tasks queued on the way too."""
    # The worker drops connections that are not in autocommit, as the test's one is not.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        while DBTaskResult.objects.ready().exists():
            with on_commit():
                Worker(
                    queue_names=["default"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id="worker-2",
                    excluded_queue_names=[],
                ).run()

    return run


def die_during(row: DBTaskResult, moment: str, *args: Any) -> None:
    """Start the queued task as a worker would, and let that worker die at the moment."""
    real_send = tasks._send

    def send(run: str, items: Any, message: Any) -> None:
        if moment == "after sending":
            message.send()
        elif moment == "after recording":
            real_send(run, items, message)
        raise WorkerDied

    row.claim("worker-1")
    with pytest.MonkeyPatch.context() as patch, pytest.raises(WorkerDied):
        patch.setattr(tasks, "_send", send)
        row.task.func(TaskContext(task_result=row.task_result), *args)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - LONG_AGO)


def message_ids() -> list[str]:
    return [m.extra_headers["Message-ID"] for m in mail.outbox]


MOMENTS = [("before sending", 1), ("after sending", 2), ("after recording", 1)]


def test_an_email_task_run_twice_sends_one_email(
    world: World, on_commit: Any, run_worker: Callable[[], None]
) -> None:
    with on_commit():
        note = notify(user=world.mentee, kind="test", title="Mo accepted", url="/")
    assert note is not None
    run_worker()
    tasks.send_notification_email.enqueue(note.pk)  # the same work queued again
    run_worker()
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.successful().count() == 2
    note.refresh_from_db()
    assert note.emailed_at is not None


@pytest.mark.parametrize(("moment", "copies"), MOMENTS)
def test_an_email_whose_worker_died_is_sent_by_the_recovered_task(
    world: World, on_commit: Any, run_worker: Callable[[], None], moment: str, copies: int
) -> None:
    with on_commit():
        note = notify(user=world.mentee, kind="test", title="Mo accepted", url="/")
    assert note is not None
    row = DBTaskResult.objects.get()
    die_during(row, moment, note.pk)
    run_worker()  # a new worker does not touch the dead one's task
    assert DBTaskResult.objects.running().count() == 1
    assert tasks_recover_abandoned(older_than=RECOVER_AFTER) == {"requeued": 1, "failed": 0}
    run_worker()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids == ["worker-1", "worker-2"]
    # A copy the server took just before the worker died has the same Message-ID, so a
    # mailbox that drops repeated Message-IDs shows it once.
    assert len(mail.outbox) == copies
    assert len(set(message_ids())) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None


def test_an_email_another_run_is_sending_is_left_to_it(
    world: World, on_commit: Any, run_worker: Callable[[], None]
) -> None:
    with on_commit():
        note = notify(user=world.mentee, kind="test", title="Mo accepted", url="/")
    assert note is not None
    Notification.objects.filter(pk=note.pk).update(
        email_claimed_by="another-run", email_claimed_at=timezone.now()
    )
    run_worker()
    assert mail.outbox == []
    # A claim nobody took up for a day is given up, and the next run sends it.
    Notification.objects.filter(pk=note.pk).update(email_claimed_at=timezone.now() - 2 * DAY)
    tasks.send_notification_email.enqueue(note.pk)
    run_worker()
    assert len(mail.outbox) == 1


def test_a_live_workers_task_is_not_taken_from_it(
    world: World, on_commit: Any, run_worker: Callable[[], None]
) -> None:
    with on_commit():
        notify(user=world.mentee, kind="test", title="Mo accepted", url="/")
    DBTaskResult.objects.get().claim("worker-1")  # started just now
    assert tasks_recover_abandoned(older_than=RECOVER_AFTER) == {"requeued": 0, "failed": 0}
    run_worker()
    assert mail.outbox == []
    assert DBTaskResult.objects.running().count() == 1


def test_a_task_that_keeps_killing_its_worker_is_given_up(
    world: World, on_commit: Any, run_worker: Callable[[], None]
) -> None:
    with on_commit():
        notify(user=world.mentee, kind="test", title="Mo accepted", url="/")
    row = DBTaskResult.objects.get()
    for attempt in range(1, task_runs.MAX_ATTEMPTS + 1):
        row.refresh_from_db()
        row.claim(f"worker-{attempt}")
        DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - LONG_AGO)
        tasks_recover_abandoned(older_than=RECOVER_AFTER)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "tandem.core.task_runs.WorkerLost"
    run_worker()
    assert mail.outbox == []


def _digest_reader(world: World, on_commit: Any) -> None:
    notification_settings_save(user=world.mentee, email_digest=True)
    with on_commit():
        for n in range(3):
            notify(user=world.mentee, kind="test", title=f"Update {n}", url="/")
    assert DBTaskResult.objects.count() == 0  # digest readers get no mail per update


def test_the_digest_queued_twice_is_sent_once(
    world: World, on_commit: Any, run_worker: Callable[[], None]
) -> None:
    _digest_reader(world, on_commit)
    tasks.send_daily_digests.enqueue()
    tasks.send_daily_digests.enqueue()  # a second scheduler, or a restarted one
    run_worker()
    tasks.send_daily_digests.enqueue()  # the next run finds nothing new
    run_worker()
    assert len(mail.outbox) == 1
    assert "Update 0" in mail.outbox[0].body and "Update 2" in mail.outbox[0].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.parametrize(("moment", "copies"), MOMENTS)
def test_a_digest_whose_worker_died_is_sent_once_with_the_same_news(
    world: World, on_commit: Any, run_worker: Callable[[], None], moment: str, copies: int
) -> None:
    _digest_reader(world, on_commit)
    assert tasks.send_daily_digests.func() == 1  # fans out: one digest task per reader
    row = DBTaskResult.objects.get()
    die_during(row, moment, world.mentee.pk)
    with on_commit():
        notify(user=world.mentee, kind="test", title="Update 3", url="/")
    assert tasks_recover_abandoned(older_than=RECOVER_AFTER) == {"requeued": 1, "failed": 0}
    run_worker()
    assert len(mail.outbox) == copies
    assert len(set(message_ids())) == 1
    # The resumed digest is the one that was being sent; later news waits for the next.
    assert "Update 0" in mail.outbox[-1].body and "Update 3" not in mail.outbox[-1].body
    tasks.send_daily_digests.enqueue()
    run_worker()
    assert len(mail.outbox) == copies + 1
    assert "Update 3" in mail.outbox[-1].body and "Update 0" not in mail.outbox[-1].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@task()
def report_progress(user_id: int) -> None:
    """Notify without a dedupe key, as a task might."""
    notify(user=User.objects.get(pk=user_id), kind="test", title="Round finished", url="/")


def test_a_rerun_task_that_notifies_without_a_key_reports_once(
    world: World, on_commit: Any, run_worker: Callable[[], None]
) -> None:
    with on_commit():
        report_progress.enqueue(world.mentee.pk)
    run_worker()
    # The worker died after the work, before it marked the task done: it runs again.
    DBTaskResult.objects.filter(task_path__endswith=".report_progress").update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - LONG_AGO
    )
    assert tasks_recover_abandoned(older_than=RECOVER_AFTER) == {"requeued": 1, "failed": 0}
    run_worker()
    assert Notification.objects.filter(user=world.mentee, title="Round finished").count() == 1
    assert len(mail.outbox) == 1
    # Outside a task, the same call is news again.
    notify(user=world.mentee, kind="test", title="Round finished", url="/")
    assert Notification.objects.filter(user=world.mentee, title="Round finished").count() == 2


def test_a_rerun_task_queues_the_email_its_dead_run_never_queued(
    world: World, on_commit: Any, run_worker: Callable[[], None]
) -> None:
    with on_commit():
        report_progress.enqueue(world.mentee.pk)
    row = DBTaskResult.objects.get()
    row.claim("worker-1")
    # The run recorded the notification and died before its e-mail was queued (the
    # callbacks that would queue it are never run here).
    task_runs.task_run_started(task_result=row.task_result)
    try:
        report_progress.func(world.mentee.pk)
    finally:
        task_runs.task_run_finished(task_result=row.task_result)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - LONG_AGO)
    assert DBTaskResult.objects.count() == 1
    tasks_recover_abandoned(older_than=RECOVER_AFTER)
    run_worker()
    assert Notification.objects.filter(user=world.mentee).count() == 1
    assert len(mail.outbox) == 1


def test_the_scheduler_requeues_tasks_of_dead_workers(
    world: World, on_commit: Any, run_worker: Callable[[], None]
) -> None:
    with on_commit():
        notify(user=world.mentee, kind="test", title="Mo accepted", url="/")
    row = DBTaskResult.objects.get()
    row.claim("worker-1")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - LONG_AGO)
    out = io.StringIO()
    call_command("run_schedule", "--once", stdout=out)
    assert "1 queued again" in out.getvalue()
    run_worker()
    # On the first of a month the same pass also sends the admins' monthly report.
    assert [m.to for m in mail.outbox if m.to == [world.mentee.email]] == [[world.mentee.email]]
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
