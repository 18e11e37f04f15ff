"""The board's pages: thin views over the access policy, the selectors and the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.accounts.models import Organization
from tandem.board import selectors, services
from tandem.board.forms import (
    AnswerEditForm,
    AnswerForm,
    ModerateForm,
    OrganizationBoardForm,
    QuestionEditForm,
    QuestionForm,
    ReportForm,
    question_state_choices,
)
from tandem.board.models import Answer, ModerationAction, OrganizationBoard, Question, Report
from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest, id_from
from tandem.core.spreadsheets import FORMATS, Row
from tandem.policy.access import (
    answer_get_for_user,
    organizations_administered_by,
    program_get_for_user,
    question_get_for_moderator,
    question_get_for_user,
    report_get_for_moderator,
)
from tandem.programs.models import Program, Topic
from tandem.security.exports import organization_export, program_export

Board = selectors.Board


def _board(
    request: AuthenticatedHttpRequest, organization: Organization, program: Program | None
) -> Board:
    return selectors.board_of(user=request.user, organization=organization, program=program)


def _program_board(request: AuthenticatedHttpRequest, program_id: int) -> Board:
    program = program_get_for_user(user=request.user, program_id=program_id)
    return _board(request, program.organization, program)


def _organization_board(request: AuthenticatedHttpRequest, organization_id: int) -> Board:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise NotFound("No such board.")
    return _board(request, organization, None)


def _board_of(request: AuthenticatedHttpRequest, question: Question) -> Board:
    return _board(request, question.organization, question.program)


def _board_url(board: Board) -> str:
    if board.program is not None:
        return reverse("board:program", args=[board.program.pk])
    return reverse("board:organization", args=[board.organization.pk])


def _queue_exports(board: Board) -> dict[str, str]:
    """Return the queue's download address for each file format."""
    if board.program is not None:
        name, key = "board:program_queue_export", board.program.pk
    else:
        name, key = "board:organization_queue_export", board.organization.pk
    return {file_format: reverse(name, args=[key, file_format]) for file_format in FORMATS}


def _filters(request: AuthenticatedHttpRequest) -> selectors.Filters:
    sort = request.GET.get("sort", "recent")
    return selectors.Filters(
        q=request.GET.get("q", "")[:200].strip(),
        topic=id_from(request.GET.get("topic")),
        sort=sort if sort in selectors.SORTS else "recent",
        page=request.GET.get("page", "1")[:10],
    )


def _list(request: AuthenticatedHttpRequest, board: Board) -> HttpResponse:
    filters = _filters(request)
    page = selectors.board_questions(board=board, viewer=request.user, filters=filters)
    open_board = OrganizationBoard.objects.filter(
        organization=board.organization, is_open=True
    ).exists()
    return render(
        request,
        "board/list.html",
        {
            "board": board,
            "page": page,
            "filters": filters,
            "sorts": selectors.SORTS,
            "topics": Topic.objects.filter(organization=board.organization).order_by("name"),
            "ask_url": reverse("board:ask_program", args=[board.program.pk])
            if board.program
            else reverse("board:ask_organization", args=[board.organization.pk]),
            "board_url": _board_url(board),
            "organization_board_open": open_board,
            "organization_admin": organizations_administered_by(request.user)
            .filter(pk=board.organization.pk)
            .exists(),
            "open_reports": Report.objects.filter(
                resolved_at__isnull=True,
                question__organization=board.organization,
                question__program=board.program,
            ).count()
            if board.is_moderator
            else 0,
        },
    )


