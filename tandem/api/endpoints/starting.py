"""Requests and proposals: how a relationship starts, through the pages' own services."""

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Status

from tandem.accounts.models import User
from tandem.api.auth import caller_of
from tandem.api.endpoints.calls import call
from tandem.api.endpoints.ids import RowId
from tandem.api.endpoints.scope import personal
from tandem.api.errors import error_responses
from tandem.api.idempotency import idempotent
from tandem.api.pagination import PageIn, page_of, paginate
from tandem.api.schemas import (
    EnrollmentOut,
    MentorCardOut,
    ProposalAnswerIn,
    ProposalOut,
    RequestAnswerIn,
    RequestIn,
    RequestOut,
)
from tandem.core.errors import DomainError, NotFound
from tandem.policy.access import (
    enrollment_get_for_user,
    enrollment_get_own,
    program_get_for_user,
    proposal_get_for_user,
    proposals_of,
    request_get_for_user,
    requests_of,
)
from tandem.policy.eligibility import focuses_taken
from tandem.programs.models import Enrollment, Topic
from tandem.relationships import selectors, services

router = Router(tags=["requests and proposals"])

READ_ERRORS = error_responses(401, 403, 404, 422, 429)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 429)
REQUEST_RELATED = ("program", "mentee__user", "mentor__user", "focus")


@router.get("/programs/{program_id}/mentors", response={200: page_of(MentorCardOut), **READ_ERRORS})
def mentor_directory(
    request: HttpRequest,
    program_id: RowId,
    page: Query[PageIn],
    topic_id: int | None = None,
    mode: Literal["in_person", "phone", "video", "chat"] | None = None,
    include_full: bool = False,
    same_time_zone: bool = False,
) -> dict[str, object]:
    """List the mentors you may ask in a program, best fit first, as the directory does."""
    caller = caller_of(request)
    personal(caller)
    program = program_get_for_user(user=caller.user, program_id=program_id)
    mentee = enrollment_get_own(user=caller.user, program=program)
    if mentee is None or mentee.status != Enrollment.Status.ACTIVE:
        raise NotFound("You are not in this program.")
    # The directory loads in full only the cards up to the end of the page asked for.
    directory = selectors.mentor_directory(
        mentee=mentee,
        topic_id=topic_id if topic_id and 0 < topic_id < 2**62 else None,
        mode=mode or "",
        accepting_only=not include_full,
        same_time_zone=same_time_zone,
        limit=page.offset + page.limit,
    )
    return {
        "items": [
            MentorCardOut(
                enrollment=EnrollmentOut.of(card.enrollment),
                score=int(card.score),
                reasons=[str(r) for r in card.reasons],
                places_left=card.places_left,
                can_ask=card.can_ask,
            )
            for card in directory.cards[page.offset :]
        ],
        "count": directory.total,
        "limit": page.limit,
        "offset": page.offset,
    }


@router.get("/requests", response={200: page_of(RequestOut), **READ_ERRORS})
def request_list(request: HttpRequest, page: Query[PageIn]) -> dict[str, object]:
    """List the mentoring requests this person sent or received, newest first."""
    caller = caller_of(request)
    personal(caller)
    asks = requests_of(caller.user).select_related(*REQUEST_RELATED).order_by("-created_at", "-pk")
    return paginate(asks, page, RequestOut.of)


@router.get("/requests/{request_id}", response={200: RequestOut, **READ_ERRORS})
def request_detail(request: HttpRequest, request_id: RowId) -> RequestOut:
    """Return one request to its sender or the mentor it asks."""
    caller = caller_of(request)
    personal(caller)
    return RequestOut.of(request_get_for_user(user=caller.user, request_id=request_id))


def _own_mentee_enrollment(user: User, mentor: Enrollment) -> Enrollment:
    program = program_get_for_user(user=user, program_id=mentor.program_id)
    mentee = enrollment_get_own(user=user, program=program)
    if mentee is None or mentee.status != Enrollment.Status.ACTIVE:
        raise NotFound("You are not in this mentor's program.")
    return mentee


def _focus(mentee: Enrollment, focus_id: int) -> Topic:
    # The request form offers the mentee's own focus areas that have no mentor yet.
    taken = focuses_taken(mentee)
    mine = {t.topic_id: t.topic for t in mentee.topics.select_related("topic") if t.kind == "focus"}
    if focus_id not in mine or focus_id in taken:
        raise DomainError(
            "Choose one of your own focus areas that has no mentor yet.", field="focus_id"
        )
    return mine[focus_id]


