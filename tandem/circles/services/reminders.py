"""Time-based news of circles, sent by the scheduler: the day-before reminder of a session."""

import datetime

from django.db import transaction
from django.utils import timezone

from tandem.circles.models import Circle, CircleCommitment, CircleMembership, CircleSession
from tandem.circles.services.news import remind_session

SESSION_REMINDER_BEFORE = datetime.timedelta(hours=24)


def circle_sessions_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind members of a session in the next day, once, with what each follows up there.

    Return how many sessions were reminded of. Safe to run twice: a session is claimed
    (``reminder_sent_at``) before anyone is told, and the news is keyed by the session.
    """
    now = now or timezone.now()
    due = CircleSession.objects.select_related("circle__program").filter(
        state=CircleSession.State.PLANNED,
        reminder_sent_at__isnull=True,
        circle__state=Circle.State.ACTIVE,
        starts_at__gt=now,
        starts_at__lte=now + SESSION_REMINDER_BEFORE,
    )
    count = 0
    for session in due.order_by("starts_at", "pk"):
        with transaction.atomic():
            claimed = CircleSession.objects.filter(
                pk=session.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            commitments = CircleCommitment.objects.filter(
                due_session=session,
                state=CircleCommitment.State.OPEN,
                membership__state=CircleMembership.State.ACTIVE,
            ).select_related("membership__enrollment")
            remind_session(session, list(commitments.order_by("created_at", "pk")))
            count += 1
    return count
