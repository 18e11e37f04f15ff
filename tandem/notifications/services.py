"""Tell people what happened: in the app at once, by e-mail from a background task."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.notifications.models import Notification


def notify(
    *, user: User, kind: str, title: str, url: str, body: str = "", dedupe_key: str = ""
) -> Notification | None:
    """Record a notification and e-mail it after commit, unless the person takes a digest.

    With a dedupe_key, the same event reported twice yields one notification.
    """
    from tandem.notifications.tasks import send_notification_email

    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None
    if not user.email_digest:
        transaction.on_commit(lambda: send_notification_email.enqueue(notification.pk))
    return notification


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
