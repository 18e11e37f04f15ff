"""The board's report queue, dismissing a report and bringing a question back, by API."""

import datetime

from django.test import Client
from django.utils import timezone

from tandem.api.tests.conftest import assert_error, ids, personal_client, service_client
from tandem.api.tests.test_api_board import answer, ask
from tandem.board import services
from tandem.board.models import Question, Report
from tandem.testing.fixtures import World


def _reported(world: World) -> tuple[Question, Report]:
    question = ask(world, anonymous=True)
    filed = services.report_file(
        question=question, answer=None, reporter=world.mentor, reason="private", note="Names."
    )
    return question, filed


def test_moderators_list_reported_posts_without_the_reporters(ready: World) -> None:
    question, filed = _reported(ready)
    queue = personal_client(ready.admin).get(f"/programs/{ready.program.pk}/board/reports")
    assert queue.status_code == 200, queue.content
    assert ids(queue) == [question.pk]
    item = queue.json()["items"][0]
    assert item["open_reports"] == 1
    assert item["reports"][0]["id"] == filed.pk and item["reports"][0]["reason"] == "private"
    # The moderator knows who asked anonymously; nobody learns who reported.
    assert item["asked_by"]["person"]["id"] == ready.mentee.pk
    assert item["asked_by"]["hidden_from_others"] is True
    assert set(item["reports"][0]) == {
        "id",
        "question_id",
        "answer_id",
        "reason",
        "note",
        "created_at",
        "resolved_at",
    }
    service = service_client(ready.org, ready.admin)
    assert ids(service.get(f"/programs/{ready.program.pk}/board/reports")) == [question.pk]
    organization = personal_client(ready.admin).get(f"/organizations/{ready.org.pk}/board/reports")
    assert organization.status_code == 200 and organization.json()["items"] == []


def test_the_queue_is_missing_for_everyone_but_moderators(ready: World) -> None:
    _reported(ready)
    path = f"/programs/{ready.program.pk}/board/reports"
    for person in (ready.mentor, ready.mentee, ready.outsider):
        assert_error(personal_client(person).get(path), 404)
    other_admin = service_client(ready.other_org, ready.outsider)
    assert_error(other_admin.get(path), 404)
    assert_error(Client().get(f"/api/v1{path}"), 401)


def test_a_moderator_dismisses_a_report_once(ready: World) -> None:
    question, filed = _reported(ready)
    admin = personal_client(ready.admin)
    key = {"Idempotency-Key": "dismiss-1"}
    dismissed = admin.post(f"/reports/{filed.pk}/dismiss", **key)
    assert dismissed.status_code == 200, dismissed.content
    assert dismissed.json()["resolved_at"] is not None
    filed.refresh_from_db()
    assert filed.resolved_by == ready.admin and filed.resolved_at is not None
    replay = admin.post(f"/reports/{filed.pk}/dismiss", **key)
    assert replay["Idempotent-Replayed"] == "true" and replay.json() == dismissed.json()
    body = assert_error(admin.post(f"/reports/{filed.pk}/dismiss"), 409)
    assert body["detail"] == "This report is closed already."
    assert Question.objects.get(pk=question.pk).state == Question.State.OPEN
    assert ids(admin.get(f"/programs/{ready.program.pk}/board/reports")) == []


def test_only_moderators_dismiss_and_others_get_not_found(ready: World) -> None:
    _, filed = _reported(ready)
    for person in (ready.mentor, ready.mentee, ready.outsider):
        assert_error(personal_client(person).post(f"/reports/{filed.pk}/dismiss"), 404)
    assert_error(
        service_client(ready.other_org, ready.outsider).post(f"/reports/{filed.pk}/dismiss"), 404
    )
    assert Client().post(f"/api/v1/reports/{filed.pk}/dismiss").status_code == 401
    assert Report.objects.get(pk=filed.pk).resolved_at is None


def test_the_asker_brings_a_popular_quiet_question_back(ready: World) -> None:
    question = ask(ready)
    path = f"/questions/{question.pk}/bring-back"
    mentee = personal_client(ready.mentee)
    recent = assert_error(mentee.post(path), 409)
    assert "still recent" in recent["detail"]
    answer(question, ready)
    services.answer_post(question=question, author=ready.other_mentor, body="Film yourself.")
    long_ago = timezone.now() - datetime.timedelta(days=20)
    Question.objects.filter(pk=question.pk).update(last_activity_at=long_ago)
    not_theirs = assert_error(personal_client(ready.mentor).post(path), 409)
    assert not_theirs["detail"] == "Only the person who asked, or a moderator, can bring it back."
    assert_error(personal_client(ready.outsider).post(path), 404)
    assert Client().post(f"/api/v1{path}").status_code == 401
    assert Question.objects.get(pk=question.pk).brought_back_at is None
    key = {"Idempotency-Key": "back-1"}
    back = mentee.post(path, **key)
    assert back.status_code == 200, back.content
    question.refresh_from_db()
    assert question.brought_back_at is not None and question.last_activity_at > long_ago
    assert mentee.post(path, **key)["Idempotent-Replayed"] == "true"
    Question.objects.filter(pk=question.pk).update(last_activity_at=long_ago)
    again = assert_error(mentee.post(path), 409)
    assert "less than a month ago" in again["detail"]
