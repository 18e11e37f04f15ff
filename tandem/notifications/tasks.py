"""E-mail for notifications: one message per event, or one daily digest.

Each message goes out at least once, and twice only in one narrow case (the last point):

- A run first claims the notifications it will send (`email_claimed_by` = its task id,
  with a conditional update), sends, then records `emailed_at`. Another run leaves them
  alone, so two runs never send the same news.
- A worker that dies mid-send leaves its task RUNNING and its claim in place; the
  scheduler re-queues the task (`tandem.core.task_runs`), and the same task id takes its
  claim up again and sends what was not recorded as sent. Claiming and recording in one
  step before sending would lose the message instead.
- A worker that dies after the server took the message but before `emailed_at` was
  written sends it again on the re-run: with the same Message-ID, derived from the
  notifications, which many mailboxes show as one message.
"""

import datetime
import hashlib
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskContext, task

from tandem.accounts.models import User
from tandem.notifications.models import Notification

# Older news is stale for e-mail.
DIGEST_WINDOW = datetime.timedelta(days=7)
# A claim this old belongs to a run nobody will resume (say, an in-process run whose web
# process died); anyone may take it. Far beyond TASK_RECOVER_AFTER_MINUTES (at most 12 h).
CLAIM_ABANDONED_AFTER = datetime.timedelta(days=1)


def _claimable(now: datetime.datetime) -> Q:
    return Q(email_claimed_by="") | Q(email_claimed_at__lt=now - CLAIM_ABANDONED_AFTER)


def _claim(run: str, scope: QuerySet[Notification], pending: Q) -> list[Notification]:
    """Return what this run is to send: what it claimed before if any, else what it can claim.

    A run that claimed before is a re-run of a task whose worker died: it finishes that
    message and takes nothing new, so its message reads the same (and keeps its id).
    """
    if not scope.filter(email_claimed_by=run).exists():
        now = timezone.now()
        scope.filter(pending, _claimable(now), emailed_at__isnull=True).update(
            email_claimed_by=run, email_claimed_at=now
        )
    return list(
        scope.filter(email_claimed_by=run, emailed_at__isnull=True)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def _send(run: str, items: Sequence[Notification], message: EmailMessage) -> None:
    """Send the message, then record its notifications as e-mailed; free them if it fails."""
    ids = [n.pk for n in items]
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk__in=ids, email_claimed_by=run).update(
            email_claimed_by="", email_claimed_at=None
        )
        raise
    Notification.objects.filter(pk__in=ids, email_claimed_by=run).update(emailed_at=timezone.now())


def _message_id(kind: str, items: Sequence[Notification]) -> str:
    """Name the message after its notifications, so a second copy carries the same id."""
    names = ",".join(f"{n.pk}:{n.created_at.isoformat()}" for n in items)
    digest = hashlib.sha256(names.encode()).hexdigest()[:32]
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{kind}.{digest}@{host}>"


def _settings_url() -> str:
    return settings.SITE_URL + reverse("notifications:list")


def _one_message(notification: Notification, items: Sequence[Notification]) -> EmailMessage:
    context_data = {
        "n": notification,
        "url": settings.SITE_URL + notification.url,
        "settings_url": _settings_url(),
    }
    return EmailMessage(
        subject=notification.title,
        body=render_to_string("notifications/email/one.txt", context_data),
        to=[notification.user.email],
        headers={"Message-ID": _message_id("notification", items)},
    )


@task(takes_context=True)
def send_notification_email(context: TaskContext, notification_id: int) -> None:
    """E-mail one notification, once."""
    run = str(context.task_result.id)
    items = _claim(run, Notification.objects.filter(pk=notification_id), Q())
    if not items:
        return
    _send(run, items, _one_message(items[0], items))


@task(takes_context=True)
def send_notification_emails(context: TaskContext, notification_ids: list[int]) -> None:
    """E-mail each of many notifications in a message of its own, once."""
    run = str(context.task_result.id)
    items = _claim(run, Notification.objects.filter(pk__in=notification_ids), Q())
    for done, notification in enumerate(items):
        try:
            _send(run, [notification], _one_message(notification, [notification]))
        except Exception:
            # Let a later run send the rest rather than hold them for a day.
            Notification.objects.filter(
                pk__in=[n.pk for n in items[done + 1 :]], email_claimed_by=run
            ).update(email_claimed_by="", email_claimed_at=None)
            raise


def _digest_pending(now: datetime.datetime) -> Q:
    return Q(user__email_digest=True, created_at__gte=now - DIGEST_WINDOW)


@task()
def send_daily_digests() -> int:
    """Queue one digest for each reader with news nobody is sending yet; return how many."""
    now = timezone.now()
    unclaimed = Notification.objects.filter(
        _digest_pending(now), _claimable(now), emailed_at__isnull=True
    )
    user_ids = sorted(set(unclaimed.values_list("user_id", flat=True)))
    for user_id in user_ids:
        send_digest.enqueue(user_id)
    return len(user_ids)


@task(takes_context=True)
def send_digest(context: TaskContext, user_id: int) -> None:
    """E-mail one digest reader what arrived since their last digest, once."""
    run = str(context.task_result.id)
    items = _claim(
        run, Notification.objects.filter(user_id=user_id), _digest_pending(timezone.now())
    )
    if not items:
        return
    user: User = items[0].user
    context_data = {
        "user": user,
        "items": items,
        "site": settings.SITE_URL,
        "settings_url": _settings_url(),
    }
    message = EmailMessage(
        subject=f"Your Tandem news: {len(items)} update{'s' if len(items) > 1 else ''}",
        body=render_to_string("notifications/email/digest.txt", context_data),
        to=[user.email],
        headers={"Message-ID": _message_id("digest", items)},
    )
    _send(run, items, message)
