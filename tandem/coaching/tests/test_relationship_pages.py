"""The relationship pages of a coaching pair lead to the engagement, not to commitments."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tandem.programs.models import MeetingMode
from tandem.relationships.models import Meeting
from tandem.relationships.services import meeting_schedule
from tandem.testing.coaching import Practice
from tandem.testing.fixtures import client_for


def _session(practice: Practice) -> Meeting:
    return meeting_schedule(
        relationship=practice.relationship,
        by=practice.coach.user,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        duration_minutes=60,
        mode=MeetingMode.VIDEO,
    )


def test_a_coaching_meeting_page_opens_its_session(practice: Practice) -> None:
    engagement = practice.start()
    meeting = _session(practice)
    for enrollment in (practice.coach, practice.client):
        page = client_for(enrollment.user).get(reverse("relationships:meeting", args=[meeting.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Open this coaching session" in html
        assert reverse("coaching:session", args=[engagement.pk, meeting.pk]) in html


def test_a_coaching_relationship_offers_assignments_not_commitments(practice: Practice) -> None:
    engagement = practice.start()
    page = client_for(practice.client.user).get(
        reverse("relationships:detail", args=[practice.relationship.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Add my commitment" not in html and "Commitments" not in html
    assert f"{reverse('coaching:engagement', args=[engagement.pk])}#assignments-h" in html
