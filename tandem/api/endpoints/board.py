"""The question board: questions and answers as the board's pages show them, and moderation.

Reads go through the board's selectors and the access policy, writes through the board's
services, so the same audience, rules and daily limits hold. An anonymous asker is named
only to the board's moderators, by the same bylines the pages use.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from tandem.accounts.models import Organization
from tandem.api.auth import caller_of
from tandem.api.endpoints.calls import call
from tandem.api.endpoints.ids import RowId
from tandem.api.endpoints.scope import check_within, personal
from tandem.api.errors import ApiError, error_responses
from tandem.api.idempotency import idempotent
from tandem.api.pagination import PageIn, page_of, paginate
from tandem.api.schemas import (
    AnswerEditIn,
    AnswerIn,
    AnswerModerateIn,
    AnswerOut,
    BoardFilters,
    BylineOut,
    HelpfulIn,
    ModerationOut,
    PersonOut,
    QuestionDetailOut,
    QuestionEditIn,
    QuestionIn,
    QuestionModerateIn,
    QuestionOut,
    ReportIn,
    ReportOut,
)
from tandem.board import selectors, services
from tandem.board.models import Answer, ModerationAction, Question, Report
from tandem.core.errors import NotFound
from tandem.policy.access import (
    answer_get_for_user,
    program_get_for_user,
    question_get_for_moderator,
    question_get_for_user,
    report_get_for_moderator,
)
from tandem.programs.models import Topic

router = Router(tags=["question board"])

READ_ERRORS = error_responses(401, 403, 404, 422, 429)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 429)

# Boards, questions and answers as the reader may see them.


def _program_board(request: HttpRequest, program_id: int) -> selectors.Board:
    caller = caller_of(request)
    program = program_get_for_user(user=caller.user, program_id=program_id)
    check_within(caller, program.organization_id, "No such board.")
    return selectors.board_of(user=caller.user, organization=program.organization, program=program)


def _organization_board(request: HttpRequest, organization_id: int) -> selectors.Board:
    caller = caller_of(request)
    check_within(caller, organization_id, "No such board.")
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise NotFound("No such board.")
    return selectors.board_of(user=caller.user, organization=organization, program=None)


def _board_of(request: HttpRequest, question: Question) -> selectors.Board:
    caller = caller_of(request)
    check_within(caller, question.organization_id, "No such question.")
    return selectors.board_of(
        user=caller.user, organization=question.organization, program=question.program
    )


def _question(request: HttpRequest, question_id: int) -> tuple[Question, selectors.Board]:
    question = question_get_for_user(user=caller_of(request).user, question_id=question_id)
    return question, _board_of(request, question)


def _answer(request: HttpRequest, answer_id: int) -> tuple[Answer, selectors.Board]:
    answer = answer_get_for_user(user=caller_of(request).user, answer_id=answer_id)
    return answer, _board_of(request, answer.question)


def _question_out(
    request: HttpRequest, question_id: int, board: selectors.Board | None = None
) -> QuestionDetailOut:
    """Read a question afresh, with the answers and moderation its reader may see."""
    viewer = caller_of(request).user
    if board is None:
        question, board = _question(request, question_id)
    else:
        question = question_get_for_user(user=viewer, question_id=question_id)
    answers = selectors.question_answers(
        question=question, viewer=viewer, is_moderator=board.is_moderator
    )
    # The counts the list annotates, from the answers in hand.
    counted: Any = question
    counted.answer_count = sum(not a.is_hidden for a in answers)
    counted.helpful_count = sum(a.helpful and not a.is_hidden for a in answers)
    moderation: list[ModerationOut] = []
    if board.is_moderator:
        moderation = [
            ModerationOut(
                action=done.action,
                answer_id=done.answer_id,
                moderator=PersonOut.of(done.moderator) if done.moderator else None,
                reason=done.reason,
                created_at=done.created_at,
            )
            for done in ModerationAction.objects.filter(question=question).select_related(
                "moderator"
            )
        ]
    summary = QuestionOut.of(counted, viewer=viewer, is_moderator=board.is_moderator)
    return QuestionDetailOut(
        **summary.model_dump(),
        answers=[AnswerOut.of(a, question) for a in answers],
        reported_by_me=Report.objects.filter(
            question=question, answer=None, reporter=viewer
        ).exists(),
        moderation=moderation,
    )


def _answer_out(request: HttpRequest, answer: Answer, board: selectors.Board) -> AnswerOut:
    """Read one answer afresh, with its byline and marks, as its reader may see it."""
    question = answer.question
    found = selectors.question_answers(
        question=question,
        viewer=caller_of(request).user,
        is_moderator=board.is_moderator,
        only=answer.pk,
    )
    if not found:
        raise NotFound("No such answer.")
    return AnswerOut.of(found[0], question)


def _list(
    request: HttpRequest, board: selectors.Board, filters: BoardFilters, page: PageIn
) -> dict[str, Any]:
    viewer = caller_of(request).user
    questions = selectors.board_question_list(
        board=board,
        viewer=viewer,
        filters=selectors.Filters(q=filters.q.strip(), topic=filters.topic_id, sort=filters.sort),
    )
    return paginate(
        questions,
        page,
        lambda q: QuestionOut.of(q, viewer=viewer, is_moderator=board.is_moderator),
    )


@router.get(
    "/programs/{program_id}/board/questions", response={200: page_of(QuestionOut), **READ_ERRORS}
)
def program_question_list(
    request: HttpRequest, program_id: RowId, filters: Query[BoardFilters], page: Query[PageIn]
) -> dict[str, object]:
    """List a program's board, as its page does: search, one topic, and a sort."""
    return _list(request, _program_board(request, program_id), filters, page)


