"""Reports from participants, and moderators hiding, locking and editing with a reason."""

import pytest
from django.urls import reverse

from tandem.board import services
from tandem.board.models import ModerationAction, Question, Report
from tandem.board.tests.conftest import answer, ask
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.testing.fixtures import World, client_for


def test_a_participant_reports_a_post_once(board: World) -> None:
    question = ask(board)
    url = reverse("board:report", args=[question.pk])
    client = client_for(board.mentor)
    response = client.post(url, {"reason": "off_topic", "note": "Looks like an advert."})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.answer, report.reason) == (board.mentor, None, "off_topic")
    again = client.post(url, {"reason": "unkind"})
    assert "reported this already" in again.context["form"].non_field_errors()[0]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "reason", "Choose why you are reporting this."),
        ({"reason": "bogus"}, "reason", "Choose one of the reasons listed."),
        ({"reason": "other", "note": "x" * 1001}, "note", "at most 1000 characters"),
    ],
)
def test_bad_reports_get_a_specific_error(
    board: World, data: dict[str, str], field: str, message: str
) -> None:
    question = ask(board)
    response = client_for(board.mentor).post(reverse("board:report", args=[question.pk]), data)
    assert any(message in e for e in response.context["form"].errors[field])
    assert not Report.objects.exists()


def test_reporting_an_answer_of_another_question_is_a_404(board: World) -> None:
    first, second = ask(board), ask(board, title="Another question here")
    reply = answer(second, board.mentor)
    url = reverse("board:report", args=[first.pk]) + f"?answer={reply.pk}"
    assert client_for(board.other_mentor).get(url).status_code == 404
    with pytest.raises(DomainError):
        services.report_file(
            question=board_q(first), answer=reply, reporter=board.other_mentor, reason="other"
        )


def board_q(question: Question) -> Question:
    return Question.objects.get(pk=question.pk)


def test_nobody_reports_their_own_post(board: World) -> None:
    question = ask(board)
    with pytest.raises(DomainError, match="your own post"):
        services.report_file(question=question, answer=None, reporter=board.mentee, reason="other")


def test_the_queue_lists_reported_posts_without_the_reporter(board: World) -> None:
    question = ask(board)
    reply = answer(question, board.mentor, body="Some answer that got reported.")
    services.report_file(
        question=question, answer=reply, reporter=board.other_mentor, reason="unkind", note="Harsh"
    )
    page = client_for(board.admin).get(reverse("board:program_queue", args=[board.program.pk]))
    text = page.content.decode()
    assert question.title in text and "Unkind or disrespectful" in text and "Harsh" in text
    assert board.other_mentor.full_name not in text
    listing = client_for(board.admin).get(reverse("board:program", args=[board.program.pk]))
    assert "Reported posts" in listing.content.decode()


