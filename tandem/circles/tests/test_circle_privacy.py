"""A member's check-in is theirs alone: a canary in it reaches nobody else, anywhere.

Each member takes their own part of their circles in the export of their data: places,
the agreements they signed, their questions, commitments and follow-ups, check-ins.
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from tandem.accounts.models import User
from tandem.circles.models import CircleMembership
from tandem.circles.services import (
    circle_absence_say,
    circle_checkin_record,
    circle_commitment_follow_up,
    circle_commitment_make,
    circle_question_post,
    circle_session_hold,
    circle_session_notes_write,
    circle_sessions_plan,
    hot_seats_assign,
)
from tandem.circles.services.reminders import circle_sessions_remind
from tandem.circles.tests.conftest import agree, members
from tandem.testing.circles import circle_with
from tandem.testing.fixtures import World, client_for

CANARY = "canary-circle-91d2-heron-quarry"
MINE = "mine-4c1e-my-own-checkin"


def _story(world: World, clock) -> tuple[CircleMembership, CircleMembership]:
    """Mia in a circle with three others: two sessions, words of every kind, check-ins."""
    circle, _mia, _ = circle_with(world, world.mentee)
    agree(circle)
    mia = next(m for m in members(circle) if m.enrollment.user_id == world.mentee.pk)
    ana = next(m for m in members(circle) if m.pk != mia.pk)
    me, her = world.mentee, ana.enrollment.user
    first, second = circle_sessions_plan(circle=circle, by=me, count=2)
    hot_seats_assign(session=first, by=me)
    circle_question_post(session=first, by=me, text="How do I say no to my director?")
    circle_absence_say(session=second, by=her, note="Away that week.")
    clock(first.starts_at)
    circle_session_hold(session=first, by=me)
    circle_session_notes_write(session=first, by=her, notes="We shared three ways to decline.")
    mine = circle_commitment_make(session=first, by=me, text="Decline one meeting this week")
    circle_commitment_make(session=first, by=her, text="Ask for a budget review")
    clock(first.starts_at + datetime.timedelta(hours=2))
    circle_checkin_record(circle=circle, by=me, score=4, note=MINE)
    circle_checkin_record(circle=circle, by=her, score=1, note=f"I feel unheard {CANARY}")
    clock(second.starts_at - datetime.timedelta(hours=12))
    circle_sessions_remind()
    clock(second.starts_at)
    circle_commitment_follow_up(commitment=mine, by=me, outcome="done", note="It went fine.")
    return mia, ana


@pytest.mark.usefixtures("clock")
def test_a_members_checkin_reaches_nobody_else(
    world: World, clock, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        mia, ana = _story(world, clock)
    circle = mia.circle
    staff = User.objects.create_superuser("root@northwind.test", "x", full_name="Root")
    others = [m.enrollment.user for m in members(circle) if m.pk != ana.pk] + [
        world.mentor,
        world.admin,
        world.member,
        world.outsider,
        staff,
    ]
    urls = [
        "/",
        reverse("relationships:export"),
        reverse("relationships:journal"),
        reverse("notifications:list"),
        reverse("circles:detail", args=[circle.pk]),
        reverse("circles:sessions_ics", args=[circle.pk]),
    ]
    for person in others:
        client = client_for(person)
        for url in urls:
            assert CANARY not in client.get(url).content.decode(), (person.email, url)
    assert mail.outbox
    for message in mail.outbox:
        assert CANARY not in message.subject and CANARY not in message.body
    # The author takes her own words along.
    assert (
        CANARY
        in client_for(ana.enrollment.user).get(reverse("relationships:export")).content.decode()
    )


@pytest.mark.usefixtures("clock")
def test_the_export_holds_my_part_of_my_circles(world: World, clock) -> None:
    mia, _ana = _story(world, clock)
    response = client_for(world.mentee).get(reverse("relationships:export"))
    assert response.status_code == 200
    assert CANARY not in response.content.decode()
    data = response.json()["circles"]

    (place,) = data["places"]
    assert (place["circle_id"], place["state"]) == (mia.circle_id, "active")
    assert place["program"] == "Leaders' circles"
    assert [a["version"] for a in data["agreements_signed"]] == [2]
    assert data["agreements_signed"][0]["purpose"] == "Lead well."
    # Real JSON values: a list of channels, numbers, the weekday's name, ISO dates.
    signed = data["agreements_signed"][0]
    assert isinstance(signed["channels"], list)
    assert signed["weekday"] == "Thursday"
    assert signed["cadence_weeks"] == 1 and signed["session_minutes"] == 60
    assert signed["local_time"] == "17:00:00" and signed["time_zone"] == "UTC"
    datetime.date.fromisoformat(signed["review_on"])
    # Mia wrote a first version she never signed: it is hers, and in her export.
    written = {a["version"]: a for a in data["agreements_written"]}
    assert written[1]["purpose"] == "Lead with care."
    assert written[1]["circle_id"] == mia.circle_id
    assert [q["text"] for q in data["questions"]] == ["How do I say no to my director?"]
    assert data["commitments"] == [
        {
            "circle_id": mia.circle_id,
            "made_at_session": 1,
            "due_at_session": 2,
            "text": "Decline one meeting this week",
            "state": "done",
            "follow_up_note": "It went fine.",
            "followed_up": data["commitments"][0]["followed_up"],
        }
    ]
    assert [c["note"] for c in data["check_ins"]] == [MINE]
    assert [s["shared_notes"] for s in data["sessions"]] == ["We shared three ways to decline.", ""]
    # Another member's absence is theirs to take; Mia said none.
    assert data["absences"] == []
    # Relationships are still there, beside the circles.
    assert "relationships" in response.json() and "journal" in response.json()
