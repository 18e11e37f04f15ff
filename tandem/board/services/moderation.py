"""Reports from participants and what moderators do about them, always with a reason."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.board.models import Answer, ModerationAction, Question, Report
from tandem.board.services.posts import (
    ANSWER_MAX,
    ANSWER_MIN,
    BODY_MAX,
    BODY_MIN,
    TITLE_MAX,
    TITLE_MIN,
    _check_text,
    question_url,
)
from tandem.core.errors import DomainError
from tandem.notifications.services import notify
from tandem.policy.access import user_may_see_board, user_moderates_board

REPORTS_PER_DAY = 10
REASON_MIN, REASON_MAX = 10, 1000
NOTE_MAX = 1000

# What the author reads; it never names who reported the post.
_TOLD = {
    ModerationAction.Action.HIDE: "A moderator hid your {post} from the board",
    ModerationAction.Action.UNHIDE: "Your {post} is back on the board",
    ModerationAction.Action.LOCK: "A moderator closed your question to new answers",
    ModerationAction.Action.UNLOCK: "Your question takes answers again",
    ModerationAction.Action.EDIT: "A moderator edited your {post}",
}


@transaction.atomic
def report_file(
    *, question: Question, answer: Answer | None, reporter: User, reason: str, note: str = ""
) -> Report:
    """Report a question or an answer to the board's moderators, once per person and post."""
    if answer is not None and answer.question_id != question.pk:
        raise DomainError("That answer belongs to another question.")
    if reason not in Report.Reason.values:
        raise DomainError("Choose why you are reporting this.", field="reason")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note under {NOTE_MAX} characters.", field="note")
    if not user_may_see_board(
        user=reporter, organization=question.organization, program=question.program
    ):
        raise DomainError("Only people in this program can report posts on its board.")
    author_id = answer.author_id if answer is not None else question.author_id
    if author_id == reporter.pk:
        raise DomainError("This is your own post: edit or ask a moderator instead.")
    since = timezone.now() - datetime.timedelta(hours=24)
    if Report.objects.filter(reporter=reporter, created_at__gte=since).count() >= REPORTS_PER_DAY:
        raise DomainError("You have sent many reports today; the moderators will look at them.")
    try:
        with transaction.atomic():
            return Report.objects.create(
                question=question, answer=answer, reporter=reporter, reason=reason, note=note
            )
    except IntegrityError:
        raise DomainError("You have reported this already; the moderators will look.") from None


def _check_moderator(question: Question, by: User) -> None:
    if not user_moderates_board(
        user=by, organization=question.organization, program=question.program
    ):
        raise DomainError("Only the board's moderators can do that.")


def _check_reason(reason: str) -> str:
    return _check_text(reason, field="reason", least=REASON_MIN, most=REASON_MAX, what="reason")


def _record(
    *,
    question: Question,
    answer: Answer | None,
    by: User,
    action: str,
    reason: str,
    before: str = "",
    after: str = "",
) -> ModerationAction:
    done = ModerationAction.objects.create(
        question=question,
        answer=answer,
        moderator=by,
        action=action,
        reason=reason,
        before_text=before,
        after_text=after,
    )
    # The reports on this post are answered by what the moderator did.
    reports = Report.objects.filter(question=question, resolved_at__isnull=True)
    reports = reports.filter(answer=answer) if answer is not None else reports.filter(answer=None)
    reports.update(resolved_at=done.created_at, resolved_by=by)
    author = answer.author if answer is not None else question.author
    if author.pk != by.pk:
        post = "answer" if answer is not None else "question"
        notify(
            user=author,
            kind="board_moderated",
            title=_TOLD[ModerationAction.Action(action)].format(post=post),
            body=f"The moderator's reason: {reason}\n\nThank you for taking part in the board; "
            "if you think this was a mistake, reply to the program's admins.",
            url=question_url(question),
            dedupe_key=f"board-moderated-{done.pk}",
        )
    return done


def _locked_question(question: Question) -> Question:
    return Question.objects.select_for_update().select_related("author").get(pk=question.pk)


_STATE_AFTER = {
    ModerationAction.Action.HIDE: (Question.State.HIDDEN, {"open", "locked"}),
    ModerationAction.Action.UNHIDE: (Question.State.OPEN, {"hidden"}),
    ModerationAction.Action.LOCK: (Question.State.LOCKED, {"open"}),
    ModerationAction.Action.UNLOCK: (Question.State.OPEN, {"locked"}),
}


