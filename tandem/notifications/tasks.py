"""E-mail for notifications: one message per event, or one daily digest."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from tandem.accounts.models import User
from tandem.notifications.models import Notification


def _claim(ids: list[int]) -> bool:
    """Mark notifications as e-mailed; return False if another run got there first."""
    return Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    ) == len(ids)


@task()
def send_notification_email(notification_id: int) -> None:
    """E-mail one notification, once."""
    notification = (
        Notification.objects.select_related("user")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not _claim([notification.pk]):
        return
    context = {
        "n": notification,
        "url": settings.SITE_URL + notification.url,
        "settings_url": settings.SITE_URL + reverse("notifications:list"),
    }
    send_mail(
        subject=notification.title,
        message=render_to_string("notifications/email/one.txt", context),
        from_email=None,
        recipient_list=[notification.user.email],
    )


@task()
def send_daily_digests() -> int:
    """E-mail each digest reader what arrived since their last digest; return how many."""
    since = timezone.now() - datetime.timedelta(days=7)  # older news is stale for e-mail
    pending = (
        Notification.objects.filter(
            Q(user__email_digest=True), emailed_at__isnull=True, created_at__gte=since
        )
        .select_related("user")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    sent = 0
    for items in by_user.values():
        if not _claim([n.pk for n in items]):
            continue
        user: User = items[0].user
        context = {
            "user": user,
            "items": items,
            "site": settings.SITE_URL,
            "settings_url": settings.SITE_URL + reverse("notifications:list"),
        }
        send_mail(
            subject=f"Your Tandem news: {len(items)} update{'s' if len(items) > 1 else ''}",
            message=render_to_string("notifications/email/digest.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
        sent += 1
    return sent
