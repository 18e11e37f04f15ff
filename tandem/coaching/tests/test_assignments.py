"""Assignments: the coach sets them at a session, the client marks them done, both see them."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.coaching.models import Assignment
from tandem.coaching.services import sessions as services
from tandem.coaching.tests.sessions_setup import held, running
from tandem.coaching.tests.test_sessions import practice_for_other
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.relationships.models import Meeting, Relationship
from tandem.testing.coaching import Practice
from tandem.testing.fixtures import client_for


def _new_url(practice: Practice, meeting: Meeting) -> str:
    return reverse("coaching:assignment_new", args=[practice.engagement.pk, meeting.pk])


def _done_url(practice: Practice, assignment: Assignment) -> str:
    return reverse("coaching:assignment_done", args=[practice.engagement.pk, assignment.pk])


def _due(days: int = 7) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_the_coach_sets_an_assignment_and_the_client_is_told(practice: Practice) -> None:
    running(practice)
    meeting = held(practice, days_ago=1)
    form = {"text": "Hold one meeting that ends with decisions", "due_on": _due()}

    response = client_for(practice.coach.user).post(_new_url(practice, meeting), form)

    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.engagement, assignment.meeting) == (practice.engagement, meeting)
    assert assignment.done_at is None
    told = Notification.objects.get(user=practice.client.user, kind="coaching_assignment_set")
    due = timezone.localdate() + datetime.timedelta(days=7)
    assert told.title == f"Cora set you an assignment, due {due.day} {due:%B}"
    assert told.body == "Hold one meeting that ends with decisions"
    assert told.url == reverse("coaching:session", args=[practice.engagement.pk, meeting.pk])
    for person in (practice.coach.user, practice.client.user):
        page = client_for(person).get(reverse("coaching:engagement", args=[practice.engagement.pk]))
        assert "Hold one meeting that ends with decisions" in page.content.decode()


def test_the_same_assignment_sent_twice_is_set_once(practice: Practice) -> None:
    running(practice)
    meeting = held(practice, days_ago=1)
    form = {"text": "Read chapter two", "due_on": _due(), "submission_key": "b" * 32}
    coach = client_for(practice.coach.user)
    coach.post(_new_url(practice, meeting), form)
    coach.post(_new_url(practice, meeting), form)
    assert Assignment.objects.count() == 1
    assert Notification.objects.filter(kind="coaching_assignment_set").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": ""}, "This field is required"),
        ({"text": "x" * 301}, "at most 300 characters"),
        ({"due_on": "someday"}, "Enter a valid date"),
        ({"due_on": "2001-01-01"}, "Pick a date from today on"),
        ({"due_on": "2099-01-01"}, "within a year"),
        ({"submission_key": "not a key!"}, "out of date"),
    ],
)
def test_a_bad_assignment_is_refused_with_a_clear_error(
    practice: Practice, changes: dict[str, str], message: str
) -> None:
    running(practice)
    meeting = held(practice, days_ago=1)
    form = {"text": "Read chapter two", "due_on": _due()} | changes
    response = client_for(practice.coach.user).post(_new_url(practice, meeting), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_client_cannot_set_an_assignment(practice: Practice) -> None:
    running(practice)
    meeting = held(practice, days_ago=1)
    response = client_for(practice.client.user).post(
        _new_url(practice, meeting), {"text": "Rest", "due_on": _due()}
    )
    assert response.status_code == 200
    assert "Only the coach sets assignments" in response.content.decode()
    assert not Assignment.objects.exists()
    page = client_for(practice.client.user).get(
        reverse("coaching:session", args=[practice.engagement.pk, meeting.pk])
    )
    assert "Set the assignment" not in page.content.decode()


def test_no_assignment_at_someone_elses_session(practice: Practice) -> None:
    running(practice)
    other = practice_for_other(practice)
    theirs = Meeting.objects.create(
        relationship=other.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        status=Meeting.Status.HELD,
    )
    response = client_for(practice.coach.user).post(
        _new_url(practice, theirs), {"text": "Read", "due_on": _due()}
    )
    assert response.status_code == 404
    with pytest.raises(DomainError, match="another engagement"):
        services.assignment_set(
            engagement=practice.engagement,
            meeting=theirs,
            by=practice.coach.user,
            text="Read",
            due_on=timezone.localdate(),
        )
    assert not Assignment.objects.exists()


def _set(practice: Practice) -> Assignment:
    meeting = held(practice, days_ago=1)
    return services.assignment_set(
        engagement=practice.engagement,
        meeting=meeting,
        by=practice.coach.user,
        text="Give one piece of feedback",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )


def test_the_client_marks_it_done_with_a_note_and_the_coach_is_told_in_their_zone(
    practice: Practice,
) -> None:
    running(practice)
    Membership.objects.filter(user=practice.coach.user).update(time_zone="Asia/Tokyo")
    assignment = _set(practice)

    response = client_for(practice.client.user).post(
        _done_url(practice, assignment), {"note": "Done on Tuesday; it went well."}
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.done_at is not None
    assert assignment.client_note == "Done on Tuesday; it went well."
    told = Notification.objects.get(user=practice.coach.user, kind="coaching_assignment_done")
    tokyo = assignment.done_at.astimezone(datetime.timezone(datetime.timedelta(hours=9)))
    assert f"{tokyo:%H:%M}" in told.title and "Give one piece of feedback" in told.title
    assert told.body == "Done on Tuesday; it went well."
    page = client_for(practice.coach.user).get(
        reverse("coaching:engagement", args=[practice.engagement.pk])
    )
    assert "Done on Tuesday; it went well." in page.content.decode()


def test_the_coach_cannot_mark_an_assignment_done(practice: Practice) -> None:
    running(practice)
    assignment = _set(practice)
    response = client_for(practice.coach.user).post(_done_url(practice, assignment), {"note": ""})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.done_at is None
    assert not Notification.objects.filter(kind="coaching_assignment_done").exists()
    with pytest.raises(DomainError, match="Only the client"):
        services.assignment_mark_done(assignment=assignment, by=practice.coach.user)


@pytest.mark.parametrize("who", ["sponsor", "admin", "other coach"])
def test_nobody_else_reaches_an_assignment(practice: Practice, who: str) -> None:
    running(practice)
    assignment = _set(practice)
    person = {
        "sponsor": practice.sponsor,
        "admin": practice.admin,
        "other coach": practice_for_other(practice).coach.user,
    }[who]
    response = client_for(person).post(_done_url(practice, assignment), {"note": "x"})
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.done_at is None


def test_an_assignment_is_done_once_and_not_after_the_close(practice: Practice) -> None:
    running(practice)
    assignment = _set(practice)
    services.assignment_mark_done(assignment=assignment, by=practice.client.user, note="Yes")
    with pytest.raises(DomainError, match="already done"):
        services.assignment_mark_done(assignment=assignment, by=practice.client.user)
    second = _set(practice)
    Relationship.objects.filter(pk=practice.relationship.pk).update(
        status=Relationship.Status.CLOSED
    )
    with pytest.raises(DomainError, match="ended"):
        services.assignment_mark_done(assignment=second, by=practice.client.user)


def test_a_note_too_long_is_refused(practice: Practice, settings: Any) -> None:
    running(practice)
    assignment = _set(practice)
    response = client_for(practice.client.user).post(
        _done_url(practice, assignment), {"note": "x" * 10_001}, follow=True
    )
    assert "Keep the note shorter" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.done_at is None
