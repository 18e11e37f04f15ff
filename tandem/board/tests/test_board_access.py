"""Who may see the board and each kind of object on it: missing and forbidden look alike."""

import pytest
from django.urls import reverse

from tandem.accounts.models import Membership, User
from tandem.board import services
from tandem.board.models import OrganizationBoard, Question, Report
from tandem.board.tests.conftest import BODY, answer, ask, elsewhere
from tandem.core.errors import NotFound
from tandem.policy.access import (
    answer_get_for_user,
    question_get_for_moderator,
    question_get_for_user,
    report_get_for_moderator,
)
from tandem.testing.fixtures import World, client_for


def _people(world: World) -> dict[str, User]:
    return {
        "mentee": world.mentee,
        "mentor": world.mentor,
        "other_mentor": world.other_mentor,
        "program_admin": world.admin,
        "member_not_joined": world.member,
        "other_program": elsewhere(world),
        "other_org": world.outsider,
    }


READERS = {"mentee", "mentor", "other_mentor", "program_admin"}


def test_every_object_kind_is_for_the_board_audience_only(board: World) -> None:
    question = ask(board)
    reply = answer(question, board.mentor)
    report = services.report_file(
        question=question, answer=reply, reporter=board.other_mentor, reason="unkind"
    )
    for name, person in _people(board).items():
        if name in READERS:
            assert question_get_for_user(user=person, question_id=question.pk) == question
            assert answer_get_for_user(user=person, answer_id=reply.pk) == reply
        else:
            with pytest.raises(NotFound):
                question_get_for_user(user=person, question_id=question.pk)
            with pytest.raises(NotFound):
                answer_get_for_user(user=person, answer_id=reply.pk)
        if name == "program_admin":
            assert question_get_for_moderator(user=person, question_id=question.pk) == question
            assert report_get_for_moderator(user=person, report_id=report.pk) == report
        else:
            with pytest.raises(NotFound):
                question_get_for_moderator(user=person, question_id=question.pk)
            with pytest.raises(NotFound):
                report_get_for_moderator(user=person, report_id=report.pk)
    with pytest.raises(NotFound):
        question_get_for_user(user=board.mentee, question_id=question.pk + 1000)


def test_board_pages_answer_404_to_people_outside(board: World) -> None:
    question = ask(board)
    reply = answer(question, board.mentor)
    pages = [
        reverse("board:program", args=[board.program.pk]),
        reverse("board:ask_program", args=[board.program.pk]),
        reverse("board:question", args=[question.pk]),
        reverse("board:report", args=[question.pk]),
    ]
    moderator_pages = [
        reverse("board:program_queue", args=[board.program.pk]),
        reverse("board:moderate", args=[question.pk]),
        reverse("board:answer_moderate", args=[reply.pk]),
    ]
    for name, person in _people(board).items():
        client = client_for(person)
        for url in pages:
            expected = 200 if name in READERS else 404
            if url.endswith("report/") and name == "mentee":
                expected = 200
            assert client.get(url).status_code == expected, (name, url)
        for url in moderator_pages:
            expected = 200 if name == "program_admin" else 404
            assert client.get(url).status_code == expected, (name, url)
    missing = reverse("board:question", args=[question.pk + 1000])
    assert client_for(board.mentee).get(missing).status_code == 404


def test_withdrawn_participant_loses_the_board(board: World) -> None:
    question = ask(board)
    board.mentor_enrollment.status = "withdrawn"
    board.mentor_enrollment.save()
    url = reverse("board:question", args=[question.pk])
    assert client_for(board.mentor).get(url).status_code == 404


def test_hidden_question_is_seen_by_its_author_and_moderators_only(board: World) -> None:
    question = ask(board)
    services.question_moderate(
        question=question, by=board.admin, action="hide", reason="Shares a colleague's name."
    )
    url = reverse("board:question", args=[question.pk])
    page = client_for(board.mentee).get(url)
    assert page.status_code == 200
    assert "hidden by the moderators" in page.content.decode()
    assert client_for(board.admin).get(url).status_code == 200
    assert client_for(board.mentor).get(url).status_code == 404
    listing = client_for(board.mentor).get(reverse("board:program", args=[board.program.pk]))
    assert question.title not in listing.content.decode()


def test_hidden_answer_is_seen_by_its_author_and_moderators_only(board: World) -> None:
    question = ask(board)
    reply = answer(question, board.mentor, body="Hidden words canary-ans-1")
    services.answer_moderate(answer=reply, by=board.admin, hide=True, reason="Not kind enough.")
    url = reverse("board:question", args=[question.pk])
    assert "canary-ans-1" in client_for(board.mentor).get(url).content.decode()
    assert "canary-ans-1" in client_for(board.admin).get(url).content.decode()
    assert "canary-ans-1" not in client_for(board.mentee).get(url).content.decode()
    with pytest.raises(NotFound):
        answer_get_for_user(user=board.other_mentor, answer_id=reply.pk)


def test_organization_board_is_for_members_once_admins_open_it(board: World) -> None:
    url = reverse("board:organization", args=[board.org.pk])
    assert client_for(board.member).get(url).status_code == 404
    settings_url = reverse("board:organization_settings", args=[board.org.pk])
    assert client_for(board.mentee).get(settings_url).status_code == 404
    assert client_for(board.outsider).post(settings_url, {"is_open": "on"}).status_code == 404
    response = client_for(board.admin).post(settings_url, {"is_open": "on"})
    assert response.status_code == 302
    assert OrganizationBoard.objects.get(organization=board.org).is_open
    assert client_for(board.member).get(url).status_code == 200
    assert client_for(board.outsider).get(url).status_code == 404
    asked = client_for(board.member).post(
        reverse("board:ask_organization", args=[board.org.pk]),
        {
            "title": "Where do I find the style guide?",
            "body": BODY,
            "topics": [board.topic("Public speaking").pk],
        },
    )
    assert asked.status_code == 302
    question = Question.objects.get()
    assert question.program is None
    assert (
        client_for(board.mentee).get(reverse("board:question", args=[question.pk])).status_code
        == 200
    )
    # Org admins moderate it; leaving the organization ends access.
    assert (
        client_for(board.admin).get(reverse("board:moderate", args=[question.pk])).status_code
        == 200
    )
    Membership.objects.filter(user=board.mentee).update(status=Membership.Status.ALUMNI)
    assert (
        client_for(board.mentee).get(reverse("board:question", args=[question.pk])).status_code
        == 404
    )
    client_for(board.admin).post(settings_url, {})
    assert (
        client_for(board.member).get(reverse("board:question", args=[question.pk])).status_code
        == 404
    )


def test_reports_stay_out_of_reach_of_other_boards_moderators(board: World) -> None:
    question = ask(board)
    report = services.report_file(
        question=question, answer=None, reporter=board.mentor, reason="off_topic"
    )
    url = reverse("board:report_dismiss", args=[report.pk])
    assert client_for(board.outsider).post(url).status_code == 404
    assert client_for(board.mentee).post(url).status_code == 404
    assert Report.objects.get().resolved_at is None
    assert client_for(board.admin).post(url).status_code == 302
    assert Report.objects.get().resolved_at is not None
