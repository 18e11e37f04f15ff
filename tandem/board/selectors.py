"""Reads that shape the board's pages: lists, search, bylines and the mentoring suggestion."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import Organization, User
from tandem.board.models import Answer, HelpfulMark, Question, Report
from tandem.core.errors import NotFound
from tandem.policy.access import (
    questions_moderated_by,
    questions_visible_to,
    user_may_see_board,
    user_moderates_board,
)
from tandem.programs.models import Enrollment, Program
from tandem.relationships.services import request_refusal

PAGE_SIZE = 20
# A question may come back after this long without activity (services.question_bring_back).
BRING_BACK_QUIET = datetime.timedelta(days=14)
SEARCH_WORDS = 8
SORTS = {
    "recent": "Recent activity",
    "helpful": "Most helpful",
    "unanswered": "Unanswered",
}
ANONYMOUS = "Anonymous participant"


@dataclass(frozen=True)
class Board:
    """One board: a program's, or an organization's (program None), as one person sees it."""

    organization: Organization
    program: Program | None
    is_moderator: bool

    @property
    def name(self) -> str:
        return self.program.name if self.program else f"{self.organization.name} (everyone)"


@dataclass(frozen=True)
class Byline:
    """Who wrote a post, as this viewer may know it."""

    name: str
    # Shown to moderators and the author: the name is hidden from other participants.
    hidden_from_others: bool = False
    is_you: bool = False
    # False when the name stands in for the author ("Anonymous participant", "You"): the
    # author's own name and anything that links to them are not for this viewer's eyes.
    names_author: bool = True


def question_byline(question: Question, *, viewer: User, is_moderator: bool) -> Byline:
    """Name the asker, unless they asked anonymously and the viewer may not know them."""
    mine = question.author_id == viewer.pk
    if not question.is_anonymous:
        return Byline(question.author.display_name, is_you=mine)
    if mine:
        return Byline("You", hidden_from_others=True, is_you=True, names_author=False)
    if is_moderator:
        return Byline(question.author.full_name, hidden_from_others=True)
    return Byline(ANONYMOUS, names_author=False)


def answer_byline(
    answer: Answer, question: Question, *, viewer: User, is_moderator: bool
) -> Byline:
    """Name an answer's author; an anonymous asker answering their own thread stays unnamed."""
    if answer.author_id == question.author_id and question.is_anonymous:
        if answer.author_id == viewer.pk:
            return Byline(
                "You, the asker", hidden_from_others=True, is_you=True, names_author=False
            )
        if is_moderator:
            return Byline(f"{answer.author.full_name} (the asker)", hidden_from_others=True)
        return Byline("The asker", names_author=False)
    return Byline(answer.author.display_name, is_you=answer.author_id == viewer.pk)


def _search(questions: QuerySet[Question], text: str) -> QuerySet[Question]:
    words = text.split()[:SEARCH_WORDS]
    if not words:
        return questions
    answers = Answer.objects.filter(is_hidden=False)
    if connection.vendor == "postgresql":
        # The same expressions as the GIN indexes of migration board 0002.
        query = SearchQuery(" ".join(words), config="english", search_type="websearch")
        matching = answers.annotate(found=SearchVector("body", config="english")).filter(
            found=query
        )
        # Each side asked apart, so that each reads its own index.
        asked = Question.objects.annotate(
            found=SearchVector("title", "body", config="english")
        ).filter(found=query)
        return questions.filter(
            Q(pk__in=asked.values("pk")) | Q(pk__in=matching.values("question_id"))
        )
    for word in words:
        in_answers = answers.filter(body__icontains=word).values("question_id")
        questions = questions.filter(
            Q(title__icontains=word) | Q(body__icontains=word) | Q(pk__in=in_answers)
        )
    return questions


@dataclass(frozen=True)
class Filters:
    q: str = ""
    topic: int | None = None
    sort: str = "recent"
    page: str | int = 1


def board_of(*, user: User, organization: Organization, program: Program | None) -> Board:
    """Return a board as this person sees it; NotFound when they may not see it at all."""
    if not user_may_see_board(user=user, organization=organization, program=program):
        raise NotFound("No such board.")
    moderator = user_moderates_board(user=user, organization=organization, program=program)
    return Board(organization=organization, program=program, is_moderator=moderator)


def board_question_list(*, board: Board, viewer: User, filters: Filters) -> QuerySet[Question]:
    """Return the board's questions this person may read, filtered and sorted, unpaged.

    Each carries answer_count and helpful_count; bylines are the caller's to add.
    """
    questions = questions_visible_to(viewer).filter(organization=board.organization)
    questions = (
        questions.filter(program=board.program)
        if board.program
        else questions.filter(program__isnull=True)
    )
    if filters.topic is not None:
        questions = questions.filter(topics=filters.topic)
    questions = _search(questions, filters.q)
    questions = questions.annotate(
        answer_count=Count("answers", filter=Q(answers__is_hidden=False), distinct=True),
        helpful_count=Count(
            "answers__helpful_marks", filter=Q(answers__is_hidden=False), distinct=True
        ),
    )
    if filters.sort == "unanswered":
        questions = questions.filter(answer_count=0).order_by("-last_activity_at", "-pk")
    elif filters.sort == "helpful":
        questions = questions.order_by(
            "-helpful_count", "-answer_count", "-last_activity_at", "-pk"
        )
    else:
        questions = questions.order_by("-last_activity_at", "-pk")
    return questions.select_related("author").prefetch_related("topics")


