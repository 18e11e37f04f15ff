"""Members download a session, or the circle's series of sessions, as .ics."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from tandem.circles.services import circle_sessions_plan
from tandem.testing.fixtures import client_for


@pytest.fixture
def planned(agreed, cast):
    return circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=2)


def test_a_member_downloads_one_session(cast, planned):
    url = reverse("circles:session_ics", args=[planned[0].pk])
    response = client_for(cast.people[2].user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"circle-session-{planned[0].pk}.ics" in response["Content-Disposition"]
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == planned[0].starts_at


def test_a_member_downloads_the_series(cast, agreed, planned):
    response = client_for(cast.people[3].user).get(
        reverse("circles:sessions_ics", args=[agreed.pk])
    )
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [s.starts_at for s in planned]


@pytest.mark.parametrize("who", ["outsider_in_program", "admin"])
def test_people_outside_the_circle_get_not_found(cast, agreed, planned, who):
    user = cast.people[6].user if who == "outsider_in_program" else cast.admin
    client = client_for(user)
    assert client.get(reverse("circles:session_ics", args=[planned[0].pk])).status_code == 404
    assert client.get(reverse("circles:sessions_ics", args=[agreed.pk])).status_code == 404
