"""The board in Chromium: a question answered by two mentors becomes a mentoring request."""

from typing import Any

import pytest

from tandem.board.models import Answer, HelpfulMark, Question, Report
from tandem.relationships.models import MentorshipRequest
from tandem.relationships.tests.conftest import MESSAGE
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_question_becomes_a_mentoring_request(
    board: World, new_page: Any, axe: AxeChecker
) -> None:
    mia, mo, omar, ada = new_page(), new_page(), new_page(), new_page()
    for page, person in (
        (mia, board.mentee),
        (mo, board.mentor),
        (omar, board.other_mentor),
        (ada, board.admin),
    ):
        sign_in(page, person.email, PASSWORD)

    # Mia asks, anonymously, after one mistake the form explains.
    mia.goto(f"/programs/{board.program.pk}/")
    mia.get_by_role("link", name="Open the board").click()
    mia.get_by_role("heading", name="Ask the mentors").wait_for()
    axe.check(mia, "b01-board-empty")
    mia.get_by_role("link", name="Ask a question").click()
    mia.get_by_label("Your question, in one line").fill("Help?")
    mia.get_by_role("button", name="Post your question").click()
    mia.locator("#id_body_error").wait_for()
    axe.check(mia, "b02-ask-errors")
    mia.get_by_label("Your question, in one line").fill("How did you prepare your first big talk?")
    mia.get_by_label("More detail").fill(
        "I present to the board in spring and freeze when questions come. What helped you?"
    )
    mia.get_by_label("Public speaking").check()
    mia.get_by_label("Ask anonymously").check()
    mia.get_by_role("button", name="Post your question").click()
    mia.get_by_text("Your question is on the board").wait_for()
    axe.check(mia, "b03-question-asked")
    question = Question.objects.get()
    assert question.is_anonymous

    # Two mentors answer; neither sees who asked.
    for page, text, shot in (
        (
            mo,
            "Rehearse twice, out loud, once with a friend who interrupts you.",
            "b04-mentor-answers",
        ),
        (
            omar,
            "Write down the three questions you fear most and answer them.",
            "b05-second-answer",
        ),
    ):
        page.goto(f"/board/programs/{board.program.pk}/")
        page.get_by_role("link", name="How did you prepare your first big talk?").click()
        assert "Mia" not in page.locator("main").inner_text()
        page.get_by_label("Your answer").fill(text)
        page.get_by_role("button", name="Post your answer").click()
        page.get_by_text("Thank you for answering").wait_for()
        axe.check(page, shot)
    assert Answer.objects.count() == 2

    # Mia marks Mo's answer helpful and is offered to ask him for mentoring.
    mia.goto(f"/board/questions/{question.pk}/")
    mo_answer = mia.locator(f"#answer-{Answer.objects.get(author=board.mentor).pk}")
    mo_answer.get_by_role("button", name="This helped me").click()
    mia.get_by_text("Marked as helpful").wait_for()
    axe.check(mia, "b06-suggestion")
    assert HelpfulMark.objects.get().answer.author == board.mentor
    mia.get_by_role("link", name="Ask Mo for mentoring").click()
    mia.get_by_text("You asked it anonymously").wait_for()
    axe.check(mia, "b07-request-from-board")
    message = mia.get_by_label("Your message")
    assert "How did you prepare your first big talk?" in message.input_value()
    message.fill(message.input_value() + MESSAGE)
    mia.get_by_role("button", name="Send request").click()
    mia.get_by_text("Your request is on its way").wait_for()
    request = MentorshipRequest.objects.get()
    assert (request.mentor.user, request.origin_question) == (board.mentor, question)

    # Mo sees where the request came from.
    mo.goto(f"/relationships/requests/{request.pk}/")
    mo.get_by_text("This request comes from your answer on the board").wait_for()
    axe.check(mo, "b08-mentor-sees-origin")

    # Omar reports nothing; Ada sees the queue, moderates and the board shows her note.
    omar.goto(f"/board/questions/{question.pk}/")
    omar.get_by_role("link", name="Report this question").click()
    axe.check(omar, "b09-report")
    omar.get_by_label("Off topic or advertising").check()
    omar.get_by_role("button", name="Send to the moderators").click()
    omar.get_by_text("The moderators will look at it").wait_for()
    assert Report.objects.count() == 1
    ada.goto(f"/board/programs/{board.program.pk}/reports/")
    axe.check(ada, "b10-queue")
    ada.get_by_role("link", name="Act on it").click()
    ada.get_by_role("heading", name="Moderate this question").wait_for()
    axe.check(ada, "b11-moderate")
    ada.get_by_label("Lock: keep it visible, take no new answers").check()
    ada.get_by_label("Reason").first.fill("Well answered already; thank you all.")
    ada.get_by_role("button", name="Apply").click()
    ada.get_by_text("The author is told").wait_for()
    axe.check(ada, "b12-moderator-view")
    assert Question.objects.get().state == "locked"
    ada.goto(f"/board/programs/{board.program.pk}/?q=talk&sort=helpful")
    axe.check(ada, "b13-search")
    mia.goto("/board/mine/")
    axe.check(mia, "b14-your-questions")
    ada.goto(f"/board/answers/{Answer.objects.get(author=board.other_mentor).pk}/moderate/")
    axe.check(ada, "b15-moderate-answer")
    ada.goto(f"/board/organizations/{board.org.pk}/settings/")
    ada.get_by_label("Open a board to every member of the organization").check()
    ada.get_by_role("button", name="Save").click()
    ada.get_by_text("open to every member").wait_for()
    axe.check(ada, "b16-organization-settings")
    mia.goto(f"/board/organizations/{board.org.pk}/")
    mia.get_by_role("heading", name=f"Ask the mentors: everyone at {board.org.name}").wait_for()
    axe.check(mia, "b17-organization-board")
    assert axe.problems == [], axe.problems
