"""Dates a calendar cannot hold are refused with a message; stored dates never break a page."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tandem.accounts.models import Membership
from tandem.programs.models import Program
from tandem.relationships.calendar import calendar_feed_for
from tandem.relationships.models import (
    MEETING_EARLIEST,
    MEETING_LATEST,
    Agreement,
    Commitment,
    Meeting,
    Relationship,
)
from tandem.relationships.tests.conftest import active
from tandem.testing.fixtures import World, client_for

FAR_FUTURE = ["9999-12-31T23:59", "2200-01-01T00:00", "3000-06-01T10:00"]


def _live_in(world: World, email: str, zone: str) -> None:
    Membership.objects.filter(user__email=email, organization=world.org).update(time_zone=zone)


def _pages(world: World, relationship: Relationship, meeting: Meeting) -> list[str]:
    return [
        reverse("home"),
        reverse("relationships:list"),
        reverse("relationships:detail", args=[relationship.pk]),
        reverse("relationships:agreement", args=[relationship.pk]),
        reverse("relationships:meeting", args=[meeting.pk]),
        reverse("relationships:meeting_ics", args=[meeting.pk]),
        reverse("relationships:journal"),
        reverse("relationships:export"),
        reverse("programs:detail", args=[world.program.pk]),
        reverse("notifications:list"),
    ]


def _all_pages_open(world: World, relationship: Relationship, meeting: Meeting) -> None:
    for person in (world.mentee, world.mentor):
        client = client_for(person)
        for url in _pages(world, relationship, meeting):
            assert client.get(url).status_code == 200, (person.email, url)
        feed = Client().get(
            reverse("relationships:feed", args=[calendar_feed_for(user=person).token])
        )
        assert feed.status_code == 200
        Calendar.from_ical(feed.content)


@pytest.mark.parametrize("when", FAR_FUTURE)
def test_a_meeting_past_two_years_is_refused_with_a_message(ready: World, when: str) -> None:
    _live_in(ready, ready.mentee.email, "America/Chicago")  # a zone behind UTC
    relationship = active(ready)
    response = client_for(ready.mentee).post(
        reverse("relationships:meeting_new", args=[relationship.pk]),
        {"starts_at": when, "duration_minutes": 45, "mode": "video"},
    )
    assert response.status_code == 200
    assert "Plan meetings at most two years ahead." in response.content.decode()
    assert relationship.meetings.count() == 1
    _all_pages_open(ready, relationship, relationship.meetings.get())


def test_a_new_meeting_in_the_past_is_refused(ready: World) -> None:
    relationship = active(ready)
    for when in ("0001-01-01T00:00", "2001-05-01T10:00"):
        response = client_for(ready.mentee).post(
            reverse("relationships:meeting_new", args=[relationship.pk]),
            {"starts_at": when, "duration_minutes": 45, "mode": "video"},
        )
        assert "Pick a time that is still ahead." in response.content.decode()
    assert relationship.meetings.count() == 1


def test_a_meeting_moved_out_of_range_keeps_its_time(ready: World) -> None:
    relationship = active(ready)
    meeting = relationship.meetings.get()
    url = reverse("relationships:meeting", args=[meeting.pk])
    client = client_for(ready.mentor)
    for when, message in (
        ("9999-12-31T23:59", "Plan meetings at most two years ahead."),
        ("0001-01-01T00:00", "Pick a time after your relationship began."),
    ):
        response = client.post(
            url, {"reschedule": "1", "starts_at": when, "duration_minutes": 45, "mode": "video"}
        )
        assert message in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at
    _all_pages_open(ready, relationship, meeting)


def test_a_meeting_can_still_be_moved_to_yesterday_to_record_it(ready: World) -> None:
    relationship = active(ready)
    meeting = relationship.meetings.get()
    Relationship.objects.filter(pk=relationship.pk).update(
        started_at=timezone.now() - datetime.timedelta(days=10)
    )
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    response = client_for(ready.mentee).post(
        reverse("relationships:meeting", args=[meeting.pk]),
        {
            "reschedule": "1",
            "starts_at": yesterday.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "mode": "video",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).starts_at < timezone.now()


def test_the_database_refuses_a_meeting_a_calendar_cannot_hold(ready: World) -> None:
    meeting = active(ready).meetings.get()
    for when in (
        datetime.datetime(9999, 12, 31, 23, 0, tzinfo=datetime.UTC),
        datetime.datetime(1, 1, 2, tzinfo=datetime.UTC),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(starts_at=when)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "Asia/Tokyo"])
def test_meetings_at_the_edges_of_the_range_show_everywhere(ready: World, zone: str) -> None:
    _live_in(ready, ready.mentor.email, zone)
    _live_in(ready, ready.mentee.email, "America/Chicago")
    relationship = active(ready)
    meeting = relationship.meetings.get()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=MEETING_LATEST - datetime.timedelta(minutes=1), duration_minutes=240
    )
    Meeting.objects.create(
        relationship=relationship, starts_at=MEETING_EARLIEST, status=Meeting.Status.HELD
    )
    _all_pages_open(ready, relationship, meeting)


def test_far_dates_already_stored_do_not_break_pages(ready: World) -> None:
    relationship = active(ready)
    meeting = relationship.meetings.get()
    far, early = datetime.date(9999, 12, 31), datetime.date(1, 1, 1)
    Commitment.objects.create(relationship=relationship, owner=ready.mentee, text="A", due_on=far)
    Commitment.objects.create(relationship=relationship, owner=ready.mentee, text="B", due_on=early)
    Agreement.objects.filter(relationship=relationship).update(review_on=far)
    Program.objects.filter(pk=ready.program.pk).update(
        enrollment_opens_on=early, enrollment_closes_on=far
    )
    _all_pages_open(ready, relationship, meeting)
    assert (
        client_for(ready.admin).get(reverse("programs:manage", args=[ready.program.pk])).status_code
        == 200
    )
    Relationship.objects.filter(pk=relationship.pk).update(
        status=Relationship.Status.PAUSED, paused_at=timezone.now(), pause_until=far
    )
    _all_pages_open(ready, relationship, meeting)


def test_review_and_commitment_dates_are_bounded(ready: World) -> None:
    relationship = active(ready)
    client = client_for(ready.mentee)
    response = client.post(
        reverse("relationships:commitment_new", args=[relationship.pk]),
        {"text": "Rehearse", "due_on": "9999-12-31"},
        follow=True,
    )
    assert "Pick a date at most two years ahead." in response.content.decode()
    assert not relationship.commitments.exists()
    renegotiate = reverse("relationships:renegotiate", args=[relationship.pk])
    client.post(renegotiate)
    draft = relationship.agreements.order_by("-version").first()
    assert draft is not None and not draft.is_signed
    response = client.post(
        reverse("relationships:agreement", args=[relationship.pk]),
        {
            **{term: getattr(draft, term) for term in Agreement.TERMS},
            "review_on": "9999-12-31",
        },
    )
    assert "Pick a review date at most two years ahead." in response.content.decode()
    draft.refresh_from_db()
    assert draft.review_on.year < 9999


def test_program_enrollment_dates_are_bounded(world: World) -> None:
    client = client_for(world.admin)
    url = reverse("programs:edit", args=[world.program.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        name: value
        for name, value in ((n, form[n].value()) for n in form.fields)
        if value is not None
    }
    for name, value in (
        ("enrollment_closes_on", "9999-12-31"),
        ("enrollment_opens_on", "0001-01-01"),
    ):
        response = client.post(url, {**data, name: value})
        assert "Pick a date within two years of today." in response.content.decode()
    world.program.refresh_from_db()
    assert world.program.enrollment_opens_on is None
    assert world.program.enrollment_closes_on is None
