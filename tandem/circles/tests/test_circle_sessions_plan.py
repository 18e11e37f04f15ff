"""Sessions are planned from the circle's rhythm, DST-safe, once everyone signed."""

import datetime

import pytest
from icalendar import Calendar

from tandem.circles.calendar import circle_session_ics, circle_sessions_ics
from tandem.circles.models import CircleSession
from tandem.circles.services import circle_session_cancel, circle_sessions_plan
from tandem.circles.tests.conftest import agree
from tandem.core.errors import DomainError

UTC = datetime.UTC


def test_sessions_wait_until_every_member_signed(cast, clock):
    circle = cast.active_circle()
    with pytest.raises(DomainError, match="every member has signed"):
        circle_sessions_plan(circle=circle, by=cast.people[0].user)
    assert not CircleSession.objects.exists()


def test_sessions_fall_on_the_weekday_at_the_local_time(agreed, cast):
    sessions = circle_sessions_plan(circle=agreed, by=cast.people[1].user, count=3)
    assert [s.number for s in sessions] == [1, 2, 3]
    assert [s.starts_at for s in sessions] == [
        datetime.datetime(2030, 1, 10, 17, 0, tzinfo=UTC),
        datetime.datetime(2030, 1, 17, 17, 0, tzinfo=UTC),
        datetime.datetime(2030, 1, 24, 17, 0, tzinfo=UTC),
    ]
    assert {s.duration_minutes for s in sessions} == {60}


def test_the_local_time_holds_across_a_daylight_saving_change(cast, clock):
    clock(datetime.datetime(2030, 3, 18, 9, 0, tzinfo=UTC))
    circle = agree(
        cast.active_circle(),
        weekday=0,
        local_time=datetime.time(18, 0),
        time_zone="Europe/Berlin",
    )
    sessions = circle_sessions_plan(circle=circle, by=cast.people[0].user, count=3)
    # Berlin moves to summer time on 31 March 2030: 18:00 is 17:00 UTC, then 16:00 UTC.
    assert [s.starts_at.astimezone(UTC).hour for s in sessions] == [17, 17, 16]
    assert [s.starts_at.date() for s in sessions] == [
        datetime.date(2030, 3, 18),
        datetime.date(2030, 3, 25),
        datetime.date(2030, 4, 1),
    ]


def test_a_time_inside_the_spring_forward_gap_moves_later_by_the_gap(cast, clock):
    clock(datetime.datetime(2030, 3, 24, 9, 0, tzinfo=UTC))
    circle = agree(
        cast.active_circle(),
        weekday=6,
        local_time=datetime.time(2, 30),
        time_zone="Europe/Berlin",
    )
    (session,) = circle_sessions_plan(circle=circle, by=cast.people[0].user, count=1)
    # 02:30 does not exist in Berlin on 31 March 2030: it is 01:30 UTC, 03:30 summer time.
    assert session.starts_at == datetime.datetime(2030, 3, 31, 1, 30, tzinfo=UTC)


def test_more_sessions_follow_the_last_at_the_cadence(cast, clock):
    circle = agree(cast.active_circle(), cadence_weeks=2)
    circle_sessions_plan(circle=circle, by=cast.people[0].user, count=2)
    more = circle_sessions_plan(circle=circle, by=cast.people[0].user, count=1)
    assert more[0].number == 3
    assert more[0].starts_at == datetime.datetime(2030, 2, 7, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("count", "message"),
    [(0, "Plan 1 to 12 sessions"), (13, "Plan 1 to 12 sessions"), ("4", "Plan 1 to 12")],
)
def test_a_bad_count_gets_a_clear_error(agreed, cast, count, message):
    with pytest.raises(DomainError, match=message) as caught:
        circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=count)
    assert caught.value.field == "count"
    assert not CircleSession.objects.exists()


def test_only_members_plan_sessions(agreed, cast):
    with pytest.raises(DomainError, match="Only the members"):
        circle_sessions_plan(circle=agreed, by=cast.people[6].user)
    with pytest.raises(DomainError, match="Only the members"):
        circle_sessions_plan(circle=agreed, by=cast.admin)


def test_no_more_than_twelve_sessions_wait_ahead(agreed, cast):
    circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=10)
    with pytest.raises(DomainError, match="10 already do"):
        circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=3)
    assert CircleSession.objects.count() == 10


def test_one_session_and_the_series_as_ics(agreed, cast):
    first, second = circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=2)
    circle_session_cancel(session=second, by=cast.people[0].user)
    one = Calendar.from_ical(circle_session_ics(session=first))
    (event,) = one.walk("VEVENT")
    assert event["summary"] == "Thursday circle: session 1"
    assert event.decoded("dtstart") == datetime.datetime(2030, 1, 10, 17, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime.datetime(2030, 1, 10, 18, 0, tzinfo=UTC)
    assert str(event["uid"]).startswith(f"circle-session-{first.pk}@")
    series = Calendar.from_ical(circle_sessions_ics(circle=agreed))
    assert [(str(e["summary"]), str(e["status"])) for e in series.walk("VEVENT")] == [
        ("Thursday circle: session 1", "CONFIRMED"),
        ("Thursday circle: session 2", "CANCELLED"),
    ]
