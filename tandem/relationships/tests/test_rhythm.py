import datetime

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.relationships import services
from tandem.relationships.models import CheckIn, Meeting
from tandem.relationships.services.rhythm import checkins_remind, meetings_remind
from tandem.relationships.tests.conftest import active, backdate
from tandem.testing.fixtures import World


def test_holding_a_meeting_plans_the_next_one(ready: World) -> None:
    relationship = active(ready)
    first = relationship.meetings.get()
    Meeting.objects.filter(pk=first.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services.meeting_mark_held(meeting=first, by=ready.mentee)
    planned = relationship.meetings.get(status=Meeting.Status.PLANNED)
    assert planned.starts_at > timezone.now() + datetime.timedelta(days=20)


def test_a_future_meeting_cannot_be_marked_held(ready: World) -> None:
    meeting = active(ready).meetings.get()
    with pytest.raises(DomainError, match="still ahead"):
        services.meeting_mark_held(meeting=meeting, by=ready.mentor)


def test_both_can_edit_shared_notes(ready: World) -> None:
    meeting = active(ready).meetings.get()
    services.meeting_update(meeting=meeting, by=ready.mentee, agenda="Board deck, slide 3")
    services.meeting_update(meeting=meeting, by=ready.mentor, notes="Start with the story")
    meeting.refresh_from_db()
    assert (meeting.agenda, meeting.notes) == ("Board deck, slide 3", "Start with the story")
    with pytest.raises(DomainError):
        services.meeting_update(meeting=meeting, by=ready.other_mentor, notes="hi")


def test_planned_versus_held_shows_who_is_behind(ready: World) -> None:
    relationship = active(ready)
    backdate(relationship, 65)  # monthly rhythm: two meetings expected by now
    status = services.rhythm(relationship)
    assert (status.expected, status.held, status.label) == (2, 0, "Behind by 2 meetings")


def test_overdue_commitments_go_on_the_next_agenda(ready: World) -> None:
    relationship = active(ready)
    commitment = services.commitment_create(
        relationship=relationship,
        owner=ready.mentee,
        text="Draft the opening",
        due_on=timezone.localdate(),
    )
    assert Notification.objects.filter(user=ready.mentor, kind="commitment_made").exists()
    type(commitment).objects.filter(pk=commitment.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    meeting = relationship.meetings.get()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services.meeting_mark_held(meeting=meeting, by=ready.mentor)
    upcoming = relationship.meetings.get(status=Meeting.Status.PLANNED)
    assert "Follow up: Draft the opening" in upcoming.agenda


def test_only_the_owner_marks_a_commitment_done(ready: World) -> None:
    relationship = active(ready)
    commitment = services.commitment_create(
        relationship=relationship,
        owner=ready.mentee,
        text="Record a practice run",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    with pytest.raises(DomainError, match="person who made"):
        services.commitment_mark_done(commitment=commitment, by=ready.mentor)
    services.commitment_mark_done(commitment=commitment, by=ready.mentee)
    assert Notification.objects.filter(user=ready.mentor, kind="commitment_done").exists()


def test_checkins_are_asked_for_when_due_and_once(ready: World) -> None:
    relationship = active(ready)
    assert not services.checkin_due(relationship, ready.mentee)
    backdate(relationship, 29)
    assert services.checkin_due(relationship, ready.mentee)
    assert checkins_remind() == 2
    assert checkins_remind() == 0
    services.checkin_record(
        relationship=relationship,
        author=ready.mentee,
        going=2,
        meeting_goals=4,
        comment="Feels rushed",
    )
    assert not services.checkin_due(relationship, ready.mentee)
    assert CheckIn.objects.get(author=ready.mentee).is_low


def test_meeting_reminders_go_out_once(ready: World) -> None:
    meeting = active(ready).meetings.get()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=5)
    )
    assert meetings_remind() == 1
    assert meetings_remind() == 0
    assert Notification.objects.filter(kind="meeting_reminder").count() == 2


def test_the_relationships_page_asks_for_due_check_ins_in_one_query(ready: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tandem.testing.fixtures import client_for

    relationship = active(ready)
    backdate(relationship, 29)
    client = client_for(ready.mentee)
    client.get(reverse("relationships:list"))  # the first request touches the session
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("relationships:list")).content.decode()
    assert "A private check-in is due for your relationship" in page
    assert reverse("relationships:checkin", args=[relationship.pk]) in page
    asked = [q for q in queries.captured_queries if "relationships_checkin" in q["sql"]]
    assert len(asked) == 1
    services.checkin_record(
        relationship=relationship, author=ready.mentee, going=4, meeting_goals=4
    )
    assert (
        "A private check-in is due"
        not in client.get(reverse("relationships:list")).content.decode()
    )
