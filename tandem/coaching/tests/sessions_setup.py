"""Helpers of the session tests: a running engagement with sessions held in the past."""

import datetime

from django.utils import timezone

from tandem.coaching.models import Engagement
from tandem.relationships.models import Meeting
from tandem.testing.coaching import Practice


def running(practice: Practice, *, days_ago: int = 30) -> Engagement:
    """Start the engagement as if the contract had been signed some weeks ago."""
    practice.start()
    engagement = practice.engagement
    engagement.starts_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    engagement.save(update_fields=["starts_on"])
    return engagement


def held(practice: Practice, *, days_ago: int, minutes: int = 60) -> Meeting:
    return Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        duration_minutes=minutes,
        status=Meeting.Status.HELD,
    )
