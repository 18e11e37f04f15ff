"""Asking a question on a program's board."""

import pytest
from django.urls import reverse

from tandem.board.models import Question
from tandem.board.services.posts import QUESTIONS_PER_DAY
from tandem.board.tests.conftest import BODY, ask
from tandem.testing.fixtures import World, client_for


def _post(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "How do I prepare a talk?",
        "body": BODY,
        "topics": [world.topic("Public speaking").pk],
    }
    data.update(changes)
    return data


def test_mentee_asks_and_lands_on_her_question(board: World) -> None:
    url = reverse("board:ask_program", args=[board.program.pk])
    response = client_for(board.mentee).post(url, _post(board, is_anonymous="on"))
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("board:question", args=[question.pk])
    assert question.author == board.mentee
    assert question.is_anonymous
    assert question.program == board.program
    assert [t.name for t in question.topics.all()] == ["Public speaking"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "Help?"}, "title", "Write at least 10 characters for the title."),
        ({"title": "x" * 161}, "title", "at most 160 characters"),
        ({"body": "   short   "}, "body", "Write at least 20 characters for the question."),
        ({"body": "x" * 5001}, "body", "at most 5000 characters"),
        ({"topics": []}, "topics", "Choose at least one topic"),
        ({"topics": ["nope"]}, "topics", "Choose topics from the list."),
        ({"topics": ["999999"]}, "topics", "Choose topics from the list."),
    ],
)
def test_bad_input_gets_a_specific_error(
    board: World, changes: dict[str, object], field: str, message: str
) -> None:
    url = reverse("board:ask_program", args=[board.program.pk])
    response = client_for(board.mentee).post(url, _post(board, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert not Question.objects.exists()


def test_topics_of_another_organization_and_too_many_are_refused(board: World) -> None:
    url = reverse("board:ask_program", args=[board.program.pk])
    foreign = board.other_org.topics.first()
    assert foreign is not None
    response = client_for(board.mentee).post(url, _post(board, topics=[foreign.pk]))
    assert "Choose topics from the list." in response.context["form"].errors["topics"][0]
    four = list(board.org.topics.values_list("pk", flat=True)[:4])
    response = client_for(board.mentee).post(url, _post(board, topics=four))
    assert response.context["form"].errors["topics"] == ["Choose at most 3 topics."]
    assert not Question.objects.exists()


def test_a_person_asks_at_most_five_questions_a_day(board: World) -> None:
    for n in range(QUESTIONS_PER_DAY):
        ask(board, title=f"Question number {n} here")
    url = reverse("board:ask_program", args=[board.program.pk])
    response = client_for(board.mentee).post(url, _post(board))
    assert response.status_code == 200
    assert "Ask again tomorrow" in response.context["form"].non_field_errors()[0]
    assert Question.objects.count() == QUESTIONS_PER_DAY


def test_people_outside_the_program_cannot_ask(board: World) -> None:
    url = reverse("board:ask_program", args=[board.program.pk])
    for person in (board.member, board.outsider):
        assert client_for(person).post(url, _post(board)).status_code == 404
        assert client_for(person).get(url).status_code == 404
    assert not Question.objects.exists()


def test_closed_program_takes_no_questions(board: World) -> None:
    board.program.status = "archived"
    board.program.save()
    url = reverse("board:ask_program", args=[board.program.pk])
    response = client_for(board.mentee).post(url, _post(board))
    assert "no longer takes questions" in response.context["form"].non_field_errors()[0]
