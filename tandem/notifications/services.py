"""Tell people what happened: in the app at once, by e-mail from a background task."""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.task_runs import current_task_id
from tandem.notifications.models import Notification


def notify(
    *, user: User, kind: str, title: str, url: str, body: str = "", dedupe_key: str = ""
) -> Notification | None:
    """Record a notification and e-mail it after commit, unless the person takes a digest.

    With a dedupe_key, the same event reported twice yields one notification. Inside a
    background task, a call without one is keyed by the task run and the content, so a
    run that a dead worker left and the scheduler re-queued reports nothing twice.
    """
    from tandem.notifications.tasks import send_notification_email

    dedupe_key = dedupe_key or _task_run_key(kind=kind, title=title, url=url, body=body)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:
        if dedupe_key.startswith("task:"):
            _queue_unsent_email(user=user, dedupe_key=dedupe_key)
        return None
    if not user.email_digest:
        transaction.on_commit(lambda: send_notification_email.enqueue(notification.pk))
    return notification


def _task_run_key(*, kind: str, title: str, url: str, body: str) -> str:
    run = current_task_id()
    if run is None:
        return ""
    content = hashlib.sha256("\0".join((kind, title, url, body)).encode()).hexdigest()[:24]
    return f"task:{run}:{content}"


def _queue_unsent_email(*, user: User, dedupe_key: str) -> None:
    # The same task run again: its first attempt may have died between recording the
    # notification and queueing its e-mail. A second e-mail task is harmless (tasks.py).
    from tandem.notifications.tasks import send_notification_email

    unsent = Notification.objects.filter(
        user=user, dedupe_key=dedupe_key, emailed_at__isnull=True, email_claimed_by=""
    ).first()
    if unsent is not None and not user.email_digest:
        transaction.on_commit(lambda: send_notification_email.enqueue(unsent.pk))


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the given notifications, or all of them, as read for this person."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def notification_settings_save(*, user: User, email_digest: bool) -> User:
    """Choose one e-mail per update, or one daily digest."""
    user.email_digest = email_digest
    user.save(update_fields=["email_digest"])
    return user
