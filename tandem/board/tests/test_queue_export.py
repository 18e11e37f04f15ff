"""The board's reported posts as a download, for its moderators, without the reporters."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tandem.board import services
from tandem.board.tests.conftest import ask
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World, client_for

HEADERS = [
    "Question",
    "Question state",
    "Asked by",
    "Reported post",
    "Reason",
    "Note",
    "Reported (UTC)",
    "Open reports on the question",
]


def _url(world: World, file_format: str = "csv") -> str:
    return reverse("board:program_queue_export", args=[world.program.pk, file_format])


def _reported(world: World) -> None:
    question = ask(world)
    answered = services.answer_post(question=question, author=world.mentor, body="Just relax.")
    services.report_file(
        question=question, answer=None, reporter=world.other_mentor, reason="off_topic"
    )
    services.report_file(
        question=question, answer=answered, reporter=world.mentee, reason="unsafe", note="Vague."
    )


def test_a_moderator_downloads_the_open_reports(board: World) -> None:
    _reported(board)
    admin = client_for(board.admin)
    page = admin.get(reverse("board:program_queue", args=[board.program.pk]))
    assert _url(board) in page.content.decode()
    response = admin.get(_url(board))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADERS
    assert [row[3:6] for row in rows[1:]] == [
        ["The question", "Off topic or advertising", ""],
        ["An answer", "Unsafe or harmful advice", "Vague."],
    ]
    assert rows[1][7] == "2"
    # Reporters stay anonymous, in the file as on the page.
    assert board.other_mentor.full_name not in text
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.detail["what"] == "board-reports" and event.detail["rows"] == 2
    assert event.detail["program"] == board.program.pk
    xlsx = admin.get(_url(board, "xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert admin.get(_url(board, "pdf")).status_code == 404
    organization = reverse("board:organization_queue_export", args=[board.org.pk, "csv"])
    assert admin.get(organization).status_code == 200


@pytest.mark.parametrize("who", ["mentor", "mentee", "member", "outsider"])
def test_nobody_else_downloads_the_reports(board: World, who: str) -> None:
    _reported(board)
    assert client_for(getattr(board, who)).get(_url(board)).status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(board: World) -> None:
    assert Client().get(_url(board)).status_code == 302
