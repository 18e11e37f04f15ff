"""Finding questions: search, topics, order, pages, and the cost of the list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.board import services
from tandem.board.models import Question
from tandem.board.tests.conftest import answer, ask
from tandem.testing.fixtures import World, client_for


def _titles(world: World, query: str = "") -> list[str]:
    url = reverse("board:program", args=[world.program.pk])
    page = client_for(world.mentor).get(f"{url}?{query}")
    assert page.status_code == 200
    return [q.title for q in page.context["page"].object_list]


def test_search_finds_words_in_questions_and_answers(board: World) -> None:
    budget = ask(board, title="Presenting the budget to the council")
    ask(board, title="Finding my feet in the first year")
    answer(budget, board.mentor, body="Practice with a colleague playing the mayor.")
    assert _titles(board, "q=budget") == ["Presenting the budget to the council"]
    assert _titles(board, "q=mayor") == ["Presenting the budget to the council"]
    assert _titles(board, "q=nothing-like-this") == []


def test_search_leaves_out_hidden_posts_and_never_matches_a_hidden_name(board: World) -> None:
    question = ask(board, anonymous=True, title="Presenting the budget to the council")
    reply = answer(question, board.mentor, body="The zeppelin trick works every time.")
    services.answer_moderate(answer=reply, by=board.admin, hide=True, reason="Off topic here.")
    assert _titles(board, "q=zeppelin") == []
    assert _titles(board, "q=Santos") == []
    services.question_moderate(
        question=question, by=board.admin, action="hide", reason="Names a colleague."
    )
    assert _titles(board, "q=budget") == []


def test_topic_filter_and_orders(board: World) -> None:
    old = ask(board, title="An old question with answers")
    Question.objects.filter(pk=old.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=3)
    )
    helpful = answer(old, board.mentor)
    services.answer_mark_helpful(answer=helpful, by=board.mentee)
    Question.objects.filter(pk=old.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=3)
    )
    fresh = ask(board, title="A fresh question nobody answered")
    other_topic = board.org.topics.exclude(name="Public speaking").first()
    assert other_topic is not None
    fresh.topics.set([other_topic])
    assert _titles(board) == [fresh.title, old.title]
    assert _titles(board, "sort=helpful") == [old.title, fresh.title]
    assert _titles(board, "sort=unanswered") == [fresh.title]
    assert _titles(board, f"topic={other_topic.pk}") == [fresh.title]
    # Nonsense in the address is ignored, never a 500.
    assert _titles(board, "sort=drop&topic=x&page=9999999999999") == [fresh.title, old.title]


def test_list_pages_and_costs_the_same_for_three_or_thirty_questions(board: World) -> None:
    url = reverse("board:program", args=[board.program.pk])
    client = client_for(board.mentor)
    client.get(url)  # warm the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for n in range(3):
        answer(ask(board, title=f"Question {n} about speaking"), board.other_mentor)
    few = count()
    for n in range(27):
        Question.objects.create(
            organization=board.org,
            program=board.program,
            author=board.other_mentor,
            title=f"More question {n}",
            body="A body long enough to be a question.",
        ).topics.set([board.topic("Public speaking")])
    assert count() == few
    page = client.get(url).context["page"]
    assert len(page.object_list) == 20 and page.paginator.num_pages == 2
    assert len(client.get(f"{url}?page=2").context["page"].object_list) == 10


@pytest.mark.parametrize("who", ["author", "moderator"])
def test_bring_back_a_popular_quiet_question_once_a_month(board: World, who: str) -> None:
    question = ask(board)
    person = board.mentee if who == "author" else board.admin
    url = reverse("board:bring_back", args=[question.pk])
    client_for(person).post(url)
    assert Question.objects.get().brought_back_at is None  # still recent
    answer(question, board.mentor)
    answer(question, board.other_mentor)
    long_ago = timezone.now() - datetime.timedelta(days=20)
    Question.objects.filter(pk=question.pk).update(last_activity_at=long_ago)
    client_for(board.mentor).post(url)
    assert Question.objects.get().brought_back_at is None  # not the asker's to bump
    client_for(person).post(url)
    question.refresh_from_db()
    assert question.brought_back_at is not None
    assert question.last_activity_at > long_ago
    Question.objects.filter(pk=question.pk).update(last_activity_at=long_ago)
    response = client_for(person).post(url, follow=True)
    assert "less than a month ago" in response.content.decode()


def test_an_asker_brings_back_one_question_a_day(board: World) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=20)
    questions = [ask(board, title=f"Quiet question number {n}") for n in range(2)]
    for question in questions:
        answer(question, board.mentor)
        answer(question, board.other_mentor)
    Question.objects.update(last_activity_at=long_ago)
    services.question_bring_back(question=questions[0], by=board.mentee)
    response = client_for(board.mentee).post(
        reverse("board:bring_back", args=[questions[1].pk]), follow=True
    )
    assert "today already" in response.content.decode()
    assert Question.objects.get(pk=questions[1].pk).brought_back_at is None
