from typing import Any

import pytest

from tandem.api.tests.conftest import assert_error, ids, personal_client, service_client
from tandem.board import services
from tandem.board.models import Answer, HelpfulMark, ModerationAction, Question, Report
from tandem.board.services import posts
from tandem.programs.models import Topic
from tandem.testing.fixtures import World

BODY = "I freeze when I present to the board. How did you prepare for your first time?"
REASON = "Shares a colleague's health details; please keep those out of the board."


def ask(world: World, *, anonymous: bool = False, title: str = "How do I prepare a talk?") -> Any:
    return services.question_ask(
        author=world.mentee,
        organization=world.org,
        program=world.program,
        title=title,
        body=BODY,
        topics=[world.topic("Public speaking")],
        is_anonymous=anonymous,
    )


def answer(question: Question, world: World, body: str = "Rehearse twice, out loud.") -> Answer:
    return services.answer_post(question=question, author=world.mentor, body=body)


def board_path(world: World) -> str:
    return f"/programs/{world.program.pk}/board/questions"


def test_the_board_lists_with_the_pages_filters(ready: World) -> None:
    talk = ask(ready)
    budget = ask(ready, title="Who reads the budget memo first?")
    answer(talk, ready)
    services.answer_mark_helpful(answer=talk.answers.get(), by=ready.mentee)
    mentor = personal_client(ready.mentor)
    page = mentor.get(board_path(ready))
    assert page.status_code == 200
    assert page.json()["count"] == 2
    assert ids(page) == [talk.pk, budget.pk]  # latest activity first
    first = page.json()["items"][0]
    assert first["answer_count"] == 1 and first["helpful_count"] == 1
    assert first["topics"] == [{"id": ready.topic("Public speaking").pk, "name": "Public speaking"}]
    assert first["asked_by"]["person"]["id"] == ready.mentee.pk
    assert ids(mentor.get(board_path(ready), q="budget memo")) == [budget.pk]
    assert ids(mentor.get(board_path(ready), q="rehearse")) == [talk.pk]  # words in answers
    assert ids(mentor.get(board_path(ready), sort="unanswered")) == [budget.pk]
    assert ids(mentor.get(board_path(ready), sort="helpful")) == [talk.pk, budget.pk]
    negotiation = ready.topic("Negotiation").pk
    assert ids(mentor.get(board_path(ready), topic_id=negotiation)) == []
    assert ids(mentor.get(board_path(ready), limit=1, offset=1)) == [budget.pk]
    assert_error(mentor.get(board_path(ready), sort="loudest"), 422, "sort")
    assert_error(mentor.get(board_path(ready), q="x" * 201), 422, "q")
    assert_error(mentor.get(board_path(ready), topic_id=0), 422, "topic_id")


def test_outsiders_get_404_identical_to_a_missing_board_or_question(ready: World) -> None:
    question = ask(ready)
    found = answer(question, ready)
    missing = personal_client(ready.mentor)
    for person in (ready.member, ready.outsider):
        api = personal_client(person)
        for path in (
            board_path(ready),
            f"/questions/{question.pk}",
            f"/organizations/{ready.org.pk}/board/questions",  # not opened by its admins
        ):
            assert_error(api.get(path), 404)
        assert_error(api.post(f"/questions/{question.pk}/answers", {"body": "x" * 20}), 404)
        assert_error(api.post(f"/answers/{found.pk}/report", {"reason": "other"}), 404)
    assert_error(missing.get("/questions/999999"), 404)
    assert (
        missing.get("/questions/999999").json()
        == personal_client(ready.member).get(f"/questions/{question.pk}").json()
    )
    # A service token of another organization reaches nothing of this one.
    other = service_client(ready.other_org, ready.outsider)
    assert_error(other.get(f"/questions/{question.pk}"), 404)
    assert_error(other.get(board_path(ready)), 404)
    assert Answer.objects.count() == 1 and Report.objects.count() == 0


