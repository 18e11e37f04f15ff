"""A round's pairs, as its review page shows them, and the admin's hand on them.

Changing the mentor, locking and removing a pair call the matching services the review
page calls: the pairing policy (reporting line, "not a fit", capacity) refuses a mentor in
the same words, next to the field the caller sent.
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from tandem.api.auth import caller_of
from tandem.api.endpoints.calls import call
from tandem.api.endpoints.ids import RowId
from tandem.api.endpoints.running import RoundOut
from tandem.api.endpoints.scope import check_within
from tandem.api.errors import error_responses
from tandem.api.idempotency import idempotent
from tandem.api.pagination import PageIn, page_of, paginate
from tandem.api.schemas import InSchema, PersonOut
from tandem.core.errors import DomainError
from tandem.matching import selectors
from tandem.matching import services as matching
from tandem.matching.models import MatchingRound, RoundPair
from tandem.policy.access import round_get_for_admin
from tandem.programs.models import Enrollment

router = Router(tags=["admin: round pairs"])

READ_ERRORS = error_responses(401, 403, 404, 422, 429)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 429)
# The services name the chosen person "mentor"; the API's callers send "mentor_id".
MENTOR_FIELD = {"mentor": "mentor_id"}


class PairPersonOut(Schema):
    enrollment_id: int
    person: PersonOut


class PairOut(Schema):
    id: int
    round_id: int
    mentee: PairPersonOut
    mentor: PairPersonOut
    focus: str
    score: float
    reasons: list[str]
    locked: bool = Field(description="Kept as it is when the round runs again.")

    @staticmethod
    def of(pair: RoundPair) -> "PairOut":
        return PairOut(
            id=pair.pk,
            round_id=pair.round_id,
            mentee=PairPersonOut(
                enrollment_id=pair.mentee_id, person=PersonOut.of(pair.mentee.user)
            ),
            mentor=PairPersonOut(
                enrollment_id=pair.mentor_id, person=PersonOut.of(pair.mentor.user)
            ),
            focus=pair.focus_label,
            score=pair.score,
            reasons=[str(reason) for reason in pair.reasons],
            locked=pair.locked,
        )


class CandidateOut(Schema):
    """Someone the policy allows for the pair's mentee, with a place left in this round."""

    enrollment_id: int
    person: PersonOut
    places_left: int
    department: str | None

    @staticmethod
    def of(mentor: Enrollment) -> "CandidateOut":
        department = mentor.membership.department if mentor.membership else None
        return CandidateOut(
            enrollment_id=mentor.pk,
            person=PersonOut.of(mentor.user),
            places_left=getattr(mentor, "places_left_here", 0),
            department=department.name if department else None,
        )


class CandidateSearch(Schema):
    q: str = Field(min_length=1, max_length=100, description="Part of the person's name.")


class MentorIn(InSchema):
    mentor_id: int = Field(ge=1, description="The enrollment id of a candidate.")


class LockIn(InSchema):
    locked: bool = True


def _round_and_pair(
    request: HttpRequest, round_id: int, pair_id: int
) -> tuple[MatchingRound, RoundPair]:
    caller = caller_of(request)
    matching_round = round_get_for_admin(user=caller.user, round_id=round_id)
    check_within(caller, matching_round.program.organization_id, "No such round.")
    return matching_round, selectors.round_pair(matching_round=matching_round, pair_id=pair_id)


def _pair_out(matching_round: MatchingRound, pair_id: int) -> PairOut:
    return PairOut.of(selectors.round_pair(matching_round=matching_round, pair_id=pair_id))


@router.get("/rounds/{round_id}/pairs", response={200: page_of(PairOut), **READ_ERRORS})
def pair_list(request: HttpRequest, round_id: RowId, page: Query[PageIn]) -> dict[str, object]:
    """List a round's proposed pairs, best fit first, to its program's admins."""
    caller = caller_of(request)
    matching_round = round_get_for_admin(user=caller.user, round_id=round_id)
    check_within(caller, matching_round.program.organization_id, "No such round.")
    pairs = matching_round.pairs.select_related(
        "mentee__user", "mentor__user", "focus", "peer_focus"
    ).order_by("-score", "pk")
    return paginate(pairs, page, PairOut.of)


@router.get(
    "/rounds/{round_id}/pairs/{pair_id}/mentors",
    response={200: list[CandidateOut], **WRITE_ERRORS},
)
def pair_mentor_search(
    request: HttpRequest, round_id: RowId, pair_id: RowId, search: Query[CandidateSearch]
) -> list[CandidateOut]:
    """Find by name up to 20 people who may be proposed instead, as "Change mentor" does."""
    matching_round, pair = _round_and_pair(request, round_id, pair_id)
    found = selectors.swap_mentors(matching_round=matching_round, pair=pair, q=search.q.strip())
    if found.refusal is not None:
        # The mentee may be paired with nobody now (not accepting, no focus left): say why.
        raise DomainError(found.refusal.message)
    return [CandidateOut.of(mentor) for mentor in found.mentors]


@router.post("/rounds/{round_id}/pairs/{pair_id}/mentor", response={200: PairOut, **WRITE_ERRORS})
@idempotent
def pair_swap_mentor(
    request: HttpRequest, round_id: RowId, pair_id: RowId, payload: MentorIn
) -> PairOut:
    """Propose another mentor for the pair's mentee; the pair is then locked."""
    matching_round, pair = _round_and_pair(request, round_id, pair_id)
    mentor = selectors.swap_candidate(
        matching_round=matching_round, enrollment_id=payload.mentor_id
    )
    if mentor is None:
        raise DomainError("Choose a mentor from the list.", field="mentor_id")
    call(
        matching.pair_swap_mentor,
        fields=MENTOR_FIELD,
        matching_round=matching_round,
        pair_id=pair.pk,
        mentor=mentor,
    )
    return _pair_out(matching_round, pair.pk)


@router.post("/rounds/{round_id}/pairs/{pair_id}/lock", response={200: PairOut, **WRITE_ERRORS})
@idempotent
def pair_lock(request: HttpRequest, round_id: RowId, pair_id: RowId, payload: LockIn) -> PairOut:
    """Keep a pair as it is when the round runs again, or release it."""
    matching_round, pair = _round_and_pair(request, round_id, pair_id)
    call(
        matching.pair_lock,
        fields=MENTOR_FIELD,
        matching_round=matching_round,
        pair_id=pair.pk,
        locked=payload.locked,
    )
    return _pair_out(matching_round, pair.pk)


@router.post("/rounds/{round_id}/pairs/{pair_id}/remove", response={200: RoundOut, **WRITE_ERRORS})
@idempotent
def pair_remove(request: HttpRequest, round_id: RowId, pair_id: RowId) -> RoundOut:
    """Take a pair out of a round under review, before it is published."""
    matching_round, pair = _round_and_pair(request, round_id, pair_id)
    call(matching.pair_remove, matching_round=matching_round, pair_id=pair.pk)
    return RoundOut.of(matching_round)
