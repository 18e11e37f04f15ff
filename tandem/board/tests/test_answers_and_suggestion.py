"""Answers, helpful marks, and the way from a helpful answer to a mentoring request."""

import pytest
from django.urls import reverse

from tandem.accounts.models import Membership
from tandem.board import selectors, services
from tandem.board.models import Answer, HelpfulMark
from tandem.board.tests.conftest import answer, ask
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import MentorshipRequest
from tandem.relationships.tests.conftest import MESSAGE, accepted
from tandem.testing.fixtures import World, client_for


def test_anyone_in_the_program_answers_and_bad_input_is_refused(board: World) -> None:
    question = ask(board)
    url = reverse("board:question", args=[question.pk])
    response = client_for(board.mentor).post(url, {"body": "Rehearse twice, out loud."})
    assert response.status_code == 302
    assert Answer.objects.get().author == board.mentor
    for body, message in [
        ("", "This field is required."),
        ("   ok   ", "Write at least 10 characters for the answer."),
        ("x" * 5001, "at most 5000 characters"),
    ]:
        response = client_for(board.other_mentor).post(url, {"body": body})
        assert response.status_code == 200
        assert any(message in e for e in response.context["form"].errors["body"])
    assert Answer.objects.count() == 1
    assert client_for(board.member).post(url, {"body": "I am not in it."}).status_code == 404
    assert Answer.objects.count() == 1


def test_the_asker_hears_of_answers_in_one_collapsed_notification(board: World) -> None:
    question = ask(board)
    answer(question, board.mentor)
    answer(question, board.other_mentor)
    answer(question, board.mentee, body="Thank you both, that helps.")
    notes = Notification.objects.filter(user=board.mentee, kind="board_answers")
    assert notes.count() == 1
    assert notes.get().title.startswith("2 new answers to your question")
    notes.update(read_at=notes.get().created_at)
    answer(question, board.admin)
    assert notes.count() == 2


def test_locked_and_hidden_questions_take_no_answers(board: World) -> None:
    question = ask(board)
    services.question_moderate(
        question=question, by=board.admin, action="lock", reason="Answered well already."
    )
    with pytest.raises(DomainError, match="locked"):
        answer(question, board.mentor)
    page = client_for(board.mentor).get(reverse("board:question", args=[question.pk]))
    assert "Post your answer" not in page.content.decode()


def test_only_the_asker_marks_answers_helpful(board: World) -> None:
    question = ask(board)
    reply = answer(question, board.mentor)
    url = reverse("board:helpful", args=[reply.pk])
    client_for(board.other_mentor).post(url)
    assert not HelpfulMark.objects.exists()
    assert client_for(board.outsider).post(url).status_code == 404
    client_for(board.mentee).post(url)
    assert HelpfulMark.objects.get().marked_by == board.mentee
    client_for(board.mentee).post(url)
    assert HelpfulMark.objects.count() == 1
    own = answer(question, board.mentee, body="Adding detail to my question.")
    with pytest.raises(DomainError, match="own answer"):
        services.answer_mark_helpful(answer=own, by=board.mentee)
    client_for(board.mentee).post(url, {"helpful": "no"})
    assert not HelpfulMark.objects.exists()
    assert Notification.objects.filter(user=board.mentor, kind="board_helpful").count() == 1


def test_one_helpful_answer_suggests_its_mentor(board: World) -> None:
    question = ask(board)
    helpful = answer(question, board.mentor)
    answer(question, board.other_mentor)
    assert selectors.mentoring_suggestions(question=question, viewer=board.mentee) == []
    services.answer_mark_helpful(answer=helpful, by=board.mentee)
    [suggestion] = selectors.mentoring_suggestions(question=question, viewer=board.mentee)
    assert suggestion.mentor == board.mentor_enrollment
    # Nobody else is offered it: not the mentor, not another reader.
    assert selectors.mentoring_suggestions(question=question, viewer=board.mentor) == []
    page = client_for(board.mentee).get(reverse("board:question", args=[question.pk]))
    assert "Ask Mo for mentoring" in page.content.decode()