def test_ask_answer_and_mark_helpful(ready: World) -> None:
    mentee, mentor = personal_client(ready.mentee), personal_client(ready.mentor)
    topic = ready.topic("Public speaking").pk
    asked = mentee.post(
        board_path(ready),
        {"title": "How do I open a talk?", "body": BODY, "topic_ids": [topic]},
        **{"Idempotency-Key": "ask-1"},
    )
    assert asked.status_code == 201, asked.content
    question = Question.objects.get()
    assert asked.json()["id"] == question.pk and asked.json()["answers"] == []
    assert question.program == ready.program and not question.is_anonymous
    replay = mentee.post(
        board_path(ready),
        {"title": "How do I open a talk?", "body": BODY, "topic_ids": [topic]},
        **{"Idempotency-Key": "ask-1"},
    )
    assert replay["Idempotent-Replayed"] == "true" and Question.objects.count() == 1

    answered = mentor.post(f"/questions/{question.pk}/answers", {"body": "Start with a story."})
    assert answered.status_code == 201, answered.content
    assert answered.json()["author"]["person"]["id"] == ready.mentor.pk
    answer_id = answered.json()["id"]
    # Only the asker marks helpful, and not her own answer.
    assert_error(mentor.post(f"/answers/{answer_id}/helpful", {}), 409)
    assert not HelpfulMark.objects.exists()
    marked = mentee.post(f"/answers/{answer_id}/helpful", {"helpful": True})
    assert marked.status_code == 200 and marked.json()["helpful"] is True
    assert HelpfulMark.objects.filter(answer_id=answer_id, marked_by=ready.mentee).exists()
    detail = mentor.get(f"/questions/{question.pk}").json()
    assert detail["helpful_count"] == 1 and detail["answers"][0]["helpful"] is True
    unmarked = mentee.post(f"/answers/{answer_id}/helpful", {"helpful": False})
    assert unmarked.json()["helpful"] is False and not HelpfulMark.objects.exists()


def test_bad_questions_and_answers_get_specific_errors(
    ready: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentee = personal_client(ready.mentee)
    topic = ready.topic("Public speaking").pk
    foreign = Topic.objects.filter(organization=ready.other_org).first()
    assert foreign is not None
    good = {"title": "How do I open a talk?", "body": BODY, "topic_ids": [topic]}
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({**good, "title": "Short?"}, 400, "title"),
        ({**good, "body": "Too short."}, 400, "body"),
        ({**good, "topic_ids": []}, 400, "topic_ids"),
        ({**good, "topic_ids": [foreign.pk]}, 400, "topic_ids"),
        ({**good, "topic_ids": [999999]}, 400, "topic_ids"),
        ({**good, "topic_ids": [10**30]}, 422, "topic_ids.0"),
        ({**good, "title": "x" * 161}, 422, "title"),
        ({**good, "is_anonymous": "perhaps"}, 422, "is_anonymous"),
        ({"title": good["title"]}, 422, "body"),
    ]
    for body, status, field in cases:
        assert_error(mentee.post(board_path(ready), body), status, field)
    assert not Question.objects.exists()
    # Read-only and service tokens do not ask.
    assert_error(personal_client(ready.mentee, scope="read").post(board_path(ready), good), 403)
    assert_error(service_client(ready.org, ready.admin).post(board_path(ready), good), 403)
    # The page's daily limit holds here too.
    monkeypatch.setattr(posts, "QUESTIONS_PER_DAY", 1)
    assert mentee.post(board_path(ready), good).status_code == 201
    assert_error(mentee.post(board_path(ready), good), 409)
    question = Question.objects.get()
    assert_error(mentee.post(f"/questions/{question.pk}/answers", {"body": "Hm."}), 400, "body")
    assert_error(mentee.post(f"/questions/{question.pk}/answers", {}), 422, "body")
    assert Question.objects.count() == 1 and not Answer.objects.exists()


