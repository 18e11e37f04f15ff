"""Dates and times in notifications and e-mail are the recipient's, as their pages show them."""

import datetime
import zoneinfo
from collections.abc import Callable

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.notifications.models import Notification
from tandem.programs.models import Program
from tandem.relationships import services
from tandem.relationships.models import Commitment, Meeting
from tandem.relationships.services.rhythm import commitments_remind, meetings_remind
from tandem.relationships.tests.conftest import MESSAGE, active, complete
from tandem.testing.factories import (
    EnrollmentFactory,
    MembershipFactory,
    UserFactory,
)
from tandem.testing.fixtures import World, client_for

UTC = datetime.UTC
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")

Clock = Callable[[datetime.datetime], None]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Set the time the services see."""

    def set_to(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def _live_in(world: World, user_email: str, zone: str) -> None:
    Membership.objects.filter(user__email=user_email, organization=world.org).update(time_zone=zone)


def test_a_request_tells_the_mentor_the_deadline_on_her_own_calendar(
    ready: World, clock: Clock, django_capture_on_commit_callbacks
) -> None:
    _live_in(ready, ready.mentor.email, "Asia/Tokyo")
    clock(datetime.datetime(2030, 3, 4, 20, 0, tzinfo=UTC))  # already 5 March in Tokyo
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_send(
            mentee=ready.mentee_enrollment,
            mentor=ready.mentor_enrollment,
            focus=ready.topic("Public speaking"),
            message=MESSAGE,
        )
    deadline = request.expires_at.astimezone(TOKYO)
    assert deadline.date() != request.expires_at.date()  # the UTC date would be a day early
    said = f"Please answer by {deadline.day} {deadline:%B}."
    note = Notification.objects.get(user=ready.mentor, kind="request_received")
    assert note.body == said
    assert said in mail.outbox[0].body
    page = client_for(ready.mentor).get(reverse("relationships:request", args=[request.pk]))
    assert f"answer by {deadline.day} {deadline:%B}" in page.content.decode()


def test_a_reminder_names_the_deadline_on_the_mentor_calendar(ready: World, clock: Clock) -> None:
    _live_in(ready, ready.mentor.email, "America/Chicago")
    clock(datetime.datetime(2030, 3, 4, 3, 0, tzinfo=UTC))  # 3 March in Chicago, 4 in UTC
    request = services.request_send(
        mentee=ready.mentee_enrollment,
        mentor=ready.mentor_enrollment,
        focus=ready.topic("Public speaking"),
        message=MESSAGE,
    )
    clock(request.expires_at - datetime.timedelta(days=1))
    assert services.requests_remind() == 1
    deadline = request.expires_at.astimezone(CHICAGO)
    note = Notification.objects.get(user=ready.mentor, kind="request_reminder")
    assert note.body.startswith(f"Their request expires on {deadline.day} {deadline:%B}.")


def test_a_planned_meeting_is_announced_at_the_partner_local_time(
    ready: World, clock: Clock
) -> None:
    _live_in(ready, ready.mentor.email, "Asia/Tokyo")
    clock(datetime.datetime(2030, 3, 1, 12, 0, tzinfo=UTC))
    relationship = active(ready)
    starts_at = datetime.datetime(2030, 3, 5, 16, 0, tzinfo=CHICAGO)  # Mia plans at 16:00
    meeting = services.meeting_schedule(
        relationship=relationship,
        by=ready.mentee,
        starts_at=starts_at,
        duration_minutes=45,
        mode="video",
    )
    note = Notification.objects.get(user=ready.mentor, kind="meeting_planned")
    assert note.title == "Mia planned a meeting on Wednesday 6 March, 07:00"
    page = client_for(ready.mentor).get(reverse("relationships:meeting", args=[meeting.pk]))
    assert "<h1>Wednesday 6 March, 07:00</h1>" in page.content.decode()

    services.meeting_cancel(meeting=meeting, by=ready.mentee)
    note = Notification.objects.get(user=ready.mentor, kind="meeting_cancelled")
    assert note.title == "Mia cancelled the meeting of Wednesday 6 March, 07:00"


def test_meeting_reminders_give_each_person_their_own_time(ready: World, clock: Clock) -> None:
    _live_in(ready, ready.mentor.email, "Asia/Tokyo")
    clock(datetime.datetime(2030, 3, 1, 12, 0, tzinfo=UTC))
    meeting = active(ready).meetings.get()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=datetime.datetime(2030, 3, 1, 23, 30, tzinfo=UTC)
    )
    assert meetings_remind() == 1
    mentor_note = Notification.objects.get(user=ready.mentor, kind="meeting_reminder")
    mentee_note = Notification.objects.get(user=ready.mentee, kind="meeting_reminder")
    assert mentor_note.title == "Meeting with Mia on Saturday 2 March, 08:30: add to the agenda"
    assert mentee_note.title == "Meeting with Mo on Friday 1 March, 17:30: add to the agenda"
    assert "tomorrow" not in mentee_note.title  # it is today in Chicago


def _commitment(world: World, due_on: datetime.date) -> Commitment:
    relationship = active(world)
    commitment = services.commitment_create(
        relationship=relationship,
        owner=world.mentee,
        text="draft the opening",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    Commitment.objects.filter(pk=commitment.pk).update(due_on=due_on)
    return commitment


def test_an_overdue_commitment_is_never_called_due_today(ready: World, clock: Clock) -> None:
    _live_in(ready, ready.mentee.email, "Asia/Tokyo")
    clock(datetime.datetime(2030, 3, 4, 20, 0, tzinfo=UTC))  # 5 March, 05:00 in Tokyo
    commitment = _commitment(ready, datetime.date(2030, 3, 4))
    assert commitments_remind() == 1
    note = Notification.objects.get(user=ready.mentee, kind="commitment_due")
    assert note.title == "Overdue (was due 4 March): draft the opening"
    page = client_for(ready.mentee).get(
        reverse("relationships:detail", args=[commitment.relationship_id])
    )
    assert "Overdue: on the next agenda" in page.content.decode()


def test_a_commitment_due_tomorrow_on_the_owner_calendar_says_tomorrow(
    ready: World, clock: Clock
) -> None:
    # 5 March in UTC, still 4 March in Chicago.
    clock(datetime.datetime(2030, 3, 5, 2, 0, tzinfo=UTC))
    _commitment(ready, datetime.date(2030, 3, 5))
    assert commitments_remind() == 1
    note = Notification.objects.get(user=ready.mentee, kind="commitment_due")
    assert note.title == "Due tomorrow: draft the opening"


def test_a_commitment_due_the_day_after_tomorrow_waits(ready: World, clock: Clock) -> None:
    clock(datetime.datetime(2030, 3, 5, 2, 0, tzinfo=UTC))  # 4 March in Chicago
    commitment = _commitment(ready, datetime.date(2030, 3, 6))
    assert commitments_remind() == 0
    commitment.refresh_from_db()
    assert commitment.reminder_sent_at is None


def test_the_pause_notice_dates_the_return_as_the_page_does(ready: World) -> None:
    relationship = active(ready)
    until = timezone.localdate() + datetime.timedelta(days=9)
    services.relationship_pause(relationship=relationship, by=ready.mentee, until=until)
    note = Notification.objects.get(user=ready.mentor, kind="relationship_paused")
    assert note.title == f"Mia paused your relationship until {until.day} {until:%B}"


def test_someone_from_another_organization_gets_the_zone_their_pages_use(
    ready: World, clock: Clock
) -> None:
    # A partner organization's member has no membership in the program's organization.
    ready.program.audience = Program.Audience.PARTNERS
    ready.program.save()
    ready.program.partner_organizations.add(ready.other_org)
    ready.org.partners.add(ready.other_org)
    guest = UserFactory.create(full_name="Gus Guest")
    MembershipFactory.create(user=guest, organization=ready.other_org, time_zone="Asia/Tokyo")
    enrollment = complete(
        EnrollmentFactory.create(program=ready.program, user=guest), ready, "focus"
    )
    clock(datetime.datetime(2030, 3, 4, 20, 0, tzinfo=UTC))
    services.proposal_create(
        program=ready.program,
        mentor=ready.mentor_enrollment,
        mentee=enrollment,
        focus=ready.topic("Public speaking"),
        score=0.8,
        reasons=["Both care about public speaking"],
    )
    expires = timezone.now() + datetime.timedelta(days=ready.program.proposal_response_days)
    in_tokyo, in_chicago = expires.astimezone(TOKYO), expires.astimezone(CHICAGO)
    guest_note = Notification.objects.get(user=guest, kind="proposal_received")
    mentor_note = Notification.objects.get(user=ready.mentor, kind="proposal_received")
    assert guest_note.body == f"Please say yes or no by {in_tokyo.day} {in_tokyo:%B}."
    assert mentor_note.body == f"Please say yes or no by {in_chicago.day} {in_chicago:%B}."
    page = client_for(guest).get(reverse("relationships:list")).content.decode()
    assert f"{in_tokyo.day} {in_tokyo:%b}" in page