@router.get(
    "/organizations/{organization_id}/board/questions",
    response={200: page_of(QuestionOut), **READ_ERRORS},
)
def organization_question_list(
    request: HttpRequest,
    organization_id: RowId,
    filters: Query[BoardFilters],
    page: Query[PageIn],
) -> dict[str, object]:
    """List the organization-wide board, once its admins open it to all members."""
    return _list(request, _organization_board(request, organization_id), filters, page)


@router.get("/questions/{question_id}", response={200: QuestionDetailOut, **READ_ERRORS})
def question_detail(request: HttpRequest, question_id: RowId) -> QuestionDetailOut:
    """Return a question with the answers you may read, as its page shows them."""
    return _question_out(request, question_id)


# Asking, answering, marking helpful and reporting: a person's own doing.


def _ask(request: HttpRequest, board: selectors.Board, payload: QuestionIn) -> Status[Any]:
    caller = caller_of(request)
    personal(caller)
    wanted = set(payload.topic_ids)
    topics = list(Topic.objects.filter(pk__in=wanted, organization=board.organization))
    if len(topics) != len(wanted):
        raise ApiError(400, "Choose topics from your organization's list.", field="topic_ids")
    asked = call(
        services.question_ask,
        fields={"topics": "topic_ids"},
        author=caller.user,
        organization=board.organization,
        program=board.program,
        title=payload.title,
        body=payload.body,
        topics=topics,
        is_anonymous=payload.is_anonymous,
    )
    return Status(201, _question_out(request, asked.pk, board))


@router.post(
    "/programs/{program_id}/board/questions", response={201: QuestionDetailOut, **WRITE_ERRORS}
)
@idempotent
def program_question_ask(
    request: HttpRequest, program_id: RowId, payload: QuestionIn
) -> Status[QuestionDetailOut]:
    """Ask on a program's board; mentors who offer its topics hear of it."""
    return _ask(request, _program_board(request, program_id), payload)


@router.post(
    "/organizations/{organization_id}/board/questions",
    response={201: QuestionDetailOut, **WRITE_ERRORS},
)
@idempotent
def organization_question_ask(
    request: HttpRequest, organization_id: RowId, payload: QuestionIn
) -> Status[QuestionDetailOut]:
    """Ask on the organization-wide board, when it is open."""
    return _ask(request, _organization_board(request, organization_id), payload)