def test_reports_are_filed_once_and_never_on_ones_own_post(ready: World) -> None:
    question = ask(ready)
    found = answer(question, ready)
    mentor, mentee = personal_client(ready.mentor), personal_client(ready.mentee)
    filed = mentor.post(f"/questions/{question.pk}/report", {"reason": "private", "note": "Hm"})
    assert filed.status_code == 201, filed.content
    assert filed.json()["answer_id"] is None
    assert_error(mentor.post(f"/questions/{question.pk}/report", {"reason": "private"}), 409)
    assert_error(mentor.post(f"/answers/{found.pk}/report", {"reason": "other"}), 409)  # own
    assert_error(mentee.post(f"/answers/{found.pk}/report", {"reason": "rude"}), 422, "reason")
    on_answer = mentee.post(f"/answers/{found.pk}/report", {"reason": "unsafe"})
    assert on_answer.status_code == 201 and on_answer.json()["answer_id"] == found.pk
    assert Report.objects.filter(reporter=ready.mentor, answer=None).count() == 1
    assert Report.objects.filter(reporter=ready.mentee, answer=found).count() == 1
    assert mentor.get(f"/questions/{question.pk}").json()["reported_by_me"] is True


def test_moderators_hide_lock_and_edit_with_a_reason(ready: World) -> None:
    question = ask(ready)
    found = answer(question, ready)
    admin, mentor = personal_client(ready.admin), personal_client(ready.mentor)
    moderate = f"/questions/{question.pk}/moderate"
    # Participants cannot moderate: the same 404 as a question that does not exist.
    assert_error(mentor.post(moderate, {"action": "hide", "reason": REASON}), 404)
    assert_error(
        mentor.post(f"/answers/{found.pk}/edit", {"body": "y" * 20, "reason": REASON}), 404
    )
    assert_error(admin.post(moderate, {"action": "hide", "reason": "Bad."}), 400, "reason")
    assert_error(admin.post(moderate, {"action": "delete", "reason": REASON}), 422, "action")
    assert not ModerationAction.objects.exists()

    locked = admin.post(moderate, {"action": "lock", "reason": REASON})
    assert locked.status_code == 200 and locked.json()["state"] == "locked"
    assert_error(mentor.post(f"/questions/{question.pk}/answers", {"body": "One more idea."}), 409)
    assert_error(admin.post(moderate, {"action": "lock", "reason": REASON}), 409)
    hidden = admin.post(moderate, {"action": "hide", "reason": REASON})
    assert hidden.json()["state"] == "hidden"
    assert [m["action"] for m in hidden.json()["moderation"]] == ["hide", "lock"]
    assert_error(mentor.get(f"/questions/{question.pk}"), 404)
    assert question.pk not in ids(mentor.get(board_path(ready)))
    assert personal_client(ready.mentee).get(f"/questions/{question.pk}").json()["moderation"] == []
    # Locked before it was hidden, it comes back locked.
    unhidden = admin.post(moderate, {"action": "unhide", "reason": REASON})
    assert unhidden.json()["state"] == "locked"

    edited = admin.post(
        f"/questions/{question.pk}/edit",
        {"title": "How do I prepare a talk?", "body": "What helped you prepare?", "reason": REASON},
    )
    assert edited.status_code == 200 and edited.json()["body"] == "What helped you prepare?"
    hid = admin.post(f"/answers/{found.pk}/moderate", {"action": "hide", "reason": REASON})
    assert hid.status_code == 200 and hid.json()["is_hidden"] is True
    assert (
        personal_client(ready.other_mentor).get(f"/questions/{question.pk}").json()["answers"] == []
    )
    # A service token acts as an organization admin, within its organization.
    service = service_client(ready.org, ready.admin)
    shown = service.post(f"/answers/{found.pk}/moderate", {"action": "unhide", "reason": REASON})
    assert shown.status_code == 200 and shown.json()["is_hidden"] is False
    rewritten = service.post(f"/answers/{found.pk}/edit", {"body": "Rehearse.", "reason": REASON})
    assert_error(rewritten, 400, "body")
    question.refresh_from_db()
    assert question.state == "locked" and question.body == "What helped you prepare?"
    assert list(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == [
        "lock",
        "hide",
        "unhide",
        "edit",
        "hide",
        "unhide",
    ]


def _bylines(body: Any) -> list[Any]:
    return [body["asked_by"], *[a["author"] for a in body.get("answers", [])]]


def test_an_anonymous_asker_is_named_to_moderators_only(ready: World) -> None:
    """Persona diff: a mentor, a moderator and the asker herself read the same thread."""
    question = ask(ready, anonymous=True)
    answer(question, ready)
    services.answer_post(question=question, author=ready.mentee, body="Thank you, that helps!")
    mia = ready.mentee
    reads = {}
    for name, person in (("mentor", ready.mentor), ("admin", ready.admin), ("mia", mia)):
        api = personal_client(person)
        reads[name] = {
            "list": api.get(board_path(ready)).json()["items"][0],
            "detail": api.get(f"/questions/{question.pk}").json(),
        }
    mentor = reads["mentor"]
    for body in (mentor["list"], mentor["detail"]):
        text = str(body)
        for trace in (mia.full_name, mia.display_name, mia.email, f"'id': {mia.pk},"):
            assert trace not in text, trace
        assert body["asked_by"] == {
            "name": "Anonymous participant",
            "person": None,
            "hidden_from_others": False,
            "is_you": False,
        }
    assert [a["author"]["name"] for a in mentor["detail"]["answers"]] == ["Mo", "The asker"]
    assert mentor["detail"]["answers"][1]["author"]["person"] is None
    # The moderator sees who asked, flagged as hidden from participants.
    for byline in _bylines(reads["admin"]["detail"])[::2]:
        assert byline["person"]["id"] == mia.pk and byline["hidden_from_others"] is True
    assert reads["admin"]["list"]["asked_by"]["person"]["id"] == mia.pk
    # Mia sees herself as "You", and that her name is hidden from others.
    assert reads["mia"]["detail"]["asked_by"]["is_you"] is True
    assert reads["mia"]["detail"]["asked_by"]["hidden_from_others"] is True
    # Everything else the three read is the same.
    for name in ("admin", "mia"):
        for part in ("list", "detail"):
            left, right = dict(mentor[part]), dict(reads[name][part])
            for body in (left, right):
                body.pop("asked_by")
                body.pop("moderation", None)
                body["answers"] = [
                    {k: v for k, v in a.items() if k != "author"} for a in body.get("answers", [])
                ]
            assert left == right, (name, part)


def test_the_board_list_costs_the_same_queries_for_one_question_or_many(
    ready: World, django_assert_max_num_queries: Any
) -> None:
    mentor = personal_client(ready.mentor)
    ask(ready)
    mentor.get(board_path(ready))  # warm up: the token's last use is written once a minute
    for n in range(4):
        question = ask(ready, anonymous=n % 2 == 0, title=f"Question number {n}, on talks")
        answer(question, ready)
    with django_assert_max_num_queries(8):
        assert len(ids(mentor.get(board_path(ready)))) == 5


def test_the_organization_board_opens_to_members_through_the_api(ready: World) -> None:
    path = f"/organizations/{ready.org.pk}/board/questions"
    member = personal_client(ready.member)
    good = {
        "title": "Where do new starters find the style guide?",
        "body": "I am new to the agency and cannot find the writing style guide anywhere.",
        "topic_ids": [ready.topic("Public speaking").pk],
    }
    assert_error(member.get(path), 404)
    assert_error(member.post(path, good), 404)
    services.organization_board_set(organization=ready.org, by=ready.admin, is_open=True)
    asked = member.post(path, good)
    assert asked.status_code == 201, asked.content
    assert asked.json()["program_id"] is None
    question = Question.objects.get()
    assert question.program is None and question.author == ready.member
    assert ids(personal_client(ready.mentee).get(path)) == [question.pk]
    # The program's board does not list it, and the other organization never reaches it.
    assert ids(personal_client(ready.mentee).get(board_path(ready))) == []
    assert_error(personal_client(ready.outsider).get(path), 404)
    assert_error(personal_client(ready.outsider).get(f"/questions/{question.pk}"), 404)
