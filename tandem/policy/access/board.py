"""Access to the question board: who reads, who moderates."""

from typing import Any

from django.db.models import Q, QuerySet

from tandem.accounts.models import Membership, Organization, User
from tandem.board.models import Answer, OrganizationBoard, Question, Report
from tandem.core.errors import NotFound
from tandem.policy.access.people import (
    _administered_org_ids,
    _org_ids,
    organizations_administered_by,
    programs_administered_by,
    programs_visible_to,
    user_administers_program,
)
from tandem.programs.models import Enrollment, Program

# The question board. A program's board is for its audience: people actively enrolled
# (while the program still admits them) and its admins. An organization's board, when its
# admins open it, is for the organization's active members. Moderators: the program's
# admins (organization admins among them) or, on an organization board, the organization's
# admins. Hidden posts stay visible to moderators and, as hidden, to their author.


def _board_programs(user: User) -> QuerySet[Any, Any]:
    return Enrollment.objects.filter(
        user=user,
        status=Enrollment.Status.ACTIVE,
        program__in=programs_visible_to(user).values("pk"),
    ).values("program_id")


def _boards_q(user: User) -> Q:
    open_boards = OrganizationBoard.objects.filter(
        is_open=True, organization_id__in=_org_ids(user)
    ).values("organization_id")
    return (
        Q(program__in=_board_programs(user))
        | Q(program__in=programs_administered_by(user).values("pk"))
        | Q(program__isnull=True, organization_id__in=open_boards)
        | Q(program__isnull=True, organization_id__in=_administered_org_ids(user))
    )


def _moderated_q(user: User) -> Q:
    return Q(program__in=programs_administered_by(user).values("pk")) | Q(
        program__isnull=True, organization_id__in=_administered_org_ids(user)
    )


def questions_visible_to(user: User) -> QuerySet[Question]:
    """Return the board questions this person may read, hidden ones only where allowed."""
    if not user.is_authenticated:
        return Question.objects.none()
    shown = ~Q(state=Question.State.HIDDEN) | Q(author=user) | _moderated_q(user)
    return Question.objects.filter(_boards_q(user), shown)


def questions_moderated_by(user: User) -> QuerySet[Question]:
    """Return the board questions this person moderates, hidden ones included."""
    if not user.is_authenticated:
        return Question.objects.none()
    return Question.objects.filter(_moderated_q(user))


def user_may_see_board(*, user: User, organization: Organization, program: Program | None) -> bool:
    if not user.is_authenticated:
        return False
    if program is not None:
        return (
            Enrollment.objects.filter(
                user=user, status=Enrollment.Status.ACTIVE, program=program
            ).exists()
            and programs_visible_to(user).filter(pk=program.pk).exists()
        ) or user_administers_program(user=user, program=program)
    return user_moderates_board(user=user, organization=organization, program=None) or (
        OrganizationBoard.objects.filter(organization=organization, is_open=True).exists()
        and Membership.objects.filter(
            user=user, organization=organization, status=Membership.Status.ACTIVE
        ).exists()
    )


def user_moderates_board(
    *, user: User, organization: Organization, program: Program | None
) -> bool:
    if program is not None:
        return user_administers_program(user=user, program=program)
    return organizations_administered_by(user).filter(pk=organization.pk).exists()


def question_get_for_user(*, user: User, question_id: int) -> Question:
    """Return a board question its board's audience may read; otherwise raise NotFound."""
    try:
        return (
            questions_visible_to(user)
            .select_related("program", "organization", "author")
            .get(pk=question_id)
        )
    except Question.DoesNotExist:
        raise NotFound("No such question.") from None


def question_get_for_moderator(*, user: User, question_id: int) -> Question:
    """Return a board question to the people who moderate its board; otherwise NotFound."""
    try:
        return (
            questions_moderated_by(user)
            .select_related("program", "organization", "author")
            .get(pk=question_id)
        )
    except Question.DoesNotExist:
        raise NotFound("No such question.") from None


def answer_get_for_user(*, user: User, answer_id: int) -> Answer:
    """Return an answer on a question this person may read, hidden only to its author."""
    if not user.is_authenticated:
        raise NotFound("No such answer.")
    shown = Q(is_hidden=False) | Q(author=user) | Q(question__in=questions_moderated_by(user))
    try:
        return (
            Answer.objects.filter(shown, question__in=questions_visible_to(user))
            .select_related("question__program", "question__organization", "author")
            .get(pk=answer_id)
        )
    except Answer.DoesNotExist:
        raise NotFound("No such answer.") from None


def report_get_for_moderator(*, user: User, report_id: int) -> Report:
    """Return a report on a post to the moderators of its board; otherwise NotFound."""
    try:
        return (
            Report.objects.filter(question__in=questions_moderated_by(user))
            .select_related("question", "answer")
            .get(pk=report_id)
        )
    except Report.DoesNotExist:
        raise NotFound("No such report.") from None
