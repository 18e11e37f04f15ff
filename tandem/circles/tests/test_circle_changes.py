"""Members leave gracefully; a circle pauses, resumes, closes or takes in a replacement."""

import datetime

import pytest
from django.utils import timezone

from tandem.circles.models import Circle, CircleMembership, CircleSession
from tandem.circles.services import (
    circle_checkin_record,
    circle_close,
    circle_leave,
    circle_member_remove,
    circle_membership_answer,
    circle_pause,
    circle_replacement_add,
    circle_resume,
)
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.testing.circles import Cast

State = CircleMembership.State


def _planned(circle: Circle, number: int = 1) -> CircleSession:
    return CircleSession.objects.create(
        circle=circle, number=number, starts_at=timezone.now() + datetime.timedelta(days=7)
    )


def test_a_member_leaves_with_a_word_to_the_circle(cast: Cast) -> None:
    circle = cast.active_circle()
    place = cast.membership(circle, cast.people[0])
    left = circle_leave(membership=place, by=cast.people[0].user, note="  Moving teams. Thanks! ")
    assert left.state == State.LEFT and left.left_at is not None
    assert left.leave_note == "Moving teams. Thanks!"
    told = Notification.objects.filter(kind="circle_member_left")
    assert sorted(told.values_list("user", flat=True)) == sorted(
        p.user.pk for p in cast.people[1:4]
    )
    assert {n.body for n in told} == {"Moving teams. Thanks!"}
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE
    with pytest.raises(DomainError, match="not in this circle"):
        circle_leave(membership=left, by=cast.people[0].user)


def test_nobody_leaves_on_someone_elses_behalf(cast: Cast) -> None:
    circle = cast.active_circle()
    place = cast.membership(circle, cast.people[0])
    with pytest.raises(DomainError):
        circle_leave(membership=place, by=cast.people[1].user)
    with pytest.raises(DomainError):
        circle_leave(membership=place, by=cast.admin)
    place.refresh_from_db()
    assert place.state == State.ACTIVE


def test_pause_cancels_planned_sessions_and_resume_brings_the_circle_back(cast: Cast) -> None:
    circle = cast.active_circle()
    session = _planned(circle)
    circle_pause(circle=circle, by=cast.people[1].user)
    circle.refresh_from_db()
    session.refresh_from_db()
    assert circle.state == Circle.State.PAUSED and circle.paused_at is not None
    assert session.state == CircleSession.State.CANCELLED
    with pytest.raises(DomainError, match="Only an active circle"):
        circle_pause(circle=circle, by=cast.admin)
    circle_resume(circle=circle, by=cast.admin)
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE and circle.paused_at is None
    with pytest.raises(DomainError, match="Only a paused circle"):
        circle_resume(circle=circle, by=cast.people[1].user)


def test_only_members_and_admins_pause_or_close(cast: Cast) -> None:
    circle = cast.active_circle()
    for stranger in (cast.people[6].user, cast.world.outsider, cast.world.mentee):
        with pytest.raises(DomainError):
            circle_pause(circle=circle, by=stranger)
        with pytest.raises(DomainError):
            circle_close(circle=circle, by=stranger, reason=Circle.CloseReason.COMPLETED)
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE


def test_close_with_a_reason_lapses_waiting_places(cast: Cast) -> None:
    circle = cast.active_circle()
    session = _planned(circle)
    waiting = circle_replacement_add(circle=circle, enrollment=cast.people[5], by=cast.admin)
    circle_close(
        circle=circle,
        by=cast.people[0].user,
        reason=Circle.CloseReason.COMPLETED,
        note="We did it.",
    )
    circle.refresh_from_db()
    assert circle.state == Circle.State.CLOSED and circle.closed_at is not None
    assert (circle.close_reason, circle.close_note) == ("completed", "We did it.")
    assert circle.closed_by == cast.people[0].user
    session.refresh_from_db()
    waiting.refresh_from_db()
    assert session.state == CircleSession.State.CANCELLED
    assert waiting.state == State.DECLINED
    with pytest.raises(DomainError, match="already closed"):
        circle_close(circle=circle, by=cast.admin, reason=Circle.CloseReason.OTHER)
    # A closed circle holds nobody's place: its members may join another.
    assert cast.active_circle(cast.people[:4]).state == Circle.State.ACTIVE


