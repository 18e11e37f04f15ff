"""The session pages: every action a member takes, through HTTP, and who may see what."""

import datetime
from typing import Any

import pytest
from django.test import Client

from tandem.accounts.models import Membership
from tandem.circles.models import (
    Circle,
    CircleCommitment,
    CircleMembership,
    CircleQuestion,
    CircleSession,
    HotSeat,
    HotSeatSwap,
    SessionAbsence,
)
from tandem.circles.services import (
    circle_close,
    circle_commitment_make,
    circle_question_post,
    circle_replacement_add,
    circle_session_hold,
    circle_sessions_plan,
    hot_seat_swap_offer,
    hot_seats_assign,
)
from tandem.circles.tests.conftest import Clock, agree, members
from tandem.testing.circles import Cast
from tandem.testing.fixtures import client_for

MINUTE = datetime.timedelta(minutes=1)


def _plan(circle: Circle, count: int = 2) -> list[CircleSession]:
    return circle_sessions_plan(circle=circle, by=members(circle)[0].enrollment.user, count=count)


def _client(membership: CircleMembership) -> Client:
    return client_for(membership.enrollment.user)


def _page(client: Client, session: CircleSession) -> str:
    response = client.get(f"/circles/sessions/{session.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# The circle page's sessions card.


def test_a_member_plans_sessions_and_reads_them_in_their_own_zone(agreed: Circle) -> None:
    ana = members(agreed)[0]
    Membership.objects.filter(user=ana.enrollment.user).update(time_zone="Europe/Paris")
    client = _client(ana)
    page = client.get(f"/circles/{agreed.pk}/").content.decode()
    assert "Plan the next sessions" in page and "No sessions planned." in page
    response = client.post(f"/circles/{agreed.pk}/sessions/plan/", {"count": "3"}, follow=True)
    assert "Planned sessions 1, 2, 3." in _messages(response)
    assert agreed.sessions.count() == 3
    page = response.content.decode()
    # Thursdays at 17:00 UTC are 18:00 in Paris in January.
    assert "Thursday 10 January 2030, 18:00 CET" in page
    assert f"/circles/sessions/{agreed.sessions.get(number=1).pk}/" in page
    assert f"/circles/{agreed.pk}/sessions.ics" in page


@pytest.mark.parametrize("count", ["", "0", "13", "two", "99999999999999999999999"])
def test_planning_refuses_a_count_out_of_range(agreed: Circle, count: str) -> None:
    client = _client(members(agreed)[0])
    response = client.post(f"/circles/{agreed.pk}/sessions/plan/", {"count": count}, follow=True)
    assert response.status_code == 200
    assert "How many sessions" in _messages(response)
    assert not agreed.sessions.exists()


def test_sessions_wait_for_every_signature(cast: Cast, clock: Clock) -> None:
    circle = cast.active_circle()
    client = client_for(cast.people[0].user)
    page = client.get(f"/circles/{circle.pk}/").content.decode()
    assert "Plan the next sessions" not in page
    assert "once every member has signed the agreement" in page
    response = client.post(f"/circles/{circle.pk}/sessions/plan/", {"count": "2"}, follow=True)
    assert "sign" in _messages(response).lower()
    assert not circle.sessions.exists()


def test_planning_stops_at_twelve_waiting(agreed: Circle) -> None:
    _plan(agreed, 10)
    client = _client(members(agreed)[0])
    response = client.post(f"/circles/{agreed.pk}/sessions/plan/", {"count": "3"}, follow=True)
    assert "At most 12 sessions can wait ahead; 10 already do." in _messages(response)
    assert agreed.sessions.count() == 10


def test_the_circle_page_lists_hot_seats_and_held_and_cancelled_sessions(
    agreed: Circle, clock: Clock
) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    first, second, _third = _plan(agreed, 3)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    clock(first.starts_at + MINUTE)
    circle_session_hold(session=first, by=ana.enrollment.user)
    _client(ben).post(f"/circles/sessions/{second.pk}/cancel/")
    page = _client(ben).get(f"/circles/{agreed.pk}/").content.decode()
    assert "Past sessions" in page
    assert "hot seat: Ana" in page
    assert "Held" in page and "Cancelled" in page
    # Session 2, cancelled ahead of its date, shows among those to come, not as past.
    ahead, past = page.split("Past sessions")
    assert "Session 2</a>" in ahead and "Session 2</a>" not in past
    assert "Session 1</a>" in past


# Hot seats and swaps.


def test_the_rotation_sets_the_seats_and_a_swap_offered_is_taken(agreed: Circle) -> None:
    ana, ben, cleo, _dev = members(agreed)
    first, second = _plan(agreed)
    page = _page(_client(ben), first)
    assert "Set the hot seats by the rotation" in page
    assert "once the sessions before this one are held" in _page(_client(ben), second)
    _client(ben).post(f"/circles/sessions/{first.pk}/seats/")
    assert list(first.hot_seats.values_list("membership", flat=True)) == [ana.pk]
    page = _page(_client(ana), first)
    assert "Offer my seat" in page
    response = _client(ana).post(f"/circles/sessions/{first.pk}/swaps/", {"to": str(ben.pk)})
    assert response.status_code == 302
    swap = HotSeatSwap.objects.get()
    assert (swap.giver, swap.taker, swap.state) == (ana, ben, "offered")
    assert "Ana offers you their hot seat" in _page(_client(ben), first)
    assert "Take the seat" not in _page(_client(cleo), first)
    response = _client(ben).post(
        f"/circles/sessions/{first.pk}/swaps/{swap.pk}/answer/", {"answer": "accept"}, follow=True
    )
    assert "The hot seat is yours." in _messages(response)
    seat = HotSeat.objects.get(session=first)
    assert (seat.membership, seat.swapped_with, seat.source) == (ben, ana, "swap")
    assert "swapped in" in response.content.decode()


def test_an_offer_is_declined_or_withdrawn(agreed: Circle) -> None:
    ana, ben, cleo, _dev = members(agreed)
    first, _second = _plan(agreed)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    _client(ana).post(f"/circles/sessions/{first.pk}/swaps/", {"to": str(ben.pk)})
    swap = HotSeatSwap.objects.get()
    url = f"/circles/sessions/{first.pk}/swaps/{swap.pk}/answer/"
    # Only the one offered may answer; a made-up answer changes nothing.
    assert "someone else" in _messages(_client(cleo).post(url, {"answer": "accept"}, follow=True))
    assert "Choose to take the seat or not." in _messages(
        _client(ben).post(url, {"answer": "maybe"}, follow=True)
    )
    _client(ben).post(url, {"answer": "decline"})
    swap.refresh_from_db()
    assert swap.state == "declined"
    # An offer to anyone is withdrawn by the giver alone.
    _client(ana).post(f"/circles/sessions/{first.pk}/swaps/", {"to": ""})
    open_offer = HotSeatSwap.objects.get(state="offered")
    assert open_offer.taker is None
    withdraw = f"/circles/sessions/{first.pk}/swaps/{open_offer.pk}/withdraw/"
    assert "Only the member who offered" in _messages(_client(ben).post(withdraw, follow=True))
    response = _client(ana).post(withdraw, follow=True)
    assert "You withdrew your offer" in _messages(response)
    open_offer.refresh_from_db()
    assert open_offer.state == "withdrawn"
    assert HotSeat.objects.get(session=first).membership == ana


def test_an_offer_refuses_a_bad_taker(agreed: Circle, cast: Cast) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    first, _second = _plan(agreed)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    other = cast.active_circle(cast.people[4:8])
    stranger = members(other)[0]
    url = f"/circles/sessions/{first.pk}/swaps/"
    for value in (str(ana.pk), str(stranger.pk), "999999", "ben", "9" * 30):
        response = _client(ana).post(url, {"to": value})
        assert response.status_code == 200
        assert 'id="id_to_error"' in response.content.decode()
    # Someone without a seat has none to offer.
    response = _client(ben).post(url, {"to": str(ana.pk)}, follow=True)
    assert "You are not on the hot seat in this session." in _messages(response)
    assert not HotSeatSwap.objects.exists()


def test_swaps_of_another_session_are_not_found(agreed: Circle) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    first, second = _plan(agreed)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    swap = hot_seat_swap_offer(session=first, by=ana.enrollment.user, to=ben)
    for action in ("answer", "withdraw"):
        wrong = _client(ben).post(
            f"/circles/sessions/{second.pk}/swaps/{swap.pk}/{action}/", {"answer": "accept"}
        )
        missing = _client(ben).post(
            f"/circles/sessions/{first.pk}/swaps/999999/{action}/", {"answer": "accept"}
        )
        assert wrong.status_code == missing.status_code == 404
    swap.refresh_from_db()
    assert swap.state == "offered"


# Attendance.


def test_a_member_says_they_will_be_absent_and_the_rotation_skips_them(agreed: Circle) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    first, _second = _plan(agreed)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    response = _client(ana).post(
        f"/circles/sessions/{first.pk}/absence/", {"note": "Travelling."}, follow=True
    )
    assert "you keep your turn" in _messages(response)
    assert SessionAbsence.objects.get().note == "Travelling."
    assert list(first.hot_seats.values_list("membership", flat=True)) == [ben.pk]
    page = response.content.decode()
    assert "I can come after all" in page and "Travelling." in page
    again = _client(ana).post(f"/circles/sessions/{first.pk}/absence/", {}, follow=True)
    assert "already said" in _messages(again)
    response = _client(ana).post(f"/circles/sessions/{first.pk}/absence/take-back/", follow=True)
    assert "You are counted in again." in _messages(response)
    assert not SessionAbsence.objects.exists()
    assert list(first.hot_seats.values_list("membership", flat=True)) == [ana.pk]
    nothing = _client(ana).post(f"/circles/sessions/{first.pk}/absence/take-back/", follow=True)
    assert "You had not said" in _messages(nothing)


def test_an_absence_note_has_a_limit(agreed: Circle) -> None:
    ana = members(agreed)[0]
    (first,) = _plan(agreed, 1)
    response = _client(ana).post(f"/circles/sessions/{first.pk}/absence/", {"note": "x" * 301})
    assert response.status_code == 200
    assert 'id="id_note_error"' in response.content.decode()
    assert not SessionAbsence.objects.exists()


# The question queue.


def test_members_queue_questions_the_hot_seats_first(agreed: Circle, clock: Clock) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    (first,) = _plan(agreed, 1)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    response = _client(ben).post(
        f"/circles/sessions/{first.pk}/questions/", {"text": "How do I say no?"}, follow=True
    )
    assert "Your question is in the queue." in _messages(response)
    clock(first.starts_at - datetime.timedelta(hours=1))
    _client(ana).post(f"/circles/sessions/{first.pk}/questions/", {"text": "Delegating?"})
    page = _page(_client(ben), first)
    assert page.index("Delegating?") < page.index("How do I say no?")
    assert CircleQuestion.objects.count() == 2


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_a_question_needs_words_within_the_limit(agreed: Circle, text: str) -> None:
    (first,) = _plan(agreed, 1)
    response = _client(members(agreed)[1]).post(
        f"/circles/sessions/{first.pk}/questions/", {"text": text}
    )
    assert response.status_code == 200
    assert 'id="question_text_error"' in response.content.decode()
    assert not CircleQuestion.objects.exists()


def test_a_member_withdraws_their_own_question_only(agreed: Circle, cast: Cast) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    (first,) = _plan(agreed, 1)
    question = circle_question_post(session=first, by=ben.enrollment.user, text="Pricing?")
    url = f"/circles/questions/{question.pk}/withdraw/"
    assert "Only the member who asked" in _messages(_client(ana).post(url, follow=True))
    assert CircleQuestion.objects.exists()
    assert _client(ben).post("/circles/questions/999999/withdraw/").status_code == 404
    outsider = members(cast.active_circle(cast.people[4:8]))[0]
    assert _client(outsider).post(url).status_code == 404
    assert "You took your question off the queue." in _messages(_client(ben).post(url, follow=True))
    assert not CircleQuestion.objects.exists()


# Notes, holding and cancelling.


def test_members_share_the_notes(agreed: Circle) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    (first,) = _plan(agreed, 1)
    response = _client(ben).post(
        f"/circles/sessions/{first.pk}/notes/", {"notes": "Ana: try the two-list method."}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.notes == "Ana: try the two-list method."
    assert "Ana: try the two-list method." in _page(_client(ana), first)
    too_long = _client(ana).post(f"/circles/sessions/{first.pk}/notes/", {"notes": "x" * 20_001})
    assert too_long.status_code == 200
    assert 'id="id_notes_error"' in too_long.content.decode()
    # Emptied on purpose: notes may be blank.
    _client(ana).post(f"/circles/sessions/{first.pk}/notes/", {"notes": ""})
    first.refresh_from_db()
    assert first.notes == ""


def test_a_session_is_held_once_started_or_cancelled(agreed: Circle, clock: Clock) -> None:
    ana = members(agreed)[0]
    first, second = _plan(agreed)
    page = _page(_client(ana), first)
    assert "Mark session 1 held" not in page and "Cancel session 1" in page
    early = _client(ana).post(f"/circles/sessions/{first.pk}/held/", follow=True)
    assert "once it has started" in _messages(early)
    clock(first.starts_at + MINUTE)
    assert "Mark session 1 held" in _page(_client(ana), first)
    response = _client(ana).post(f"/circles/sessions/{first.pk}/held/", follow=True)
    assert "Session 1 is marked held." in _messages(response)
    again = _client(ana).post(f"/circles/sessions/{first.pk}/cancel/", follow=True)
    assert "already held" in _messages(again)
    _client(ana).post(f"/circles/sessions/{second.pk}/cancel/")
    states = dict(agreed.sessions.values_list("number", "state"))
    assert states == {1: "held", 2: "cancelled"}
    # Holding seated the session: the rotation counts the turn.
    assert first.hot_seats.count() == 1


# Commitments.


def test_a_commitment_made_at_one_session_is_followed_up_at_the_next(
    agreed: Circle, clock: Clock
) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    first, second, _third = _plan(agreed, 3)
    assert "once it has started" in _page(_client(ana), first)
    early = _client(ana).post(f"/circles/sessions/{first.pk}/commitments/", {"text": "Hire"})
    assert early.status_code == 302
    assert not CircleCommitment.objects.exists()
    clock(first.starts_at + MINUTE)
    response = _client(ana).post(
        f"/circles/sessions/{first.pk}/commitments/",
        {"text": "Write the hiring plan"},
        follow=True,
    )
    assert "Your commitment is recorded" in _messages(response)
    _client(ben).post(f"/circles/sessions/{first.pk}/commitments/", {"text": "Call Sam"})
    made = CircleCommitment.objects.get(membership=ana)
    assert made.due_session == second
    # Everyone in the circle sees everyone's commitments.
    assert "Write the hiring plan" in _page(_client(ben), first)
    circle_session_hold(session=first, by=ana.enrollment.user)
    clock(second.starts_at + MINUTE)
    page = _page(_client(ben), second)
    assert "Commitments to follow up" in page and "Write the hiring plan" in page
    # Ben sees Ana's commitment, but only Ana records how it went.
    refused = _client(ben).post(
        f"/circles/commitments/{made.pk}/follow-up/", {f"c{made.pk}-outcome": "done"}, follow=True
    )
    assert "Only the member who made a commitment" in _messages(refused)
    response = _client(ana).post(
        f"/circles/commitments/{made.pk}/follow-up/",
        {f"c{made.pk}-outcome": "carried", f"c{made.pk}-note": "Half written."},
        follow=True,
    )
    assert "Followed up: carried over." in _messages(response)
    made.refresh_from_db()
    assert (made.state, made.follow_up_note) == ("carried", "Half written.")
    carried = CircleCommitment.objects.get(membership=ana, made_at=second)
    assert carried.text == "Write the hiring plan" and carried.state == "open"
    again = _client(ana).post(
        f"/circles/commitments/{made.pk}/follow-up/", {f"c{made.pk}-outcome": "done"}, follow=True
    )
    assert "already been followed up" in _messages(again)


@pytest.mark.parametrize("text", ["", "   ", "x" * 301])
def test_a_commitment_needs_words_within_the_limit(agreed: Circle, clock: Clock, text: str) -> None:
    (first,) = _plan(agreed, 1)
    clock(first.starts_at + MINUTE)
    response = _client(members(agreed)[0]).post(
        f"/circles/sessions/{first.pk}/commitments/", {"text": text}
    )
    assert response.status_code == 200
    assert 'id="commitment_text_error"' in response.content.decode()
    assert not CircleCommitment.objects.exists()


@pytest.mark.parametrize("outcome", ["", "partly", "open", "x" * 50])
def test_a_follow_up_names_one_of_the_outcomes(agreed: Circle, clock: Clock, outcome: str) -> None:
    ana = members(agreed)[0]
    first, second = _plan(agreed)
    clock(first.starts_at + MINUTE)
    made = circle_commitment_make(session=first, by=ana.enrollment.user, text="Hire")
    circle_session_hold(session=first, by=ana.enrollment.user)
    clock(second.starts_at + MINUTE)
    response = _client(ana).post(
        f"/circles/commitments/{made.pk}/follow-up/", {f"c{made.pk}-outcome": outcome}
    )
    assert response.status_code == 200
    assert f'id="id_c{made.pk}-outcome_error"' in response.content.decode()
    made.refresh_from_db()
    assert made.state == "open"


def test_a_follow_up_note_has_a_limit(agreed: Circle, clock: Clock) -> None:
    ana = members(agreed)[0]
    first, second = _plan(agreed)
    clock(first.starts_at + MINUTE)
    made = circle_commitment_make(session=first, by=ana.enrollment.user, text="Hire")
    clock(second.starts_at + MINUTE)
    response = _client(ana).post(
        f"/circles/commitments/{made.pk}/follow-up/",
        {f"c{made.pk}-outcome": "done", f"c{made.pk}-note": "x" * 2001},
    )
    assert response.status_code == 200
    assert f'id="id_c{made.pk}-note_error"' in response.content.decode()
    made.refresh_from_db()
    assert made.state == "open"


def test_a_commitment_not_yet_due_waits_for_its_session(agreed: Circle, clock: Clock) -> None:
    ana = members(agreed)[0]
    first, _second = _plan(agreed)
    clock(first.starts_at + MINUTE)
    made = circle_commitment_make(session=first, by=ana.enrollment.user, text="Hire")
    response = _client(ana).post(
        f"/circles/commitments/{made.pk}/follow-up/", {f"c{made.pk}-outcome": "done"}, follow=True
    )
    assert "followed up at session 2" in _messages(response)
    made.refresh_from_db()
    assert made.state == "open"


# A closed circle keeps its sessions as they were.


def test_nothing_changes_in_a_closed_circle(agreed: Circle, clock: Clock) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    first, second = _plan(agreed)
    question = circle_question_post(session=second, by=ben.enrollment.user, text="Later?")
    clock(first.starts_at + MINUTE)
    circle_session_hold(session=first, by=ana.enrollment.user)
    circle_close(circle=agreed, by=ana.enrollment.user, reason="completed")
    client = _client(ana)
    page = _page(client, first)
    assert "The circle has closed" in page
    assert "Save the notes" not in page and "Record my commitment" not in page
    posts = [
        (f"/circles/sessions/{first.pk}/notes/", {"notes": "After the end"}),
        (f"/circles/sessions/{first.pk}/commitments/", {"text": "Keep going"}),
        (f"/circles/sessions/{second.pk}/questions/", {"text": "Still?"}),
        (f"/circles/sessions/{second.pk}/absence/", {"note": ""}),
        (f"/circles/sessions/{second.pk}/held/", {}),
        (f"/circles/questions/{question.pk}/withdraw/", {}),
        (f"/circles/{agreed.pk}/sessions/plan/", {"count": "2"}),
    ]
    for url, data in posts:
        response = _client(ben if "withdraw" in url else ana).post(url, data, follow=True)
        assert response.status_code == 200, url
        assert _messages(response), url
    first.refresh_from_db()
    assert first.notes == ""
    assert not CircleCommitment.objects.exists()
    assert CircleQuestion.objects.count() == 1
    assert not SessionAbsence.objects.exists()
    assert agreed.sessions.count() == 2


# Who may open what.


def _urls(
    session: CircleSession, question: CircleQuestion, commitment: CircleCommitment
) -> list[tuple[str, str, dict[str, str]]]:
    swap = session.swaps.get()
    return [
        ("get", f"/circles/sessions/{session.pk}/", {}),
        ("post", f"/circles/{session.circle_id}/sessions/plan/", {"count": "1"}),
        ("post", f"/circles/sessions/{session.pk}/seats/", {}),
        ("post", f"/circles/sessions/{session.pk}/swaps/", {"to": ""}),
        ("post", f"/circles/sessions/{session.pk}/swaps/{swap.pk}/answer/", {"answer": "accept"}),
        ("post", f"/circles/sessions/{session.pk}/swaps/{swap.pk}/withdraw/", {}),
        ("post", f"/circles/sessions/{session.pk}/absence/", {"note": ""}),
        ("post", f"/circles/sessions/{session.pk}/absence/take-back/", {}),
        ("post", f"/circles/sessions/{session.pk}/questions/", {"text": "Mine?"}),
        ("post", f"/circles/questions/{question.pk}/withdraw/", {}),
        ("post", f"/circles/sessions/{session.pk}/notes/", {"notes": "Seen"}),
        ("post", f"/circles/sessions/{session.pk}/held/", {}),
        ("post", f"/circles/sessions/{session.pk}/cancel/", {}),
        ("post", f"/circles/sessions/{session.pk}/commitments/", {"text": "Mine"}),
        (
            "post",
            f"/circles/commitments/{commitment.pk}/follow-up/",
            {f"c{commitment.pk}-outcome": "done"},
        ),
    ]


def test_only_the_circles_people_reach_its_sessions(
    agreed: Circle, cast: Cast, clock: Clock
) -> None:
    ana, ben, _cleo, _dev = members(agreed)
    first, second = _plan(agreed)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    hot_seat_swap_offer(session=first, by=ana.enrollment.user, to=None)
    question = circle_question_post(session=first, by=ana.enrollment.user, text="Secret plan")
    clock(first.starts_at + MINUTE)
    commitment = circle_commitment_make(session=first, by=ana.enrollment.user, text="Secret step")
    first.notes = "Secret notes"
    first.save()
    other = members(agree(cast.active_circle(cast.people[4:8])))[0]
    for user in (other.enrollment.user, cast.admin, cast.world.outsider):
        client = client_for(user)
        for method, url, data in _urls(first, question, commitment):
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (user, url)
            assert b"Secret" not in response.content
        assert client.get(f"/circles/sessions/{second.pk}/").status_code == 404
        assert client.get(f"/circles/{agreed.pk}/").status_code == 404
    anonymous = Client().get(f"/circles/sessions/{first.pk}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # Nothing moved.
    first.refresh_from_db()
    assert (first.state, first.notes) == ("planned", "Secret notes")
    assert agreed.sessions.count() == 2 and not SessionAbsence.objects.exists()
    assert CircleQuestion.objects.count() == 1 and CircleCommitment.objects.count() == 1
    assert HotSeatSwap.objects.get().state == "offered"
    # The member reaches every one of them.
    client = _client(ben)
    for method, url, data in _urls(first, question, commitment):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), url
    first.refresh_from_db()
    assert (first.state, first.notes) == ("held", "Seen")
    assert CircleQuestion.objects.filter(text="Mine?", author=ben).exists()
    assert CircleCommitment.objects.filter(text="Mine", membership=ben).exists()
    page = _page(client, first)
    assert "Secret plan" in page and "Secret step" in page


def test_a_person_invited_reads_the_sessions_without_forms(cast: Cast, clock: Clock) -> None:
    circle = agree(cast.active_circle())
    (first,) = _plan(circle, 1)
    place = circle_replacement_add(circle=circle, enrollment=cast.people[5], by=cast.admin)
    page = _page(client_for(place.enrollment.user), first)
    assert "Session 1" in page
    assert "Add to the queue" not in page and "I will be absent" not in page


# Query counts.


def test_the_session_page_reads_a_fixed_number_of_queries(
    agreed: Circle, cast: Cast, clock: Clock, django_assert_max_num_queries: Any
) -> None:
    people = members(agreed)
    first, second = _plan(agreed)
    hot_seats_assign(session=first, by=people[0].enrollment.user)
    for index in range(30):
        who = people[index % 4].enrollment.user
        circle_question_post(session=first, by=who, text=f"Question {index}")
    clock(first.starts_at + MINUTE)
    for index in range(20):
        circle_commitment_make(
            session=first, by=people[index % 4].enrollment.user, text=f"C{index}"
        )
    circle_session_hold(session=first, by=people[0].enrollment.user)
    clock(second.starts_at + MINUTE)
    client = _client(people[0])
    for session in (first, second):
        with django_assert_max_num_queries(22):
            assert client.get(f"/circles/sessions/{session.pk}/").status_code == 200


def test_the_circle_page_reads_a_fixed_number_of_queries_with_many_sessions(
    agreed: Circle, clock: Clock, django_assert_max_num_queries: Any
) -> None:
    ana = members(agreed)[0]
    sessions = _plan(agreed, 12)
    for session in sessions[:10]:
        clock(session.starts_at + MINUTE)
        circle_session_hold(session=session, by=ana.enrollment.user)
    _plan(agreed, 8)
    hot_seats_assign(session=agreed.sessions.get(number=11), by=ana.enrollment.user)
    client = _client(ana)
    with django_assert_max_num_queries(22):
        page = client.get(f"/circles/{agreed.pk}/").content.decode()
    assert "Session 20" in page and "Earlier sessions are in the calendar file." in page


def test_a_member_cannot_reach_another_circles_session_by_its_id(
    agreed: Circle, cast: Cast, clock: Clock
) -> None:
    ana = members(agreed)[0]
    other = agree(cast.active_circle(cast.people[4:8]))
    eli = members(other)[0]
    (theirs,) = _plan(other, 1)
    hot_seats_assign(session=theirs, by=eli.enrollment.user)
    hot_seat_swap_offer(session=theirs, by=eli.enrollment.user, to=None)
    question = circle_question_post(session=theirs, by=eli.enrollment.user, text="Theirs")
    clock(theirs.starts_at + MINUTE)
    commitment = circle_commitment_make(session=theirs, by=eli.enrollment.user, text="Theirs")
    client = _client(ana)
    for method, url, data in _urls(theirs, question, commitment):
        assert getattr(client, method)(url, data).status_code == 404, url
    (mine,) = _plan(agreed, 1)
    swap = HotSeatSwap.objects.get()
    # Their offer, asked for through one of our own sessions, is not found either.
    response = client.post(
        f"/circles/sessions/{mine.pk}/swaps/{swap.pk}/answer/", {"answer": "accept"}
    )
    assert response.status_code == 404
    swap.refresh_from_db()
    assert swap.state == "offered"
    assert CircleQuestion.objects.get().text == "Theirs"
    assert not agreed.sessions.exclude(pk=mine.pk).exists()
