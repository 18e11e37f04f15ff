"""A circle changes: members leave or are replaced, the circle pauses, resumes or closes."""

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.circles.events import circle_event_emit, circle_member_left_emit
from tandem.circles.models import Circle, CircleMembership, CircleSession, HotSeat, HotSeatSwap
from tandem.circles.selectors import circle_is_agreed
from tandem.circles.services.forming import start_if_ready
from tandem.circles.services.guards import (
    admit,
    circle_locked,
    member_or_admin,
    membership_locked,
    require_admin,
    require_own,
)
from tandem.circles.services.news import tell_invited, tell_others
from tandem.circles.services.sessions import MAX_PLANNED, sessions_plan_from_rhythm
from tandem.core.errors import DomainError
from tandem.programs.models import Enrollment
from tandem.webhooks.models import Endpoint

State = CircleMembership.State

# A member may leave from these states; a proposal is declined instead.
_MAY_LEAVE = (State.REQUESTED, State.ACCEPTED, State.ACTIVE)
# Sessions planned on resuming when the pause cancelled none.
DEFAULT_PLANNED = 4


def _cancel_planned(circle: Circle) -> int:
    """Cancel the circle's planned sessions, their seats and open offers; return how many.

    Questions and commitments stay attached to the cancelled sessions until the next
    sessions are planned, and then move on to them.
    """
    now = timezone.now()
    planned = circle.sessions.filter(state=CircleSession.State.PLANNED)
    HotSeat.objects.filter(session__in=planned).delete()
    HotSeatSwap.objects.filter(session__in=planned, state=HotSeatSwap.State.OFFERED).update(
        state=HotSeatSwap.State.LAPSED, answered_at=now, updated_at=now
    )
    return planned.update(state=CircleSession.State.CANCELLED, updated_at=now)


@transaction.atomic
def circle_leave(*, membership: CircleMembership, by: User, note: str = "") -> CircleMembership:
    """Leave a circle gracefully, with an optional word to the others."""
    circle, membership = membership_locked(membership)
    require_own(membership, by)
    was_in = membership.state in CircleMembership.IN_CIRCLE
    if membership.state not in _MAY_LEAVE:
        raise DomainError("You are not in this circle.")
    membership.state = State.LEFT
    membership.left_at = timezone.now()
    membership.leave_note = note.strip()
    membership.save(update_fields=["state", "left_at", "leave_note", "updated_at"])
    if was_in:
        tell_others(
            circle,
            by=by,
            kind="circle_member_left",
            title=f"{by.display_name} left {circle.name}",
            body=membership.leave_note,
        )
        circle_member_left_emit(circle=circle, membership=membership)
    return membership


@transaction.atomic
def circle_member_remove(*, membership: CircleMembership, by: User) -> CircleMembership:
    """Take someone out of a circle, as an admin of its program."""
    circle, membership = membership_locked(membership)
    require_admin(circle.program, by)
    if not membership.is_live:
        raise DomainError("This person is not in the circle.")
    was_in = membership.state in CircleMembership.IN_CIRCLE
    membership.state = State.REMOVED
    membership.left_at = timezone.now()
    membership.removed_by = by
    membership.save(update_fields=["state", "left_at", "removed_by", "updated_at"])
    if was_in:
        circle_member_left_emit(circle=circle, membership=membership)
    # Without someone who had not answered yet, a forming circle may be ready to start.
    start_if_ready(circle)
    return membership


@transaction.atomic
def circle_replacement_add(*, circle: Circle, enrollment: Enrollment, by: User) -> CircleMembership:
    """Propose a place in the circle to someone new; they accept and sign the agreement."""
    circle = circle_locked(circle)
    require_admin(circle.program, by)
    if circle.state == Circle.State.CLOSED:
        raise DomainError("This circle has closed.")
    admit(circle, [enrollment])
    place = CircleMembership.objects.create(
        circle=circle, enrollment=enrollment, state=State.PROPOSED
    )
    tell_invited([enrollment.user], circle)
    return place


