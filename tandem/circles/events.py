"""What circles tell an organization's webhook endpoints: ids, states, counts and times.

Nothing members wrote goes out: no agreement, question, note, commitment, check-in, leaving
word, nor why a circle closed; only who closed it, as a member or the program.
"""

from typing import Any

from tandem.circles.models import Circle, CircleMembership
from tandem.webhooks.models import Endpoint
from tandem.webhooks.services import event_emit


def _circle(circle: Circle) -> dict[str, Any]:
    closed_by = None
    if circle.state == Circle.State.CLOSED:
        closed_by = (
            "program" if circle.close_reason == Circle.CloseReason.ENDED_BY_ADMIN else ("member")
        )
    return {
        "id": circle.pk,
        "program_id": circle.program_id,
        "origin": circle.origin,
        "state": circle.state,
        "members": circle.memberships.filter(state=CircleMembership.State.ACTIVE).count(),
        "started_at": circle.started_at,
        "paused_at": circle.paused_at,
        "closed_at": circle.closed_at,
        "closed_by": closed_by,
    }


def circle_event_emit(*, circle: Circle, kind: str) -> None:
    """Tell the organization's endpoints that a circle started, paused or closed."""
    event_emit(
        organization_id=circle.program.organization_id,
        kind=kind,
        data={"circle": _circle(circle)},
    )


def circle_member_left_emit(*, circle: Circle, membership: CircleMembership) -> None:
    """Tell the endpoints someone left a circle or was taken out: who, never their words."""
    event_emit(
        organization_id=circle.program.organization_id,
        kind=Endpoint.Event.CIRCLE_MEMBER_LEFT,
        data={
            "membership": {
                "id": membership.pk,
                "circle_id": circle.pk,
                "program_id": circle.program_id,
                "enrollment_id": membership.enrollment_id,
                "user_id": membership.enrollment.user_id,
                "state": membership.state,
                "left_at": membership.left_at,
                "removed_by": "program" if membership.state == "removed" else None,
            },
            "circle": _circle(circle),
        },
    )