@login_required
def program_board(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    return _list(request, _program_board(request, program_id))


@login_required
def organization_board(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    return _list(request, _organization_board(request, organization_id))


def _ask(request: AuthenticatedHttpRequest, board: Board) -> HttpResponse:
    form = QuestionForm(posted(request), organization=board.organization)
    if form.is_bound and form.is_valid():
        asked = run_service(
            form,
            services.question_ask,
            author=request.user,
            organization=board.organization,
            program=board.program,
            **form.cleaned_data,
        )
        if asked is not None:
            messages.success(
                request,
                "Your question is on the board. Mentors who offer its topics will hear of it.",
            )
            return redirect("board:question", asked.pk)
    return render(
        request, "board/ask.html", {"board": board, "form": form, "board_url": _board_url(board)}
    )


@login_required
def ask_program(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    return _ask(request, _program_board(request, program_id))


@login_required
def ask_organization(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    return _ask(request, _organization_board(request, organization_id))


@login_required
def question_detail(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = question_get_for_user(user=request.user, question_id=question_id)
    board = _board_of(request, question)
    form = AnswerForm(posted(request))
    if form.is_bound and form.is_valid():
        answered = run_service(
            form,
            services.answer_post,
            question=question,
            author=request.user,
            body=form.cleaned_data["body"],
        )
        if answered is not None:
            messages.success(request, "Thank you for answering.")
            return redirect(f"{reverse('board:question', args=[question.pk])}#answer-{answered.pk}")
    answers = selectors.question_answers(
        question=question, viewer=request.user, is_moderator=board.is_moderator
    )
    return render(
        request,
        "board/question.html",
        {
            "board": board,
            "board_url": _board_url(board),
            "question": question,
            "byline": selectors.question_byline(
                question, viewer=request.user, is_moderator=board.is_moderator
            ),
            "answers": answers,
            "form": form,
            "is_asker": question.author_id == request.user.pk,
            "may_bring_back": (question.author_id == request.user.pk or board.is_moderator)
            and selectors.question_is_quiet(question),
            "suggestions": selectors.mentoring_suggestions(question=question, viewer=request.user),
            "reported": Report.objects.filter(
                question=question, answer=None, reporter=request.user
            ).exists(),
            "moderation": ModerationAction.objects.filter(question=question).select_related(
                "answer"
            )
            if board.is_moderator
            else [],
            "topics": list(question.topics.all()),
        },
    )


@login_required
@require_POST
def answer_helpful(request: AuthenticatedHttpRequest, answer_id: int) -> HttpResponse:
    answer = answer_get_for_user(user=request.user, answer_id=answer_id)
    helpful = request.POST.get("helpful") != "no"
    try:
        services.answer_mark_helpful(answer=answer, by=request.user, helpful=helpful)
        messages.success(
            request,
            "Marked as helpful. Thank you: it tells the mentor their answer mattered."
            if helpful
            else "No longer marked as helpful.",
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('board:question', args=[answer.question_id])}#answer-{answer.pk}")


@login_required
@require_POST
def question_bring_back(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = question_get_for_user(user=request.user, question_id=question_id)
    try:
        services.question_bring_back(question=question, by=request.user)
        messages.success(request, "The question is back at the top of the board.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("board:question", question.pk)


@login_required
def report(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = question_get_for_user(user=request.user, question_id=question_id)
    answer_id = id_from(request.GET.get("answer"))
    answer: Answer | None = None
    if answer_id is not None:
        answer = answer_get_for_user(user=request.user, answer_id=answer_id)
        if answer.question_id != question.pk:
            raise NotFound("No such answer.")
    form = ReportForm(posted(request))
    if form.is_bound and form.is_valid():
        filed = run_service(
            form,
            services.report_file,
            question=question,
            answer=answer,
            reporter=request.user,
            **form.cleaned_data,
        )
        if filed is not None:
            messages.success(request, "Thank you. The moderators will look at it.")
            return redirect("board:question", question.pk)
    return render(
        request,
        "board/report.html",
        {"question": question, "answer": answer, "form": form},
    )


@login_required
def question_moderate(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = question_get_for_moderator(user=request.user, question_id=question_id)
    data = posted(request)
    which = request.POST.get("form") if data is not None else None
    state_form = ModerateForm(
        data if which == "state" else None, choices=question_state_choices(question)
    )
    edit_form = QuestionEditForm(
        data if which == "edit" else None,
        initial={"title": question.title, "body": question.body},
    )
    done = None
    if which == "state" and state_form.is_valid():
        done = run_service(
            state_form,
            services.question_moderate,
            question=question,
            by=request.user,
            **state_form.cleaned_data,
        )
    elif which == "edit" and edit_form.is_valid():
        done = run_service(
            edit_form,
            services.question_edit_by_moderator,
            question=question,
            by=request.user,
            **edit_form.cleaned_data,
        )
    if done is not None:
        messages.success(request, "Done. The author is told, with your reason.")
        return redirect("board:question", question.pk)
    return render(
        request,
        "board/moderate.html",
        {
            "question": question,
            "answer": None,
            "state_form": state_form,
            "edit_form": edit_form,
            "byline": selectors.question_byline(question, viewer=request.user, is_moderator=True),
        },
    )


@login_required
def answer_moderate(request: AuthenticatedHttpRequest, answer_id: int) -> HttpResponse:
    answer = answer_get_for_user(user=request.user, answer_id=answer_id)
    question = question_get_for_moderator(user=request.user, question_id=answer.question_id)
    data = posted(request)
    which = request.POST.get("form") if data is not None else None
    choices = (
        [("unhide", "Show it on the board again")]
        if answer.is_hidden
        else [("hide", "Hide it from the board")]
    )
    state_form = ModerateForm(data if which == "state" else None, choices=choices)
    edit_form = AnswerEditForm(data if which == "edit" else None, initial={"body": answer.body})
    done = None
    if which == "state" and state_form.is_valid():
        done = run_service(
            state_form,
            services.answer_moderate,
            answer=answer,
            by=request.user,
            hide=state_form.cleaned_data["action"] == "hide",
            reason=state_form.cleaned_data["reason"],
        )
    elif which == "edit" and edit_form.is_valid():
        done = run_service(
            edit_form,
            services.answer_edit_by_moderator,
            answer=answer,
            by=request.user,
            **edit_form.cleaned_data,
        )
    if done is not None:
        messages.success(request, "Done. The author is told, with your reason.")
        return redirect(f"{reverse('board:question', args=[question.pk])}#answer-{answer.pk}")
    return render(
        request,
        "board/moderate.html",
        {
            "question": question,
            "answer": answer,
            "state_form": state_form,
            "edit_form": edit_form,
            "byline": selectors.answer_byline(
                answer, question, viewer=request.user, is_moderator=True
            ),
        },
    )


def _queue(request: AuthenticatedHttpRequest, board: Board) -> HttpResponse:
    if not board.is_moderator:
        raise NotFound("No such board.")
    return render(
        request,
        "board/queue.html",
        {
            "board": board,
            "board_url": _board_url(board),
            "exports": _queue_exports(board),
            "questions": selectors.moderation_queue(board=board, viewer=request.user),
        },
    )


@login_required
def program_queue(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    return _queue(request, _program_board(request, program_id))


@login_required
def organization_queue(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    return _queue(request, _organization_board(request, organization_id))


# One row per open report; who reported stays out, as it does on the page.
QUEUE_HEADERS = [
    "Question",
    "Question state",
    "Asked by",
    "Reported post",
    "Reason",
    "Note",
    "Reported (UTC)",
    "Open reports on the question",
]


def _queue_export(
    request: AuthenticatedHttpRequest, board: Board, file_format: str
) -> HttpResponse:
    if not board.is_moderator or file_format not in FORMATS:
        raise NotFound("No such board.")
    rows: list[Row] = [
        [
            question.title,
            question.get_state_display(),
            question.byline.name,
            "An answer" if report.answer_id else "The question",
            report.get_reason_display(),
            report.note,
            f"{report.created_at:%Y-%m-%d %H:%M:%S}",
            question.open_reports,
        ]
        for question in selectors.moderation_queue(board=board, viewer=request.user)
        for report in question.open_report_list
    ]
    if board.program is not None:
        return program_export(
            request,
            program=board.program,
            what="board-reports",
            title="Reported posts",
            headers=QUEUE_HEADERS,
            rows=rows,
            file_format=file_format,
        )
    return organization_export(
        request,
        organization=board.organization,
        what="board-reports",
        title="Reported posts",
        headers=QUEUE_HEADERS,
        rows=rows,
        file_format=file_format,
    )


@login_required
def program_queue_export(
    request: AuthenticatedHttpRequest, program_id: int, file_format: str
) -> HttpResponse:
    return _queue_export(request, _program_board(request, program_id), file_format)


@login_required
def organization_queue_export(
    request: AuthenticatedHttpRequest, organization_id: int, file_format: str
) -> HttpResponse:
    return _queue_export(request, _organization_board(request, organization_id), file_format)


@login_required
@require_POST
def report_dismiss(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    found = report_get_for_moderator(user=request.user, report_id=report_id)
    try:
        services.report_dismiss(report=found, by=request.user)
        messages.success(request, "The report is closed; the post stays as it was.")
    except DomainError as error:
        messages.error(request, error.message)
    question = found.question
    if question.program_id:
        return redirect("board:program_queue", question.program_id)
    return redirect("board:organization_queue", question.organization_id)


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "board/mine.html", {"questions": selectors.questions_of(user=request.user)}
    )


@login_required
def organization_settings(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    try:
        organization = organizations_administered_by(request.user).get(pk=organization_id)
    except Organization.DoesNotExist:
        raise NotFound("No such organization.") from None
    current = OrganizationBoard.objects.filter(organization=organization).first()
    form = OrganizationBoardForm(
        posted(request), initial={"is_open": current is not None and current.is_open}
    )
    if form.is_bound and form.is_valid():
        saved = run_service(
            form,
            services.organization_board_set,
            organization=organization,
            by=request.user,
            is_open=form.cleaned_data["is_open"],
        )
        if saved is not None:
            messages.success(
                request,
                "The organization's board is open to every member."
                if saved.is_open
                else "The organization's board is closed.",
            )
            return redirect("board:organization_settings", organization.pk)
    return render(
        request, "board/organization_settings.html", {"organization": organization, "form": form}
    )
