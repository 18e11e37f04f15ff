"""What the circle's pages say about sessions still to come, to members and to the invited."""

import datetime

from django.urls import reverse

from tandem.circles.services import (
    circle_commitment_make,
    circle_replacement_add,
    circle_session_hold,
    circle_sessions_plan,
)
from tandem.circles.tests.conftest import members

HOUR = datetime.timedelta(hours=1)


def test_a_held_sessions_commitments_are_due_at_the_next_session_by_date(agreed, client, clock):
    ana = members(agreed)[0]
    first, second = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    clock(first.starts_at + HOUR / 2)
    circle_session_hold(session=first, by=ana.enrollment.user)
    made = circle_commitment_make(session=first, by=ana.enrollment.user, text="Ask for help")
    assert made.due_session == second
    client.force_login(ana.enrollment.user)
    page = client.get(reverse("circles:session", args=[first.pk])).content.decode()
    assert "to follow up at the next session (" in page
    assert "17 January</time>" in page
    assert "followed up at" not in page

    clock(second.starts_at + HOUR / 2)
    client.force_login(ana.enrollment.user)
    page = client.get(reverse("circles:session", args=[first.pk])).content.decode()
    assert "to follow up at <a" in page and "session 2</a>" in page


def test_an_invited_person_is_told_when_sessions_come(agreed, cast, client):
    invited = cast.people[5]
    circle_replacement_add(circle=agreed, enrollment=invited, by=cast.admin)
    client.force_login(invited.user)
    url = reverse("circles:detail", args=[agreed.pk])
    page = client.get(url).content.decode()
    assert "No sessions planned yet. They are planned once you and everyone invited" in page

    circle_sessions_plan(circle=agreed, by=members(agreed)[0].enrollment.user, count=2)
    page = client.get(url).content.decode()
    assert "Session 1</a>" in page
    assert "Join the circle to take part in its sessions." in page