def _suggested(world: World) -> bool:
    question = ask(world, title="What did your first year teach you?")
    services.answer_mark_helpful(answer=answer(question, world.mentor), by=world.mentee)
    return bool(selectors.mentoring_suggestions(question=question, viewer=world.mentee))


def test_no_suggestion_where_rounds_do_the_matching(board: World) -> None:
    Program.objects.filter(pk=board.program.pk).update(matching_mode=Program.MatchingMode.ROUNDS)
    assert not _suggested(board)


def test_no_suggestion_for_a_mentor_in_the_askers_reporting_line(board: World) -> None:
    mia = Membership.objects.get(user=board.mentee, organization=board.org)
    mia.manager = Membership.objects.get(user=board.mentor, organization=board.org)
    mia.save()
    assert not _suggested(board)


def test_no_suggestion_for_a_full_mentor(board: World) -> None:
    Enrollment.objects.filter(pk=board.mentor_enrollment.pk).update(accepting_now=False)
    assert not _suggested(board)


def test_no_suggestion_once_a_request_waits_or_she_has_her_mentor(board: World) -> None:
    accepted(board)
    assert not _suggested(board)


def test_no_suggestion_before_her_profile_is_finished(board: World) -> None:
    Enrollment.objects.filter(pk=board.mentee_enrollment.pk).update(profile_completed_at=None)
    assert not _suggested(board)


def test_the_suggestion_opens_a_request_with_the_thread_and_records_its_origin(
    board: World,
) -> None:
    question = ask(board, anonymous=True)
    helpful = answer(question, board.mentor, body="Rehearse twice, out loud, with a timer.")
    services.answer_mark_helpful(answer=helpful, by=board.mentee)
    url = reverse("relationships:request_new", args=[board.program.pk, board.mentor_enrollment.pk])
    form_page = client_for(board.mentee).get(f"{url}?question={question.pk}")
    content = form_page.content.decode()
    assert "You asked it anonymously; sending this request tells" in content
    assert "nothing is revealed unless you send" in content
    assert form_page.context["form"].initial["focus"] == board.topic("Public speaking").pk
    initial = form_page.context["form"].initial["message"]
    assert question.title in initial and "Rehearse twice" in initial
    assert reverse("board:question", args=[question.pk]) in initial
    sent = client_for(board.mentee).post(
        f"{url}?question={question.pk}",
        {"focus": board.topic("Public speaking").pk, "message": initial + MESSAGE},
    )
    assert sent.status_code == 302
    request = MentorshipRequest.objects.get()
    assert request.origin_question == question
    mentor_page = client_for(board.mentor).get(reverse("relationships:request", args=[request.pk]))
    text = mentor_page.content.decode()
    assert "This request comes from your answer on the board" in text
    assert question.title in text


def test_a_question_that_is_not_hers_is_no_origin(board: World) -> None:
    question = services.question_ask(
        author=board.other_mentor,
        organization=board.org,
        program=board.program,
        title="Someone else's question",
        body="A question by somebody else entirely, about speaking.",
        topics=[board.topic("Public speaking")],
    )
    answer(question, board.mentor)
    url = reverse("relationships:request_new", args=[board.program.pk, board.mentor_enrollment.pk])
    assert client_for(board.mentee).get(f"{url}?question={question.pk}").status_code == 404
    assert client_for(board.mentee).get(f"{url}?question=abc").status_code == 200


def test_a_person_writes_at_most_thirty_answers_a_day(board: World) -> None:
    from tandem.board.services.posts import ANSWERS_PER_DAY

    question = ask(board)
    for n in range(ANSWERS_PER_DAY):
        Answer.objects.create(question=question, author=board.mentor, body=f"Answer {n} here.")
    response = client_for(board.mentor).post(
        reverse("board:question", args=[question.pk]), {"body": "One answer too many today."}
    )
    assert "the most a day" in response.context["form"].non_field_errors()[0]
    assert Answer.objects.count() == ANSWERS_PER_DAY


def test_a_closed_programs_board_takes_no_answers(board: World) -> None:
    question = ask(board)
    Program.objects.filter(pk=board.program.pk).update(status=Program.Status.ARCHIVED)
    with pytest.raises(DomainError, match="closed"):
        answer(question, board.mentor)
