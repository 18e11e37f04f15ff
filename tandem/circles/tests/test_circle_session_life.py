"""A session's queue, notes, holding and cancelling, and commitments followed up."""

import datetime

import pytest

from tandem.circles.models import CircleCommitment, CircleQuestion, CircleSession
from tandem.circles.selectors import session_commitments_due, session_question_queue
from tandem.circles.services import (
    circle_commitment_follow_up,
    circle_commitment_make,
    circle_question_post,
    circle_question_withdraw,
    circle_session_cancel,
    circle_session_hold,
    circle_session_notes_write,
    circle_sessions_plan,
    hot_seats_assign,
)
from tandem.circles.tests.conftest import members
from tandem.core.errors import DomainError

HOUR = datetime.timedelta(hours=1)


def test_the_hot_seats_questions_come_first_then_by_time(agreed, cast, clock):
    ana, ben, cleo, _dev = members(agreed)
    (first,) = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=1)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    for minutes, who in [(1, ben), (2, cleo), (3, ana), (4, ben)]:
        clock(first.starts_at - datetime.timedelta(hours=5) + datetime.timedelta(minutes=minutes))
        circle_question_post(session=first, by=who.enrollment.user, text=f"From {who.pk}")
    queue = session_question_queue(first)
    assert [item.question.author_id for item in queue] == [ana.pk, ben.pk, cleo.pk, ben.pk]
    assert [item.on_hot_seat for item in queue] == [True, False, False, False]


def test_a_question_needs_words_and_only_its_author_withdraws_it(agreed, cast):
    ana, ben, _cleo, _dev = members(agreed)
    (first,) = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=1)
    with pytest.raises(DomainError, match="Write the question") as caught:
        circle_question_post(session=first, by=ana.enrollment.user, text="   ")
    assert caught.value.field == "text"
    question = circle_question_post(session=first, by=ana.enrollment.user, text="Delegation?")
    with pytest.raises(DomainError, match="Only the member who asked"):
        circle_question_withdraw(question=question, by=ben.enrollment.user)
    with pytest.raises(DomainError, match="Only the members"):
        circle_question_post(session=first, by=cast.people[6].user, text="Me too")
    circle_question_withdraw(question=question, by=ana.enrollment.user)
    assert not CircleQuestion.objects.exists()


def test_members_share_the_notes_and_nobody_else_writes_them(agreed, cast):
    (first,) = circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=1)
    circle_session_notes_write(session=first, by=cast.people[1].user, notes="We began late.")
    with pytest.raises(DomainError, match="Only the members"):
        circle_session_notes_write(session=first, by=cast.admin, notes="Hello")
    with pytest.raises(DomainError, match="Only the members"):
        circle_session_notes_write(session=first, by=cast.people[5].user, notes="Hi")
    first.refresh_from_db()
    assert first.notes == "We began late."


def test_a_session_is_held_once_started_and_after_the_ones_before(agreed, cast, clock):
    first, second = circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=2)
    with pytest.raises(DomainError, match="once it has started"):
        circle_session_hold(session=first, by=cast.people[0].user)
    clock(second.starts_at)
    with pytest.raises(DomainError, match="Mark session 1 held or cancelled first"):
        circle_session_hold(session=second, by=cast.people[0].user)
    circle_session_hold(session=first, by=cast.people[0].user)
    with pytest.raises(DomainError, match="already held"):
        circle_session_cancel(session=first, by=cast.people[0].user)
    circle_session_hold(session=second, by=cast.people[0].user)
    states = list(CircleSession.objects.order_by("number").values_list("state", flat=True))
    assert states == ["held", "held"]
    # Holding seats the session if nobody had: the rotation's turns are always counted.
    assert [s.hot_seats.count() for s in (first, second)] == [1, 1]


def test_a_cancelled_session_uses_nobodys_turn(agreed, cast, clock):
    ana, ben, _cleo, _dev = members(agreed)
    first, second = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    circle_session_cancel(session=first, by=ben.enrollment.user)
    assert not first.hot_seats.exists()
    hot_seats_assign(session=second, by=ana.enrollment.user)
    assert list(second.hot_seats.values_list("membership", flat=True)) == [ana.pk]


def _held(session, clock, by):
    clock(session.starts_at + HOUR / 2)
    circle_session_hold(session=session, by=by)


def test_a_commitment_is_followed_up_at_the_next_held_session(agreed, cast, clock):
    ana, ben, _cleo, _dev = members(agreed)
    first, second, third = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=3)
    _held(first, clock, ana.enrollment.user)
    made = circle_commitment_make(
        session=first, by=ana.enrollment.user, text="Ask my team for feedback"
    )
    other = circle_commitment_make(session=first, by=ben.enrollment.user, text="Write the plan")
    assert made.due_session == second
    assert list(session_commitments_due(second)) == [made, other]
    with pytest.raises(DomainError, match="followed up at session 2"):
        circle_commitment_follow_up(commitment=made, by=ana.enrollment.user, outcome="done")
    _held(second, clock, ana.enrollment.user)
    with pytest.raises(DomainError, match="Only the member who made"):
        circle_commitment_follow_up(commitment=made, by=ben.enrollment.user, outcome="done")
    with pytest.raises(DomainError, match="Choose done, not done or carried over"):
        circle_commitment_follow_up(commitment=made, by=ana.enrollment.user, outcome="maybe")
    circle_commitment_follow_up(
        commitment=made, by=ana.enrollment.user, outcome="carried", note="Two of five replied"
    )
    circle_commitment_follow_up(commitment=other, by=ben.enrollment.user, outcome="done")
    made.refresh_from_db()
    assert (made.state, made.follow_up_note) == ("carried", "Two of five replied")
    carried = CircleCommitment.objects.get(made_at=second)
    assert (carried.text, carried.due_session, carried.state) == (
        "Ask my team for feedback",
        third,
        "open",
    )
    with pytest.raises(DomainError, match="already been followed up"):
        circle_commitment_follow_up(commitment=made, by=ana.enrollment.user, outcome="done")


def test_commitments_due_at_a_cancelled_session_move_to_the_next(agreed, cast, clock):
    ana = members(agreed)[0]
    (first,) = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=1)
    _held(first, clock, ana.enrollment.user)
    made = circle_commitment_make(session=first, by=ana.enrollment.user, text="Read the book")
    assert made.due_session is None
    second, third = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    made.refresh_from_db()
    assert made.due_session == second
    circle_session_cancel(session=second, by=ana.enrollment.user)
    made.refresh_from_db()
    assert made.due_session == third


def test_commitments_are_made_at_a_session_once_it_started(agreed, cast):
    (first,) = circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=1)
    with pytest.raises(DomainError, match="once it has started"):
        circle_commitment_make(session=first, by=cast.people[0].user, text="Something")
    assert not CircleCommitment.objects.exists()
