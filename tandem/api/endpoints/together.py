"""Relationships, meetings and commitments: content for the two people, state for admins."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from tandem.api.auth import caller_of
from tandem.api.endpoints.calls import call
from tandem.api.endpoints.ids import RowId
from tandem.api.endpoints.scope import check_within, personal
from tandem.api.errors import error_responses
from tandem.api.idempotency import idempotent
from tandem.api.pagination import PageIn, page_of, paginate
from tandem.api.schemas import (
    AgreementOut,
    CommitmentIn,
    CommitmentOut,
    MeetingIn,
    MeetingOut,
    PairStateOut,
    RelationshipOut,
    RelationshipStateOut,
)
from tandem.core.errors import NotFound
from tandem.policy.access import (
    commitment_get_for_user,
    program_get_for_admin,
    relationship_get_for_admin,
    relationship_get_for_user,
)
from tandem.relationships import selectors, services
from tandem.relationships.models import Relationship

router = Router(tags=["relationships"])

READ_ERRORS = error_responses(401, 403, 404, 422, 429)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 429)


@router.get("/relationships", response={200: page_of(RelationshipStateOut), **READ_ERRORS})
def relationship_list(request: HttpRequest, page: Query[PageIn]) -> dict[str, object]:
    """List the relationships this person is one of the two people in."""
    caller = caller_of(request)
    personal(caller)
    mine = selectors.my_relationships(user=caller.user).order_by("status", "-created_at", "-pk")
    return paginate(mine, page, RelationshipStateOut.of)


def _in_force(relationship: Relationship) -> AgreementOut | None:
    signed = [a for a in relationship.agreements.order_by("-version") if a.is_signed]
    return AgreementOut.of(signed[0]) if signed else None


@router.get("/relationships/{relationship_id}", response={200: RelationshipOut, **READ_ERRORS})
def relationship_detail(request: HttpRequest, relationship_id: RowId) -> RelationshipOut:
    """Return a relationship with its agreement in force, to its two people only."""
    caller = caller_of(request)
    personal(caller)
    relationship = relationship_get_for_user(user=caller.user, relationship_id=relationship_id)
    return RelationshipOut(
        **RelationshipStateOut.of(relationship).model_dump(),
        my_role=relationship.role_of(caller.user.pk),
        agreement=_in_force(relationship),
    )


@router.get(
    "/programs/{program_id}/relationships",
    response={200: page_of(PairStateOut), **READ_ERRORS},
)
def program_relationship_list(
    request: HttpRequest, program_id: RowId, page: Query[PageIn]
) -> dict[str, object]:
    """List a program's pairs for its admins: who, on what, in which state; no content."""
    caller = caller_of(request)
    program = program_get_for_admin(user=caller.user, program_id=program_id)
    check_within(caller, program.organization_id, "No such program.")
    pairs = selectors.program_relationships(program=program).order_by(
        "status", "-created_at", "-pk"
    )
    return paginate(pairs, page, PairStateOut.of)


@router.get(
    "/programs/{program_id}/relationships/{relationship_id}",
    response={200: PairStateOut, **READ_ERRORS},
)
def program_relationship_detail(
    request: HttpRequest, program_id: RowId, relationship_id: RowId
) -> PairStateOut:
    """Return one pair's state to an admin of its program; never its content."""
    caller = caller_of(request)
    relationship = relationship_get_for_admin(user=caller.user, relationship_id=relationship_id)
    check_within(caller, relationship.program.organization_id, "No such relationship.")
    if relationship.program_id != program_id:
        raise NotFound("No such relationship.")
    return PairStateOut.of(relationship)


@router.get(
    "/relationships/{relationship_id}/meetings",
    response={200: page_of(MeetingOut), **READ_ERRORS},
)
def meeting_list(
    request: HttpRequest, relationship_id: RowId, page: Query[PageIn]
) -> dict[str, object]:
    """List a relationship's meetings, latest first, to its two people."""
    caller = caller_of(request)
    personal(caller)
    relationship = relationship_get_for_user(user=caller.user, relationship_id=relationship_id)
    meetings = relationship.meetings.order_by("-starts_at", "-pk")
    return paginate(meetings, page, MeetingOut.of)


@router.post(
    "/relationships/{relationship_id}/meetings", response={201: MeetingOut, **WRITE_ERRORS}
)
@idempotent
def meeting_create(
    request: HttpRequest, relationship_id: RowId, payload: MeetingIn
) -> Status[MeetingOut]:
    """Plan a meeting, as the meeting form does."""
    caller = caller_of(request)
    personal(caller)
    relationship = relationship_get_for_user(user=caller.user, relationship_id=relationship_id)
    meeting = call(
        services.meeting_schedule,
        relationship=relationship,
        by=caller.user,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        mode=payload.mode,
        agenda=payload.agenda,
    )
    return Status(201, MeetingOut.of(meeting))


@router.get(
    "/relationships/{relationship_id}/commitments",
    response={200: page_of(CommitmentOut), **READ_ERRORS},
)
def commitment_list(
    request: HttpRequest, relationship_id: RowId, page: Query[PageIn]
) -> dict[str, object]:
    """List a relationship's commitments, soonest due first, to its two people."""
    caller = caller_of(request)
    personal(caller)
    relationship = relationship_get_for_user(user=caller.user, relationship_id=relationship_id)
    commitments = relationship.commitments.select_related("owner").order_by("due_on", "pk")
    return paginate(commitments, page, CommitmentOut.of)


@router.post(
    "/relationships/{relationship_id}/commitments",
    response={201: CommitmentOut, **WRITE_ERRORS},
)
@idempotent
def commitment_create(
    request: HttpRequest, relationship_id: RowId, payload: CommitmentIn
) -> Status[CommitmentOut]:
    """Record "I will do X by then"; the partner sees it."""
    caller = caller_of(request)
    personal(caller)
    relationship = relationship_get_for_user(user=caller.user, relationship_id=relationship_id)
    commitment = call(
        services.commitment_create,
        relationship=relationship,
        owner=caller.user,
        text=payload.text,
        due_on=payload.due_on,
    )
    return Status(201, CommitmentOut.of(commitment))


@router.post("/commitments/{commitment_id}/complete", response={200: CommitmentOut, **WRITE_ERRORS})
@idempotent
def commitment_complete(request: HttpRequest, commitment_id: RowId) -> CommitmentOut:
    """Mark one's own commitment as done."""
    caller = caller_of(request)
    personal(caller)
    commitment = commitment_get_for_user(user=caller.user, commitment_id=commitment_id)
    return CommitmentOut.of(
        call(services.commitment_mark_done, commitment=commitment, by=caller.user)
    )
