"""What a coach and a client find on their home page: their engagement and the hours log."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tandem.programs.models import MeetingMode
from tandem.relationships.services import meeting_schedule
from tandem.testing.coaching import Practice
from tandem.testing.fixtures import client_for


def _home(practice: Practice, who: str) -> str:
    enrollment = practice.coach if who == "coach" else practice.client
    return client_for(enrollment.user).get("/").content.decode()


def test_coach_and_client_find_their_engagement_on_home(practice: Practice) -> None:
    engagement = practice.start()
    url = reverse("coaching:engagement", args=[engagement.pk])
    coach_page, client_page = _home(practice, "coach"), _home(practice, "client")
    assert url in coach_page and "Coaching Cal Client" in coach_page
    assert url in client_page and "Coached by Cora Coach" in client_page
    assert url not in client_for(practice.sponsor).get("/").content.decode()


def test_a_planned_session_on_home_links_to_its_engagement(practice: Practice) -> None:
    engagement = practice.start()
    meeting_schedule(
        relationship=practice.relationship,
        by=practice.coach.user,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        duration_minutes=60,
        mode=MeetingMode.VIDEO,
    )
    page = _home(practice, "client")
    assert "Meeting with Cora Coach" in page
    assert "Open the coaching engagement" in page
    assert reverse("coaching:engagement", args=[engagement.pk]) in page


def test_only_a_coach_is_offered_the_hours_log(practice: Practice) -> None:
    practice.start()
    url = reverse("coaching:hours_log")
    assert url in _home(practice, "coach")
    assert url not in _home(practice, "client")
    assert url not in client_for(practice.world.mentor).get("/").content.decode()