@transaction.atomic
def question_moderate(*, question: Question, by: User, action: str, reason: str) -> Question:
    """Hide, show again, lock or unlock a question, with a reason its author reads."""
    question = _locked_question(question)
    _check_moderator(question, by)
    if action not in _STATE_AFTER:
        raise DomainError("Choose what to do with this question.", field="action")
    reason = _check_reason(reason)
    state, allowed_from = _STATE_AFTER[ModerationAction.Action(action)]
    if question.state not in allowed_from:
        raise DomainError(f"This question is {question.get_state_display().lower()} already.")
    if action == ModerationAction.Action.UNHIDE:
        state = _state_before_hiding(question)
    question.state = state
    question.save(update_fields=["state", "updated_at"])
    _record(question=question, answer=None, by=by, action=action, reason=reason)
    return question


def _state_before_hiding(question: Question) -> Question.State:
    """A question locked before it was hidden comes back locked."""
    last = (
        question.moderation.filter(
            answer__isnull=True,
            action__in=[ModerationAction.Action.LOCK, ModerationAction.Action.UNLOCK],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    locked = last is not None and last.action == ModerationAction.Action.LOCK
    return Question.State.LOCKED if locked else Question.State.OPEN


@transaction.atomic
def answer_moderate(*, answer: Answer, by: User, hide: bool, reason: str) -> Answer:
    """Hide an answer from the board, or show it again, with a reason its author reads."""
    question = _locked_question(answer.question)
    _check_moderator(question, by)
    reason = _check_reason(reason)
    answer = Answer.objects.select_for_update().select_related("author").get(pk=answer.pk)
    if answer.is_hidden == hide:
        raise DomainError("This answer is hidden already." if hide else "This answer is shown.")
    answer.is_hidden = hide
    answer.save(update_fields=["is_hidden", "updated_at"])
    action = ModerationAction.Action.HIDE if hide else ModerationAction.Action.UNHIDE
    _record(question=question, answer=answer, by=by, action=action, reason=reason)
    return answer


def _both(title: str, body: str) -> str:
    return f"{title}\n\n{body}"


@transaction.atomic
def question_edit_by_moderator(
    *, question: Question, by: User, title: str, body: str, reason: str
) -> Question:
    """Edit a question's words as a moderator; the before and after are kept with the reason."""
    question = _locked_question(question)
    _check_moderator(question, by)
    title = _check_text(title, field="title", least=TITLE_MIN, most=TITLE_MAX, what="title")
    body = _check_text(body, field="body", least=BODY_MIN, most=BODY_MAX, what="question")
    reason = _check_reason(reason)
    if title == question.title and body == question.body:
        raise DomainError("Nothing was changed.")
    before = _both(question.title, question.body)
    question.title, question.body, question.edited_at = title, body, timezone.now()
    question.save(update_fields=["title", "body", "edited_at", "updated_at"])
    _record(
        question=question,
        answer=None,
        by=by,
        action=ModerationAction.Action.EDIT,
        reason=reason,
        before=before,
        after=_both(title, body),
    )
    return question


@transaction.atomic
def answer_edit_by_moderator(*, answer: Answer, by: User, body: str, reason: str) -> Answer:
    """Edit an answer's words as a moderator; the before and after are kept with the reason."""
    question = _locked_question(answer.question)
    _check_moderator(question, by)
    body = _check_text(body, field="body", least=ANSWER_MIN, most=ANSWER_MAX, what="answer")
    reason = _check_reason(reason)
    answer = Answer.objects.select_for_update().select_related("author").get(pk=answer.pk)
    if body == answer.body:
        raise DomainError("Nothing was changed.")
    before = answer.body
    answer.body, answer.edited_at = body, timezone.now()
    answer.save(update_fields=["body", "edited_at", "updated_at"])
    _record(
        question=question,
        answer=answer,
        by=by,
        action=ModerationAction.Action.EDIT,
        reason=reason,
        before=before,
        after=body,
    )
    return answer


@transaction.atomic
def report_dismiss(*, report: Report, by: User) -> Report:
    """Close a report without acting on the post."""
    _check_moderator(report.question, by)
    if report.resolved_at is not None:
        raise DomainError("This report is closed already.")
    report.resolved_at = timezone.now()
    report.resolved_by = by
    report.save(update_fields=["resolved_at", "resolved_by"])
    return report
