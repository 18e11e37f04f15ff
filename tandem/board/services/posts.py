"""Asking, answering, marking answers helpful and bringing old questions back."""

import datetime
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Organization, User
from tandem.board.models import Answer, HelpfulMark, OrganizationBoard, Question
from tandem.board.selectors import question_is_quiet
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.notifications.services import notify
from tandem.policy.access import user_may_see_board, user_moderates_board
from tandem.programs.models import Program, Topic

TITLE_MIN, TITLE_MAX = 10, 160
BODY_MIN, BODY_MAX = 20, 5000
ANSWER_MIN, ANSWER_MAX = 10, 5000
MAX_TOPICS = 3
# Enough for anyone who asks in earnest; a flood waits for tomorrow.
QUESTIONS_PER_DAY = 5
ANSWERS_PER_DAY = 30
# A quiet question (selectors.question_is_quiet) may come back once per BRING_BACK_EVERY.
BRING_BACK_EVERY = datetime.timedelta(days=30)
BRING_BACKS_PER_DAY = 1
ANSWERS_KIND = "board_answers"


def question_url(question: Question) -> str:
    return reverse("board:question", args=[question.pk])


def _check_text(value: str, *, field: str, least: int, most: int, what: str) -> str:
    value = value.strip()
    if len(value) < least:
        raise DomainError(f"Write at least {least} characters for the {what}.", field=field)
    if len(value) > most:
        raise DomainError(f"Keep the {what} under {most} characters.", field=field)
    return value


def _check_topics(topics: Sequence[Topic], organization: Organization) -> list[Topic]:
    if not topics:
        raise DomainError(
            "Choose at least one topic, so the right mentors hear of it.", field="topics"
        )
    if len(topics) > MAX_TOPICS:
        raise DomainError(f"Choose at most {MAX_TOPICS} topics.", field="topics")
    if any(topic.organization_id != organization.pk for topic in topics):
        raise DomainError("Choose topics from your organization's list.", field="topics")
    return list(topics)