def test_hiding_tells_the_author_kindly_and_closes_the_reports(board: World) -> None:
    question = ask(board)
    reply = answer(question, board.mentor, body="Some answer that got reported.")
    services.report_file(
        question=question, answer=reply, reporter=board.other_mentor, reason="unkind"
    )
    url = reverse("board:answer_moderate", args=[reply.pk])
    response = client_for(board.admin).post(
        url, {"form": "state", "action": "hide", "reason": "It reads as harsh; please rephrase."}
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.is_hidden
    assert Report.objects.get().resolved_at is not None
    told = Notification.objects.get(user=board.mentor, kind="board_moderated")
    assert "please rephrase" in told.body
    assert board.other_mentor.full_name not in told.title + told.body
    assert ModerationAction.objects.get().action == "hide"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"form": "state", "reason": "A good reason here."}, "action", "Choose what to do."),
        (
            {"form": "state", "action": "explode", "reason": "A good reason."},
            "action",
            "Choose one of the actions listed.",
        ),
        ({"form": "state", "action": "lock", "reason": "meh"}, "reason", "at least 10 characters"),
        (
            {"form": "edit", "title": "Short", "body": "x" * 30, "reason": "Tidy the title."},
            "title",
            "at least 10 characters",
        ),
        (
            {"form": "edit", "title": "A long enough title", "body": "tiny", "reason": "Tidy it."},
            "body",
            "at least 20 characters",
        ),
        (
            {"form": "edit", "title": "A long enough title", "body": "x" * 30, "reason": ""},
            "reason",
            "This field is required.",
        ),
    ],
)
def test_bad_moderation_input_gets_a_specific_error(
    board: World, data: dict[str, str], field: str, message: str
) -> None:
    question = ask(board)
    response = client_for(board.admin).post(reverse("board:moderate", args=[question.pk]), data)
    assert response.status_code == 200
    form = response.context["state_form" if data["form"] == "state" else "edit_form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert not ModerationAction.objects.exists()


def test_lock_unlock_hide_unhide_follow_the_states(board: World) -> None:
    question = ask(board)
    reason = "Keeping the board tidy."
    services.question_moderate(question=question, by=board.admin, action="lock", reason=reason)
    assert board_q(question).state == "locked"
    with pytest.raises(DomainError):
        services.question_moderate(question=question, by=board.admin, action="lock", reason=reason)
    services.question_moderate(question=question, by=board.admin, action="hide", reason=reason)
    assert board_q(question).state == "hidden"
    # Locked before it was hidden, it comes back locked.
    services.question_moderate(question=question, by=board.admin, action="unhide", reason=reason)
    assert board_q(question).state == "locked"
    services.question_moderate(question=question, by=board.admin, action="unlock", reason=reason)
    services.question_moderate(question=question, by=board.admin, action="hide", reason=reason)
    services.question_moderate(question=question, by=board.admin, action="unhide", reason=reason)
    assert board_q(question).state == "open"
    with pytest.raises(DomainError, match="moderators"):
        services.question_moderate(question=question, by=board.mentor, action="hide", reason=reason)
    assert Notification.objects.filter(user=board.mentee, kind="board_moderated").count() == 6


def test_an_edit_keeps_the_text_before_for_moderators_and_history(board: World) -> None:
    question = ask(board, title="How do I prepare a talk, Jo Bloggs?")
    response = client_for(board.admin).post(
        reverse("board:moderate", args=[question.pk]),
        {
            "form": "edit",
            "title": "How do I prepare a talk?",
            "body": question.body,
            "reason": "I took a colleague's name out of the title.",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.title == "How do I prepare a talk?" and question.edited_at is not None
    done = ModerationAction.objects.get()
    assert "Jo Bloggs" in done.before_text and "Jo Bloggs" not in done.after_text
    assert question.history.count() == 2
    participant = client_for(board.mentor).get(reverse("board:question", args=[question.pk]))
    assert "Jo Bloggs" not in participant.content.decode()
    assert "edited by a moderator" in participant.content.decode()
    moderator = client_for(board.admin).get(reverse("board:question", args=[question.pk]))
    assert "Jo Bloggs" in moderator.content.decode()


def test_a_person_sends_at_most_ten_reports_a_day(board: World) -> None:
    from tandem.board.services.moderation import REPORTS_PER_DAY

    question = ask(board)
    replies = [
        answer(question, board.other_mentor, body=f"Answer number {n} to report.")
        for n in range(REPORTS_PER_DAY + 1)
    ]
    for reply in replies[:REPORTS_PER_DAY]:
        services.report_file(question=question, answer=reply, reporter=board.mentor, reason="other")
    with pytest.raises(DomainError, match="many reports today"):
        services.report_file(
            question=question, answer=replies[-1], reporter=board.mentor, reason="other"
        )
    assert Report.objects.count() == REPORTS_PER_DAY


def test_the_queue_costs_the_same_for_one_or_many_reported_posts(board: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("board:program_queue", args=[board.program.pk])
    client = client_for(board.admin)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = ask(board, title="First reported question")
    services.report_file(question=first, answer=None, reporter=board.mentor, reason="other")
    one = count()
    for n in range(4):
        question = ask(board, title=f"Reported question number {n}")
        reply = answer(question, board.other_mentor)
        services.report_file(question=question, answer=None, reporter=board.mentor, reason="other")
        services.report_file(
            question=question, answer=reply, reporter=board.mentor, reason="unkind"
        )
    assert count() == one