def board_questions(*, board: Board, viewer: User, filters: Filters) -> Page[Any]:
    """Return one page of the board's questions this person may read, with bylines."""
    questions = board_question_list(board=board, viewer=viewer, filters=filters)
    page = Paginator(questions, PAGE_SIZE).get_page(filters.page)
    for question in page.object_list:
        question.byline = question_byline(question, viewer=viewer, is_moderator=board.is_moderator)
    return page


def question_is_quiet(question: Question) -> bool:
    """Tell whether an open question has been quiet long enough to be brought back."""
    return (
        question.state == Question.State.OPEN
        and question.last_activity_at <= timezone.now() - BRING_BACK_QUIET
    )


def questions_of(*, user: User) -> list[Question]:
    """Return this person's own questions, with their boards and answer counts."""
    questions = (
        questions_visible_to(user)
        .filter(author=user)
        .annotate(answer_count=Count("answers", filter=Q(answers__is_hidden=False), distinct=True))
        .select_related("program", "organization")
        .order_by("-last_activity_at", "-pk")
    )
    return list(questions[:100])


def question_answers(
    *, question: Question, viewer: User, is_moderator: bool, only: int | None = None
) -> list[Any]:
    """Return the answers this person may read, hidden ones only to moderators and authors.

    With only, just that answer (if this person may read it).
    """
    answers = question.answers.all() if only is None else question.answers.filter(pk=only)
    answers = answers.select_related("author").annotate(
        helpful=Exists(HelpfulMark.objects.filter(answer=OuterRef("pk"))),
        my_report=Exists(Report.objects.filter(answer=OuterRef("pk"), reporter=viewer)),
    )
    if not is_moderator:
        answers = answers.filter(Q(is_hidden=False) | Q(author=viewer))
    # Each answer carries its byline for the page.
    rows: list[Any] = list(answers)
    for answer in rows:
        answer.byline = answer_byline(answer, question, viewer=viewer, is_moderator=is_moderator)
    return rows


@dataclass(frozen=True)
class Suggestion:
    """Ask this mentor for mentoring: the policy allows it, and their answers helped."""

    mentor: Enrollment
    mentee: Enrollment
    helpful_answers: int


def _enrollments_for_suggestion(
    question: Question, mentor_ids: set[int]
) -> list[tuple[Enrollment, Enrollment]]:
    programs = (
        [question.program_id]
        if question.program_id
        else list(
            Program.objects.filter(
                organization=question.organization, status=Program.Status.ACTIVE
            ).values_list("pk", flat=True)
        )
    )
    enrollments = Enrollment.objects.filter(
        program_id__in=programs,
        user_id__in=mentor_ids | {question.author_id},
        status=Enrollment.Status.ACTIVE,
    ).select_related("program", "user")
    mine = {e.program_id: e for e in enrollments if e.user_id == question.author_id and e.is_mentee}
    pairs = []
    for enrollment in enrollments:
        if enrollment.user_id in mentor_ids and enrollment.gives:
            mentee = mine.get(enrollment.program_id)
            if mentee is not None:
                pairs.append((mentee, enrollment))
    return pairs


def mentoring_suggestions(*, question: Question, viewer: User) -> list[Suggestion]:
    """Return the mentors the asker found helpful and may ask for mentoring now.

    One answer marked helpful is enough to suggest its author. Whether the asker may ask is
    the request path's own rule (eligibility policy, matching mode, requests waiting):
    a mentor it would refuse is never suggested.
    """
    if question.author_id != viewer.pk or question.state == Question.State.HIDDEN:
        return []
    counts: dict[int, int] = {}
    for author_id in HelpfulMark.objects.filter(
        answer__question=question, answer__is_hidden=False, marked_by=viewer
    ).values_list("answer__author_id", flat=True):
        counts[author_id] = counts.get(author_id, 0) + 1
    counts.pop(viewer.pk, None)
    if not counts:
        return []
    suggestions: dict[int, Suggestion] = {}
    for mentee, mentor in _enrollments_for_suggestion(question, set(counts)):
        if mentor.user_id in suggestions:
            continue
        if request_refusal(mentee=mentee, mentor=mentor) is None:
            suggestions[mentor.user_id] = Suggestion(mentor, mentee, counts[mentor.user_id])
    return list(suggestions.values())


def moderation_queue(*, board: Board, viewer: User) -> list[Any]:
    """Return the board's questions with open reports on them or their answers, most first."""
    open_reports = Report.objects.filter(resolved_at__isnull=True)
    questions = questions_moderated_by(viewer).filter(organization=board.organization)
    questions = (
        questions.filter(program=board.program)
        if board.program
        else questions.filter(program__isnull=True)
    )
    questions = (
        questions.filter(Exists(open_reports.filter(question=OuterRef("pk"))))
        .annotate(
            open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)),
        )
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=open_reports.select_related("answer").order_by("created_at"),
                to_attr="open_report_list",
            )
        )
        .order_by("-open_reports", "-last_activity_at")
    )
    rows: list[Any] = list(questions[:100])
    for question in rows:
        question.byline = question_byline(question, viewer=viewer, is_moderator=True)
    return rows