def test_close_needs_a_reason_from_the_list(cast: Cast) -> None:
    circle = cast.active_circle()
    with pytest.raises(DomainError) as refused:
        circle_close(circle=circle, by=cast.people[0].user, reason="bored")
    assert refused.value.field == "reason"
    with pytest.raises(DomainError):
        circle_close(
            circle=circle, by=cast.people[0].user, reason=Circle.CloseReason.ENDED_BY_ADMIN
        )
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE


def test_an_admin_removes_someone(cast: Cast) -> None:
    circle = cast.active_circle()
    place = cast.membership(circle, cast.people[2])
    with pytest.raises(DomainError, match="admin"):
        circle_member_remove(membership=place, by=cast.people[0].user)
    removed = circle_member_remove(membership=place, by=cast.admin)
    assert removed.state == State.REMOVED and removed.removed_by == cast.admin


def test_a_replacement_is_never_from_a_members_reporting_line(cast: Cast) -> None:
    circle = cast.active_circle()
    boss = cast.people[6]
    # Boss manages Ben's manager's manager: three levels above a member.
    middle, lower = cast.person("Mid Manager"), cast.person("Low Manager")
    cast.manages(boss, middle)
    cast.manages(middle, lower)
    cast.manages(lower, cast.people[1])
    with pytest.raises(DomainError, match="reporting line"):
        circle_replacement_add(circle=circle, enrollment=boss, by=cast.admin)
    assert not circle.memberships.filter(enrollment=boss).exists()


def test_a_replacement_needs_room_a_place_and_the_program(cast: Cast) -> None:
    circle = cast.active_circle(cast.people[:6])
    with pytest.raises(DomainError, match="at most 6"):
        circle_replacement_add(circle=circle, enrollment=cast.people[6], by=cast.admin)
    circle_leave(membership=cast.membership(circle, cast.people[5]), by=cast.people[5].user)
    busy = cast.active_circle([cast.people[5], cast.people[6], cast.people[7], cast.person("Ivy")])
    assert busy.state == Circle.State.ACTIVE
    with pytest.raises(DomainError, match="as many circles"):
        circle_replacement_add(circle=circle, enrollment=cast.people[6], by=cast.admin)
    with pytest.raises(DomainError, match="not in"):
        circle_replacement_add(
            circle=circle, enrollment=cast.world.mentee_enrollment, by=cast.admin
        )
    with pytest.raises(DomainError, match="admin"):
        circle_replacement_add(circle=circle, enrollment=cast.person("Jo"), by=cast.people[0].user)


def test_a_check_in_is_recorded_for_its_author_only(cast: Cast) -> None:
    circle = cast.active_circle()
    checkin = circle_checkin_record(circle=circle, by=cast.people[0].user, score=4, note="Good")
    assert checkin.membership.enrollment == cast.people[0]
    with pytest.raises(DomainError) as refused:
        circle_checkin_record(circle=circle, by=cast.people[0].user, score=6)
    assert refused.value.field == "score"
    with pytest.raises(DomainError, match="members"):
        circle_checkin_record(circle=circle, by=cast.admin, score=3)


def test_removing_the_one_who_never_answered_lets_a_forming_circle_start(cast: Cast) -> None:
    members = cast.people[:5]
    circle = cast.propose(members)
    for enrollment in members[1:]:
        circle_membership_answer(
            membership=cast.membership(circle, enrollment), by=enrollment.user, accept=True
        )
    circle.refresh_from_db()
    assert circle.state == Circle.State.PROPOSED
    circle_member_remove(membership=cast.membership(circle, members[0]), by=cast.admin)
    circle.refresh_from_db()
    assert circle.state == Circle.State.ACTIVE