@transaction.atomic
def circle_pause(*, circle: Circle, by: User) -> Circle:
    """Pause an active circle: planned sessions are cancelled, everything else waits.

    Open seat offers lapse; queued questions and open commitments move to the sessions
    planned when the circle resumes.
    """
    circle = circle_locked(circle)
    member_or_admin(circle, by)
    if circle.state != Circle.State.ACTIVE:
        raise DomainError("Only an active circle can be paused.")
    circle.state = Circle.State.PAUSED
    circle.paused_at = timezone.now()
    circle.save(update_fields=["state", "paused_at", "updated_at"])
    _cancel_planned(circle)
    tell_others(
        circle,
        by=by,
        kind="circle_paused",
        title=f"{circle.name} is paused",
        body="Planned sessions are cancelled. Questions and commitments move to the next "
        "sessions, planned when the circle resumes; anyone in it can resume it.",
    )
    circle_event_emit(circle=circle, kind=Endpoint.Event.CIRCLE_PAUSED)
    return circle


@transaction.atomic
def circle_resume(*, circle: Circle, by: User) -> Circle:
    """Resume a paused circle: its next sessions are planned again from its rhythm.

    As many are planned as the pause cancelled (four if it cancelled none), once the
    agreement is signed by everyone and names a weekday and a time.
    """
    circle = circle_locked(circle)
    member_or_admin(circle, by)
    if circle.state != Circle.State.PAUSED:
        raise DomainError("Only a paused circle can be resumed.")
    cancelled = 0
    if circle.paused_at is not None:
        cancelled = circle.sessions.filter(
            state=CircleSession.State.CANCELLED, updated_at__gte=circle.paused_at
        ).count()
    circle.state = Circle.State.ACTIVE
    circle.paused_at = None
    circle.save(update_fields=["state", "paused_at", "updated_at"])
    body = ""
    if circle.has_meeting_time and circle_is_agreed(circle):
        count = min(cancelled or DEFAULT_PLANNED, MAX_PLANNED)
        sessions = sessions_plan_from_rhythm(circle, count=count, skip_cancelled=True)
        body = f"Sessions {sessions[0].number} to {sessions[-1].number} are planned."
        if len(sessions) == 1:
            body = f"Session {sessions[0].number} is planned."
    tell_others(
        circle, by=by, kind="circle_resumed", title=f"{circle.name} is meeting again", body=body
    )
    return circle


@transaction.atomic
def circle_close(*, circle: Circle, by: User, reason: str, note: str = "") -> Circle:
    """Close a circle with a reason; places still waiting for an answer lapse."""
    circle = circle_locked(circle)
    membership = member_or_admin(circle, by)
    if circle.state == Circle.State.CLOSED:
        raise DomainError("This circle has already closed.")
    if reason not in Circle.CloseReason.values or (
        membership is not None and reason == Circle.CloseReason.ENDED_BY_ADMIN
    ):
        raise DomainError("Choose a reason from the list.", field="reason")
    now = timezone.now()
    circle.state = Circle.State.CLOSED
    circle.closed_at = now
    circle.close_reason = reason
    circle.close_note = note.strip()
    circle.closed_by = by
    circle.save(
        update_fields=[
            "state",
            "closed_at",
            "close_reason",
            "close_note",
            "closed_by",
            "updated_at",
        ]
    )
    _cancel_planned(circle)
    circle.memberships.filter(state__in=(State.PROPOSED, State.REQUESTED)).update(
        state=State.DECLINED, answered_at=now, updated_at=now
    )
    tell_others(
        circle,
        by=by,
        kind="circle_closed",
        title=f"{circle.name} has closed",
        body=f"{circle.get_close_reason_display()}. {circle.close_note}".strip(),
    )
    circle_event_emit(circle=circle, kind=Endpoint.Event.CIRCLE_CLOSED)
    return circle
