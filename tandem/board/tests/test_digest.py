"""Mentors hear of new questions in their topics as one digest a day, never a flood."""

import datetime

from django.utils import timezone

from tandem.board import services
from tandem.board.models import Question
from tandem.board.tests.conftest import ask
from tandem.notifications.models import Notification
from tandem.testing.fixtures import World


def _digests(world: World) -> list[Notification]:
    return list(Notification.objects.filter(kind="board_digest").order_by("user__email"))


def test_mentors_offering_the_topic_get_one_digest_for_many_questions(board: World) -> None:
    for n in range(3):
        ask(board, title=f"Speaking question number {n}")
    assert services.board_digests_send() == 2
    digests = _digests(board)
    assert {d.user for d in digests} == {board.mentor, board.other_mentor}
    assert all(d.title == "3 new questions on the board in your topics" for d in digests)
    assert "Speaking question number 2" in digests[0].body
    # The asker, who wants the topic but does not offer it, hears nothing.
    assert not Notification.objects.filter(user=board.mentee, kind="board_digest").exists()


def test_running_twice_sends_nothing_new_and_the_next_day_only_what_is_new(board: World) -> None:
    ask(board)
    services.board_digests_send()
    assert services.board_digests_send() == 0
    ask(board, title="A second question later that day")
    assert services.board_digests_send() == 0  # at most one a day
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert services.board_digests_send(now=tomorrow) == 2
    latest = Notification.objects.filter(user=board.mentor, kind="board_digest").latest("pk")
    assert latest.title == "A new question on the board in your topics"
    assert "A second question later that day" in latest.body


def test_hidden_and_other_topics_questions_are_not_news(board: World) -> None:
    question = ask(board)
    other = board.org.topics.exclude(name="Public speaking").first()
    assert other is not None
    question.topics.set([other])
    hidden = ask(board, title="This one will be hidden soon")
    Question.objects.filter(pk=hidden.pk).update(state=Question.State.HIDDEN)
    assert services.board_digests_send() == 0
