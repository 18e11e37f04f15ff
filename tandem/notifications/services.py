"""Tell people what happened: in the app at once, by e-mail from a background task."""

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.bulk import rows_insert
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


@dataclass(frozen=True)
class News:
    """One notification to record, as ``notify`` takes it."""

    user: User
    kind: str
    title: str
    url: str
    body: str = ""


# E-mails of a bulk notification are sent by tasks of this many each.
EMAILS_PER_TASK = 500


def notify_many(news: Sequence[News]) -> int:
    """Record many notifications at once and e-mail each after commit, as ``notify`` does.

    The rows, their keys and the e-mails are those ``notify`` gives one by one; the e-mails
    are queued in tasks of ``EMAILS_PER_TASK``. Return how many notifications were recorded.
    """
    from tandem.notifications.tasks import send_notification_emails

    now = timezone.now()
    rows: dict[tuple[int, str], dict[str, object]] = {}
    unkeyed: list[dict[str, object]] = []
    for item in news:
        key = _task_run_key(kind=item.kind, title=item.title, url=item.url, body=item.body)
        row = {
            "user_id": item.user.pk,
            "kind": item.kind,
            "title": item.title,
            "body": item.body,
            "url": item.url,
            "created_at": now,
            "dedupe_key": key,
        }
        if key:
            rows.setdefault((item.user.pk, key), row)
        else:
            unkeyed.append(row)
    already = set()
    if rows:
        already = set(
            Notification.objects.filter(dedupe_key__in={key for _, key in rows}).values_list(
                "user_id", "dedupe_key"
            )
        )
    fresh = unkeyed + [row for pair, row in rows.items() if pair not in already]
    before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    rows_insert(Notification, fresh)
    # The same run again may find its notifications recorded but not e-mailed (notify).
    written = Notification.objects.filter(
        Q(pk__gt=before, created_at=now) | Q(dedupe_key__in={key for _, key in already}),
        emailed_at__isnull=True,
        email_claimed_by="",
        user__email_digest=False,
    )
    to_email = [
        pk
        for pk, user_id, key in written.values_list("pk", "user_id", "dedupe_key")
        if not key or (user_id, key) in rows
    ]
    for start in range(0, len(to_email), EMAILS_PER_TASK):
        transaction.on_commit(
            functools.partial(
                send_notification_emails.enqueue, to_email[start : start + EMAILS_PER_TASK]
            )
        )
    return len(fresh)


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