@router.post("/requests", response={201: RequestOut, **WRITE_ERRORS})
@idempotent
def request_create(request: HttpRequest, payload: RequestIn) -> Status[RequestOut]:
    """Ask a mentor for help with one focus: the request form's rules, all of them."""
    caller = caller_of(request)
    personal(caller)
    mentor = enrollment_get_for_user(user=caller.user, enrollment_id=payload.mentor_enrollment_id)
    mentee = _own_mentee_enrollment(caller.user, mentor)
    sent = call(
        services.request_send,
        fields={"focus": "focus_id", "message": "message"},
        mentee=mentee,
        mentor=mentor,
        focus=_focus(mentee, payload.focus_id),
        message=payload.message,
    )
    return Status(201, RequestOut.of(request_get_for_user(user=caller.user, request_id=sent.pk)))


@router.post("/requests/{request_id}/accept", response={200: RequestOut, **WRITE_ERRORS})
@idempotent
def request_accept(request: HttpRequest, request_id: RowId, payload: RequestAnswerIn) -> RequestOut:
    """Say yes to a request, as the mentor asked: the relationship starts."""
    caller = caller_of(request)
    personal(caller)
    ask = request_get_for_user(user=caller.user, request_id=request_id)
    relationship = call(services.request_accept, request=ask, by=caller.user, reply=payload.reply)
    ask.refresh_from_db()
    return RequestOut.of(ask, relationship_id=relationship.pk)


@router.post("/requests/{request_id}/decline", response={200: RequestOut, **WRITE_ERRORS})
@idempotent
def request_decline(
    request: HttpRequest, request_id: RowId, payload: RequestAnswerIn
) -> RequestOut:
    """Say no kindly, as the mentor asked: the mentee reads the reply."""
    caller = caller_of(request)
    personal(caller)
    ask = request_get_for_user(user=caller.user, request_id=request_id)
    declined = call(services.request_decline, request=ask, by=caller.user, reply=payload.reply)
    return RequestOut.of(declined)


@router.post("/requests/{request_id}/withdraw", response={200: RequestOut, **WRITE_ERRORS})
@idempotent
def request_withdraw(request: HttpRequest, request_id: RowId) -> RequestOut:
    """Withdraw one's own waiting request."""
    caller = caller_of(request)
    personal(caller)
    ask = request_get_for_user(user=caller.user, request_id=request_id)
    return RequestOut.of(call(services.request_withdraw, request=ask, by=caller.user))


PROPOSAL_RELATED = ("program", "mentor__user", "mentee__user", "focus")


@router.get("/proposals", response={200: page_of(ProposalOut), **READ_ERRORS})
def proposal_list(request: HttpRequest, page: Query[PageIn]) -> dict[str, object]:
    """List the matches proposed to this person, newest first."""
    caller = caller_of(request)
    personal(caller)
    proposals = (
        proposals_of(caller.user).select_related(*PROPOSAL_RELATED).order_by("-created_at", "-pk")
    )
    return paginate(proposals, page, lambda p: ProposalOut.of(p, user_id=caller.user.pk))


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **READ_ERRORS})
def proposal_detail(request: HttpRequest, proposal_id: RowId) -> ProposalOut:
    """Return one proposed match to one of its two people."""
    caller = caller_of(request)
    personal(caller)
    proposal = proposal_get_for_user(user=caller.user, proposal_id=proposal_id)
    return ProposalOut.of(proposal, user_id=caller.user.pk)


def _answer(request: HttpRequest, proposal_id: int, *, accept: bool, reason: str) -> ProposalOut:
    caller = caller_of(request)
    personal(caller)
    proposal = proposal_get_for_user(user=caller.user, proposal_id=proposal_id)
    answered = call(
        services.proposal_answer,
        proposal=proposal,
        by=caller.user,
        accept=accept,
        private_reason=reason,
    )
    return ProposalOut.of(answered, user_id=caller.user.pk)


@router.post("/proposals/{proposal_id}/accept", response={200: ProposalOut, **WRITE_ERRORS})
@idempotent
def proposal_accept(request: HttpRequest, proposal_id: RowId) -> ProposalOut:
    """Say yes to a proposed match; when both said yes, the relationship begins."""
    return _answer(request, proposal_id, accept=True, reason="")


@router.post("/proposals/{proposal_id}/decline", response={200: ProposalOut, **WRITE_ERRORS})
@idempotent
def proposal_decline(
    request: HttpRequest, proposal_id: RowId, payload: ProposalAnswerIn
) -> ProposalOut:
    """Say no to a proposed match; the reason, if given, is private to the one who says it."""
    return _answer(request, proposal_id, accept=False, reason=payload.private_reason)
