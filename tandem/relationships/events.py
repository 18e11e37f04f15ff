"""What relationships tell an organization's webhook endpoints: ids, states and times only.

Nothing people wrote goes out: no agreement, note, journal, concern text, nor why a
relationship closed (that stays with the people who closed it); only who closed it, as
one of the pair, the program, or Tandem after a long pause.
"""

from collections.abc import Sequence
from typing import Any

from tandem.relationships.models import Concern, Proposal, Relationship
from tandem.webhooks.models import Endpoint
from tandem.webhooks.services import event_emit

_CLOSED_BY: dict[str, str] = {
    Relationship.CloseReason.ENDED_BY_ADMIN: "program",
    Relationship.CloseReason.INACTIVE: "tandem",
}


def _relationship(relationship: Relationship) -> dict[str, Any]:
    closed_by = None
    if relationship.status == Relationship.Status.CLOSED:
        closed_by = _CLOSED_BY.get(relationship.close_reason, "participant")
    return {
        "id": relationship.pk,
        "program_id": relationship.program_id,
        "mentor": {"enrollment_id": relationship.mentor_id, "user_id": relationship.mentor.user_id},
        "mentee": {"enrollment_id": relationship.mentee_id, "user_id": relationship.mentee.user_id},
        "focus_id": relationship.focus_id,
        "peer_focus_id": relationship.peer_focus_id,
        "origin": relationship.origin,
        "status": relationship.status,
        "started_at": relationship.started_at,
        "paused_at": relationship.paused_at,
        "pause_until": relationship.pause_until,
        "closed_at": relationship.closed_at,
        "closed_by": closed_by,
    }


def relationship_event_emit(*, relationship: Relationship, kind: str) -> None:
    """Tell the organization's endpoints that a relationship started, paused or closed."""
    event_emit(
        organization_id=relationship.program.organization_id,
        kind=kind,
        data={"relationship": _relationship(relationship)},
    )


def concern_raised_emit(*, concern: Concern) -> None:
    """Tell the endpoints a concern was raised: which relationship, never by whom or what."""
    relationship = concern.relationship
    event_emit(
        organization_id=relationship.program.organization_id,
        kind=Endpoint.Event.CONCERN_RAISED,
        data={
            "concern": {
                "id": concern.pk,
                "relationship_id": relationship.pk,
                "program_id": relationship.program_id,
                "status": concern.status,
                "created_at": concern.created_at,
            }
        },
    )


def proposals_published_emit(
    *,
    organization_id: int,
    program_id: int,
    proposal_ids: Sequence[int],
    expires_at: Any,
    round_id: int | None = None,
) -> None:
    """Tell the endpoints that proposals went out: one event per batch of a round, or one."""
    event_emit(
        organization_id=organization_id,
        kind=Endpoint.Event.PROPOSAL_PUBLISHED,
        data={
            "program_id": program_id,
            "round_id": round_id,
            "count": len(proposal_ids),
            "proposal_ids": list(proposal_ids),
            "status": Proposal.Status.PENDING,
            "expires_at": expires_at,
        },
    )
