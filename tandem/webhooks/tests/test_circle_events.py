"""Circles tell the endpoints they started, paused, closed or lost a member: ids and counts."""

import pytest

from tandem.circles.services import (
    circle_agreement_write,
    circle_checkin_record,
    circle_close,
    circle_leave,
    circle_member_remove,
    circle_pause,
)
from tandem.testing.circles import cast_for
from tandem.webhooks.models import Delivery
from tandem.webhooks.tests.conftest import Hooked

pytestmark = pytest.mark.django_db

CANARY = "CANARY-circle-5be1"


def _events(hooked: Hooked, kind: str) -> list[dict]:
    received = [r for r in hooked.receiver.requests if r.event["type"] == kind]
    assert all(r.verified for r in received)
    return [r.event for r in received]


@pytest.fixture
def circle_cast(hooked: Hooked):
    return cast_for(hooked.world)


def test_a_circle_starting_pausing_and_closing_sends_its_events(
    hooked: Hooked, circle_cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        circle = circle_cast.active_circle()
    (started,) = _events(hooked, "circle.started")
    data = started["data"]["circle"]
    assert data["id"] == circle.pk
    assert data["program_id"] == circle_cast.program.pk
    assert (data["state"], data["origin"], data["members"]) == ("active", "round", 4)
    assert data["started_at"] is not None and data["closed_by"] is None
    assert started["organization_id"] == hooked.world.org.pk

    member = circle_cast.people[0].user
    with django_capture_on_commit_callbacks(execute=True):
        circle_pause(circle=circle, by=member)
    (paused,) = _events(hooked, "circle.paused")
    assert paused["data"]["circle"]["state"] == "paused"
    assert paused["data"]["circle"]["paused_at"] is not None

    with django_capture_on_commit_callbacks(execute=True):
        circle_close(circle=circle, by=member, reason="completed", note=f"Thanks {CANARY}")
    (closed,) = _events(hooked, "circle.closed")
    assert closed["data"]["circle"]["state"] == "closed"
    assert closed["data"]["circle"]["closed_by"] == "member"
    body = Delivery.objects.get(kind="circle.closed").body
    assert "completed" not in body and CANARY not in body


def test_an_admin_ending_a_circle_is_a_close_by_the_program(
    hooked: Hooked, circle_cast, django_capture_on_commit_callbacks
) -> None:
    circle = circle_cast.active_circle()
    with django_capture_on_commit_callbacks(execute=True):
        circle_close(circle=circle, by=circle_cast.admin, reason="ended_by_admin")
    (closed,) = _events(hooked, "circle.closed")
    assert closed["data"]["circle"]["closed_by"] == "program"


def test_leaving_and_removal_send_member_left_without_the_leaving_word(
    hooked: Hooked, circle_cast, django_capture_on_commit_callbacks
) -> None:
    circle = circle_cast.active_circle(circle_cast.people[:5])
    ana, ben = (circle_cast.membership(circle, e) for e in circle_cast.people[:2])
    with django_capture_on_commit_callbacks(execute=True):
        circle_leave(membership=ana, by=ana.enrollment.user, note=f"Moving on {CANARY}")
        circle_member_remove(membership=ben, by=circle_cast.admin)

    left, removed = _events(hooked, "circle.member_left")
    assert left["data"]["membership"] == {
        "id": ana.pk,
        "circle_id": circle.pk,
        "program_id": circle_cast.program.pk,
        "enrollment_id": ana.enrollment_id,
        "user_id": ana.enrollment.user_id,
        "state": "left",
        "left_at": left["data"]["membership"]["left_at"],
        "removed_by": None,
    }
    assert left["data"]["circle"]["members"] == 4
    assert removed["data"]["membership"]["state"] == "removed"
    assert removed["data"]["membership"]["removed_by"] == "program"
    assert removed["data"]["circle"]["members"] == 3
    assert not Delivery.objects.filter(body__contains=CANARY).exists()


def test_nothing_a_member_writes_reaches_an_endpoint(
    hooked: Hooked, circle_cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        circle = circle_cast.active_circle()
        member = circle_cast.people[0].user
        circle_agreement_write(circle=circle, by=member, terms={"purpose": f"Grow {CANARY}"})
        circle_checkin_record(circle=circle, by=member, score=1, note=f"Private {CANARY}")
        circle_pause(circle=circle, by=member)
        circle_close(circle=circle, by=member, reason="not_working", note=f"Why {CANARY}")

    assert {r.event["type"] for r in hooked.receiver.requests} == {
        "circle.started",
        "circle.paused",
        "circle.closed",
    }
    assert all(CANARY not in r.body.decode() for r in hooked.receiver.requests)
    assert not Delivery.objects.filter(body__contains=CANARY).exists()
