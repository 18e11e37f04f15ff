"""The demo's leadership circles: a living circle the mentee is in, and circles forming."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.circles.models import Circle, CircleCheckIn, CircleCommitment, CircleMembership
from tandem.circles.selectors import circle_is_agreed
from tandem.circles.services.hot_seats import circle_rotation
from tandem.demo import agency
from tandem.notifications.models import Notification
from tandem.programs.models import Program
from tandem.testing.fixtures import client_for

pytestmark = pytest.mark.django_db
MENTEE = f"mentee@{agency.AGENCY_DOMAIN}"


@pytest.fixture(autouse=True)
def demo(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo_data", "--people", "150", stdout=StringIO())


def _living() -> Circle:
    return Circle.objects.get(
        memberships__enrollment__user__email=MENTEE, memberships__state="active"
    )


def test_the_mentee_is_in_a_living_circle_of_six_with_fair_hot_seats() -> None:
    circle = _living()
    assert circle.program.format == Program.Format.CIRCLES
    assert circle.state == Circle.State.ACTIVE
    active = circle.memberships.filter(state=CircleMembership.State.ACTIVE)
    assert active.count() == 6
    assert circle_is_agreed(circle)
    held = list(circle.sessions.filter(state="held").order_by("number"))
    assert len(held) == 6
    # Everyone had the seat once in the first six weeks, one of them by a swap.
    seats = Counter(s.hot_seats.get().membership_id for s in held)
    assert set(seats) == set(active.values_list("pk", flat=True))
    assert set(seats.values()) == {1}
    assert sum(s.hot_seats.filter(source="swap").count() for s in held) == 1
    assert all(s.questions.exists() and s.notes for s in held)
    assert [s.starts_at.weekday() for s in held] == [3] * 6
    # The rotation replays the history the sessions left without a contradiction.
    assert len(circle_rotation(circle).queue) == 6
    followed = CircleCommitment.objects.filter(membership__circle=circle).exclude(state="open")
    assert followed.count() >= 6
    assert CircleCheckIn.objects.filter(membership__circle=circle).count() == 6
    upcoming = circle.sessions.filter(state="planned").order_by("number")
    assert upcoming.count() == 4
    assert upcoming[0].hot_seats.exists()
    assert circle.memberships.filter(state=CircleMembership.State.REQUESTED).count() == 1
    # The members were told of the sessions ahead, at their real times; not of the past ones.
    planned = Notification.objects.filter(
        kind="circle_sessions_planned", url=reverse("circles:detail", args=[circle.pk])
    )
    assert planned.count() == 5
    assert all(n.title.startswith("Sessions 7 to 10 of Thursday leaders") for n in planned)


def test_other_circles_run_and_one_formed_by_members_waits_for_approval() -> None:
    circles = Circle.objects.exclude(pk=_living().pk)
    assert circles.filter(state=Circle.State.ACTIVE).exists()
    forming = circles.get(origin=Circle.Origin.SELF_FORMED)
    assert (forming.state, forming.approved_at) == (Circle.State.PROPOSED, None)
    states = Counter(forming.memberships.values_list("state", flat=True))
    assert states == {"accepted": 3, "requested": 1}


def test_the_mentee_opens_her_circle_and_sees_it_in_her_export() -> None:
    circle = _living()
    mentee = circle.memberships.get(enrollment__user__email=MENTEE).enrollment.user
    client = client_for(mentee)
    page = client.get(reverse("circles:detail", args=[circle.pk]))
    assert page.status_code == 200
    assert circle.name in page.content.decode()
    export = client.get(reverse("relationships:export")).json()["circles"]
    assert [p["circle"] for p in export["places"]] == [circle.name]
    # Her own check-in, and nobody else's.
    mine = CircleCheckIn.objects.get(membership__enrollment__user=mentee)
    assert [c["note"] for c in export["check_ins"]] == [mine.note]