@router.post("/questions/{question_id}/answers", response={201: AnswerOut, **WRITE_ERRORS})
@idempotent
def answer_create(request: HttpRequest, question_id: RowId, payload: AnswerIn) -> Status[AnswerOut]:
    """Answer a question; the asker hears of it."""
    caller = caller_of(request)
    personal(caller)
    question, board = _question(request, question_id)
    answered = call(services.answer_post, question=question, author=caller.user, body=payload.body)
    answered.question = question
    return Status(201, _answer_out(request, answered, board))


@router.post("/answers/{answer_id}/helpful", response={200: AnswerOut, **WRITE_ERRORS})
@idempotent
def answer_helpful(request: HttpRequest, answer_id: RowId, payload: HelpfulIn) -> AnswerOut:
    """Mark an answer to your own question helpful, or take the mark back."""
    caller = caller_of(request)
    personal(caller)
    answer, board = _answer(request, answer_id)
    call(services.answer_mark_helpful, answer=answer, by=caller.user, helpful=payload.helpful)
    return _answer_out(request, answer, board)


def _report(
    request: HttpRequest, question: Question, answer: Answer | None, payload: ReportIn
) -> Status[ReportOut]:
    caller = caller_of(request)
    personal(caller)
    filed = call(
        services.report_file,
        question=question,
        answer=answer,
        reporter=caller.user,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, ReportOut.of(filed))


@router.post("/questions/{question_id}/report", response={201: ReportOut, **WRITE_ERRORS})
@idempotent
def question_report(
    request: HttpRequest, question_id: RowId, payload: ReportIn
) -> Status[ReportOut]:
    """Tell the board's moderators that a question breaks the board's rules."""
    question, _ = _question(request, question_id)
    return _report(request, question, None, payload)


@router.post("/answers/{answer_id}/report", response={201: ReportOut, **WRITE_ERRORS})
@idempotent
def answer_report(request: HttpRequest, answer_id: RowId, payload: ReportIn) -> Status[ReportOut]:
    """Tell the board's moderators that an answer breaks the board's rules."""
    answer, _ = _answer(request, answer_id)
    return _report(request, answer.question, answer, payload)


@router.post(
    "/questions/{question_id}/bring-back", response={200: QuestionDetailOut, **WRITE_ERRORS}
)
@idempotent
def question_bring_back(request: HttpRequest, question_id: RowId) -> QuestionDetailOut:
    """Bring your popular, quiet question back to the top of the board (moderators: any)."""
    question, board = _question(request, question_id)
    call(services.question_bring_back, question=question, by=caller_of(request).user)
    return _question_out(request, question.pk, board)


# The report queue: the board's moderators only; everyone else gets 404.


class ReportedQuestionOut(Schema):
    """A question with open reports on it or its answers; reporters are never named."""

    id: int
    program_id: int | None
    title: str
    state: str = Field(description="open, locked or hidden")
    asked_by: BylineOut
    open_reports: int
    reports: list[ReportOut] = Field(description="The open reports, oldest first.")

    @staticmethod
    def of(question: Any) -> "ReportedQuestionOut":
        return ReportedQuestionOut(
            id=question.pk,
            program_id=question.program_id,
            title=question.title,
            state=question.state,
            asked_by=BylineOut.of(question.byline, question.author),
            open_reports=question.open_reports,
            reports=[ReportOut.of(r) for r in question.open_report_list],
        )


def _queue(request: HttpRequest, board: selectors.Board, page: PageIn) -> dict[str, object]:
    if not board.is_moderator:
        raise NotFound("No such board.")
    queue = selectors.moderation_queue(board=board, viewer=caller_of(request).user)
    return paginate(queue, page, ReportedQuestionOut.of)