def _since(hours: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


@transaction.atomic
def question_ask(
    *,
    author: User,
    organization: Organization,
    program: Program | None,
    title: str,
    body: str,
    topics: Sequence[Topic],
    is_anonymous: bool = False,
) -> Question:
    """Ask a question on a program's board, or on the organization's board."""
    if program is not None and program.organization_id != organization.pk:
        raise DomainError("This program belongs to another organization.")
    if not user_may_see_board(user=author, organization=organization, program=program):
        raise DomainError("Only people in this program can ask on its board.")
    if program is not None and program.status != Program.Status.ACTIVE:
        raise DomainError("This program is closed; its board no longer takes questions.")
    title = _check_text(title, field="title", least=TITLE_MIN, most=TITLE_MAX, what="title")
    body = _check_text(body, field="body", least=BODY_MIN, most=BODY_MAX, what="question")
    chosen = _check_topics(topics, organization)
    recent = Question.objects.filter(author=author, created_at__gte=_since(24)).count()
    if recent >= QUESTIONS_PER_DAY:
        raise DomainError(
            f"You have asked {recent} questions today, the most a day. Ask again tomorrow."
        )
    question = Question.objects.create(
        organization=organization,
        program=program,
        author=author,
        title=title,
        body=body,
        is_anonymous=is_anonymous,
        last_activity_at=timezone.now(),
    )
    question.topics.set(chosen)
    return question


def _check_open(question: Question) -> None:
    if question.state == Question.State.HIDDEN:
        raise DomainError("This question is hidden by the moderators.")
    if question.state == Question.State.LOCKED:
        raise DomainError("This question is locked: it takes no new answers.")


@transaction.atomic
def answer_post(*, question: Question, author: User, body: str) -> Answer:
    """Answer a question; the asker hears of new answers, collapsed into one notification."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=question.pk)
    )
    _check_open(question)
    if question.program is not None and question.program.status != Program.Status.ACTIVE:
        raise DomainError("This program is closed; its board takes no new answers.")
    if not user_may_see_board(
        user=author, organization=question.organization, program=question.program
    ):
        raise DomainError("Only people in this program can answer on its board.")
    body = _check_text(body, field="body", least=ANSWER_MIN, most=ANSWER_MAX, what="answer")
    recent = Answer.objects.filter(author=author, created_at__gte=_since(24)).count()
    if recent >= ANSWERS_PER_DAY:
        raise DomainError(f"You have written {recent} answers today, the most a day.")
    answer = Answer.objects.create(question=question, author=author, body=body)
    question.last_activity_at = answer.created_at
    question.save(update_fields=["last_activity_at", "updated_at"])
    if author.pk != question.author_id:
        _tell_asker(question)
    return answer


def _tell_asker(question: Question) -> None:
    """Tell the asker of new answers: one unread notification per question, kept current."""
    url = question_url(question)
    unread = (
        Notification.objects.select_for_update()
        .filter(user_id=question.author_id, kind=ANSWERS_KIND, url=url, read_at__isnull=True)
        .first()
    )
    if unread is None:
        notify(
            user=question.author,
            kind=ANSWERS_KIND,
            title=f"A new answer to your question “{question.title[:80]}”",
            url=url,
        )
        return
    since = unread.created_at
    count = (
        1
        + Answer.objects.filter(question=question, created_at__gt=since, is_hidden=False)
        .exclude(author_id=question.author_id)
        .count()
    )
    unread.title = f"{count} new answers to your question “{question.title[:80]}”"
    unread.save(update_fields=["title"])


@transaction.atomic
def answer_mark_helpful(*, answer: Answer, by: User, helpful: bool = True) -> Answer:
    """Mark (or unmark) an answer as helpful; only the asker may, on others' answers."""
    question = answer.question
    if question.author_id != by.pk:
        raise DomainError("Only the person who asked can mark answers helpful.")
    if answer.author_id == by.pk:
        raise DomainError("Your own answer cannot be marked helpful.")
    if answer.is_hidden or question.state == Question.State.HIDDEN:
        raise DomainError("This answer is hidden by the moderators.")
    if helpful:
        try:
            with transaction.atomic():
                HelpfulMark.objects.create(answer=answer, marked_by=by)
        except IntegrityError:
            return answer
        notify(
            user=answer.author,
            kind="board_helpful",
            title=f"The asker found your answer helpful: “{question.title[:80]}”",
            url=question_url(question),
            dedupe_key=f"board-helpful-{answer.pk}",
        )
    else:
        HelpfulMark.objects.filter(answer=answer, marked_by=by).delete()
    return answer


def _is_popular(question: Question) -> bool:
    counts = Answer.objects.filter(question=question, is_hidden=False).aggregate(
        answers=Count("pk", distinct=True), helpful=Count("helpful_marks")
    )
    return counts["answers"] >= 2 or counts["helpful"] >= 1


@transaction.atomic
def question_bring_back(*, question: Question, by: User) -> Question:
    """Bring a popular, quiet question back to the top of the board."""
    question = Question.objects.select_for_update().select_related("author").get(pk=question.pk)
    moderator = user_moderates_board(
        user=by, organization=question.organization, program=question.program
    )
    if question.author_id != by.pk and not moderator:
        raise DomainError("Only the person who asked, or a moderator, can bring it back.")
    _check_open(question)
    now = timezone.now()
    if not question_is_quiet(question):
        raise DomainError("This question is still recent; it can come back after two quiet weeks.")
    if question.brought_back_at and question.brought_back_at > now - BRING_BACK_EVERY:
        raise DomainError("This question came back less than a month ago.")
    if not _is_popular(question):
        raise DomainError("Only questions with two answers, or one found helpful, come back.")
    today = Question.objects.filter(author=by, brought_back_at__gte=_since(24)).count()
    if not moderator and today >= BRING_BACKS_PER_DAY:
        raise DomainError("You brought a question back today already; try again tomorrow.")
    question.brought_back_at = now
    question.last_activity_at = now
    question.save(update_fields=["brought_back_at", "last_activity_at", "updated_at"])
    return question


@transaction.atomic
def organization_board_set(
    *, organization: Organization, by: User, is_open: bool
) -> OrganizationBoard:
    """Open or close the organization-wide board to all the organization's members."""
    if not user_moderates_board(user=by, organization=organization, program=None):
        raise DomainError("Only the organization's admins can open or close its board.")
    board, _ = OrganizationBoard.objects.get_or_create(organization=organization)
    board.is_open = is_open
    board.changed_by = by
    board.save(update_fields=["is_open", "changed_by", "updated_at"])
    return board