@router.get(
    "/programs/{program_id}/board/reports",
    response={200: page_of(ReportedQuestionOut), **READ_ERRORS},
)
def program_report_queue(
    request: HttpRequest, program_id: RowId, page: Query[PageIn]
) -> dict[str, object]:
    """List a program board's reported posts, most reported first, to its moderators."""
    return _queue(request, _program_board(request, program_id), page)


@router.get(
    "/organizations/{organization_id}/board/reports",
    response={200: page_of(ReportedQuestionOut), **READ_ERRORS},
)
def organization_report_queue(
    request: HttpRequest, organization_id: RowId, page: Query[PageIn]
) -> dict[str, object]:
    """List the organization-wide board's reported posts to its moderators."""
    return _queue(request, _organization_board(request, organization_id), page)


@router.post("/reports/{report_id}/dismiss", response={200: ReportOut, **WRITE_ERRORS})
@idempotent
def report_dismiss(request: HttpRequest, report_id: RowId) -> ReportOut:
    """Close a report without acting on the post; the post stays as it was."""
    caller = caller_of(request)
    found = report_get_for_moderator(user=caller.user, report_id=report_id)
    check_within(caller, found.question.organization_id, "No such report.")
    return ReportOut.of(call(services.report_dismiss, report=found, by=caller.user))


# Moderation: the board's moderators only; everyone else gets 404.


def _moderated_question(request: HttpRequest, question_id: int) -> Question:
    caller = caller_of(request)
    question = question_get_for_moderator(user=caller.user, question_id=question_id)
    check_within(caller, question.organization_id, "No such question.")
    return question


def _moderated_answer(request: HttpRequest, answer_id: int) -> tuple[Answer, selectors.Board]:
    answer, board = _answer(request, answer_id)
    answer.question = _moderated_question(request, answer.question_id)
    return answer, board


@router.post("/questions/{question_id}/moderate", response={200: QuestionDetailOut, **WRITE_ERRORS})
@idempotent
def question_moderate(
    request: HttpRequest, question_id: RowId, payload: QuestionModerateIn
) -> QuestionDetailOut:
    """Hide, show again, lock or unlock a question, with a reason its author reads."""
    question = _moderated_question(request, question_id)
    call(
        services.question_moderate,
        question=question,
        by=caller_of(request).user,
        action=payload.action,
        reason=payload.reason,
    )
    return _question_out(request, question.pk)


@router.post("/questions/{question_id}/edit", response={200: QuestionDetailOut, **WRITE_ERRORS})
@idempotent
def question_edit(
    request: HttpRequest, question_id: RowId, payload: QuestionEditIn
) -> QuestionDetailOut:
    """Edit a question's words as a moderator; the before and after are kept."""
    question = _moderated_question(request, question_id)
    call(
        services.question_edit_by_moderator,
        question=question,
        by=caller_of(request).user,
        title=payload.title,
        body=payload.body,
        reason=payload.reason,
    )
    return _question_out(request, question.pk)


@router.post("/answers/{answer_id}/moderate", response={200: AnswerOut, **WRITE_ERRORS})
@idempotent
def answer_moderate(request: HttpRequest, answer_id: RowId, payload: AnswerModerateIn) -> AnswerOut:
    """Hide an answer from the board, or show it again, with a reason its author reads."""
    answer, board = _moderated_answer(request, answer_id)
    call(
        services.answer_moderate,
        answer=answer,
        by=caller_of(request).user,
        hide=payload.action == "hide",
        reason=payload.reason,
    )
    return _answer_out(request, answer, board)


@router.post("/answers/{answer_id}/edit", response={200: AnswerOut, **WRITE_ERRORS})
@idempotent
def answer_edit(request: HttpRequest, answer_id: RowId, payload: AnswerEditIn) -> AnswerOut:
    """Edit an answer's words as a moderator; the before and after are kept."""
    answer, board = _moderated_answer(request, answer_id)
    call(
        services.answer_edit_by_moderator,
        answer=answer,
        by=caller_of(request).user,
        body=payload.body,
        reason=payload.reason,
    )
    return _answer_out(request, answer, board)
