"""Hot seats: set by the rotation for the next session, skipping absences, swapped by consent."""

import datetime

import pytest

from tandem.circles.models import HotSeat, HotSeatSwap, SessionAbsence
from tandem.circles.services import (
    circle_absence_say,
    circle_absence_take_back,
    circle_leave,
    circle_session_hold,
    circle_sessions_plan,
    hot_seat_swap_answer,
    hot_seat_swap_offer,
    hot_seat_swap_withdraw,
    hot_seats_assign,
)
from tandem.circles.tests.conftest import agree, members
from tandem.core.errors import DomainError


def _seated(session):
    return list(
        HotSeat.objects.filter(session=session).order_by("pk").values_list("membership", flat=True)
    )


def _hold(session, clock, by):
    clock(session.starts_at)
    circle_session_hold(session=session, by=by)


def test_each_member_sits_once_before_anyone_twice(agreed, cast, clock):
    ana, ben, cleo, dev = members(agreed)
    sessions = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=6)
    seen = []
    for session in sessions:
        hot_seats_assign(session=session, by=ben.enrollment.user)
        seen += _seated(session)
        _hold(session, clock, ana.enrollment.user)
    assert seen == [ana.pk, ben.pk, cleo.pk, dev.pk, ana.pk, ben.pk]


def test_two_seats_per_session_when_the_circle_agreed_on_two(cast, clock):
    circle = agree(cast.active_circle(cast.people[:5]), hot_seats_per_session=2)
    people = members(circle)
    first, second = circle_sessions_plan(circle=circle, by=cast.people[0].user, count=2)
    hot_seats_assign(session=first, by=cast.people[0].user)
    assert _seated(first) == [people[0].pk, people[1].pk]
    _hold(first, clock, cast.people[0].user)
    hot_seats_assign(session=second, by=cast.people[0].user)
    assert _seated(second) == [people[2].pk, people[3].pk]


def test_seats_are_set_for_the_next_session_only(agreed, cast):
    _first, second = circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=2)
    with pytest.raises(DomainError, match="next session only"):
        hot_seats_assign(session=second, by=cast.people[0].user)
    assert not HotSeat.objects.exists()


def test_an_absent_member_is_skipped_and_sits_when_back(agreed, cast, clock):
    ana, ben, cleo, _dev = members(agreed)
    first, second = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    hot_seats_assign(session=first, by=ben.enrollment.user)
    assert _seated(first) == [ana.pk]
    circle_absence_say(session=first, by=ana.enrollment.user, note="Travelling")
    # Ana said so after the seats were set: the seat passes to Ben at once.
    assert _seated(first) == [ben.pk]
    absence = SessionAbsence.objects.get()
    assert (absence.note, absence.in_advance) == ("Travelling", True)
    _hold(first, clock, ben.enrollment.user)
    hot_seats_assign(session=second, by=ben.enrollment.user)
    assert _seated(second) == [ana.pk]
    circle_absence_say(session=second, by=cleo.enrollment.user)
    with pytest.raises(DomainError, match="already said"):
        circle_absence_say(session=second, by=cleo.enrollment.user)
    assert SessionAbsence.objects.filter(session=second).count() == 1


def test_taking_an_absence_back_counts_the_member_in_again(agreed, cast):
    ana, ben, _cleo, _dev = members(agreed)
    (first,) = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=1)
    circle_absence_say(session=first, by=ana.enrollment.user)
    hot_seats_assign(session=first, by=ben.enrollment.user)
    assert _seated(first) == [ben.pk]
    circle_absence_take_back(session=first, by=ana.enrollment.user)
    assert _seated(first) == [ana.pk]
    assert not SessionAbsence.objects.exists()
    with pytest.raises(DomainError, match="had not said"):
        circle_absence_take_back(session=first, by=ana.enrollment.user)


def test_someone_outside_the_circle_cannot_say_they_will_be_absent(agreed, cast):
    (first,) = circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=1)
    with pytest.raises(DomainError, match="Only the members"):
        circle_absence_say(session=first, by=cast.people[7].user)
    assert not SessionAbsence.objects.exists()


def test_a_swap_offered_and_accepted_moves_the_seat_and_the_rotation_follows(agreed, cast, clock):
    ana, ben, cleo, dev = members(agreed)
    sessions = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=4)
    hot_seats_assign(session=sessions[0], by=ana.enrollment.user)
    offer = hot_seat_swap_offer(session=sessions[0], by=ana.enrollment.user, to=cleo)
    hot_seat_swap_answer(swap=offer, by=cleo.enrollment.user, accept=True)
    seat = HotSeat.objects.get(session=sessions[0])
    assert (seat.membership_id, seat.source, seat.swapped_with_id) == (
        cleo.pk,
        HotSeat.Source.SWAP,
        ana.pk,
    )
    offer.refresh_from_db()
    assert (offer.state, offer.accepted_by_id) == (HotSeatSwap.State.ACCEPTED, cleo.pk)
    seen = [cleo.pk]
    _hold(sessions[0], clock, ana.enrollment.user)
    for session in sessions[1:]:
        hot_seats_assign(session=session, by=ana.enrollment.user)
        seen += _seated(session)
        _hold(session, clock, ana.enrollment.user)
    # Ana waits where Cleo stood: Ben, then Ana, then Dev; everyone once.
    assert seen == [cleo.pk, ben.pk, ana.pk, dev.pk]


def test_an_open_offer_goes_to_the_first_member_who_may_take_it(agreed, cast, clock):
    ana, ben, _cleo, dev = members(agreed)
    first, second = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    _hold(first, clock, ana.enrollment.user)
    hot_seats_assign(session=second, by=ana.enrollment.user)
    offer = hot_seat_swap_offer(session=second, by=ben.enrollment.user)
    # Ana has sat in this round: she may not take it.
    with pytest.raises(DomainError, match="already had the hot seat in this round"):
        hot_seat_swap_answer(swap=offer, by=ana.enrollment.user, accept=True)
    hot_seat_swap_answer(swap=offer, by=dev.enrollment.user, accept=True)
    assert _seated(second) == [dev.pk]


def test_a_named_member_may_decline_and_the_giver_may_withdraw(agreed, cast):
    ana, ben, cleo, _dev = members(agreed)
    (first,) = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=1)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    offer = hot_seat_swap_offer(session=first, by=ana.enrollment.user, to=ben)
    with pytest.raises(DomainError, match="made to someone else"):
        hot_seat_swap_answer(swap=offer, by=cleo.enrollment.user, accept=True)
    hot_seat_swap_answer(swap=offer, by=ben.enrollment.user, accept=False)
    offer.refresh_from_db()
    assert offer.state == HotSeatSwap.State.DECLINED
    again = hot_seat_swap_offer(session=first, by=ana.enrollment.user, to=cleo)
    hot_seat_swap_withdraw(swap=again, by=ana.enrollment.user)
    with pytest.raises(DomainError, match="no longer open"):
        hot_seat_swap_answer(swap=again, by=cleo.enrollment.user, accept=True)
    assert _seated(first) == [ana.pk]


@pytest.mark.parametrize(
    ("taker", "message"),
    [
        (0, "Offer the seat to someone else."),
        (1, "Ben Member said they will be absent"),
        (4, "Offer the seat to a member of this circle."),
    ],
)
def test_an_offer_that_cannot_be_taken_is_refused(agreed, cast, taker, message):
    people = members(agreed)
    (first,) = circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=1)
    circle_absence_say(session=first, by=cast.people[1].user)
    hot_seats_assign(session=first, by=cast.people[0].user)
    to = people[taker] if taker < 4 else _outsider_membership(cast)
    with pytest.raises(DomainError, match=message) as caught:
        hot_seat_swap_offer(session=first, by=cast.people[0].user, to=to)
    assert caught.value.field == "to"
    assert not HotSeatSwap.objects.exists()


def _outsider_membership(cast):
    other = cast.active_circle(cast.people[4:8])
    return members(other)[0]


def test_an_offer_to_someone_who_already_sat_this_round_is_refused(agreed, cast, clock):
    ana, ben, _cleo, _dev = members(agreed)
    first, second = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=2)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    _hold(first, clock, ana.enrollment.user)
    hot_seats_assign(session=second, by=ana.enrollment.user)
    with pytest.raises(DomainError, match="Ana Member has already had the hot seat"):
        hot_seat_swap_offer(session=second, by=ben.enrollment.user, to=ana)


def test_only_the_member_on_the_seat_offers_it(agreed, cast):
    (first,) = circle_sessions_plan(circle=agreed, by=cast.people[0].user, count=1)
    hot_seats_assign(session=first, by=cast.people[0].user)
    with pytest.raises(DomainError, match="not on the hot seat"):
        hot_seat_swap_offer(session=first, by=cast.people[1].user)


def test_a_seat_holder_who_leaves_is_replaced_when_the_session_is_held(agreed, cast, clock):
    ana, ben, _cleo, _dev = members(agreed)
    (first,) = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=1)
    hot_seats_assign(session=first, by=ben.enrollment.user)
    clock(first.starts_at - datetime.timedelta(hours=1))
    circle_leave(membership=ana, by=ana.enrollment.user)
    _hold(first, clock, ben.enrollment.user)
    assert _seated(first) == [ben.pk]


def test_a_seat_passed_on_can_be_handed_back_to_its_giver(agreed, cast):
    ana, _ben, cleo, dev = members(agreed)
    (first,) = circle_sessions_plan(circle=agreed, by=ana.enrollment.user, count=1)
    hot_seats_assign(session=first, by=ana.enrollment.user)
    offer = hot_seat_swap_offer(session=first, by=ana.enrollment.user, to=cleo)
    hot_seat_swap_answer(swap=offer, by=cleo.enrollment.user, accept=True)
    onward = hot_seat_swap_offer(session=first, by=cleo.enrollment.user, to=dev)
    hot_seat_swap_answer(swap=onward, by=dev.enrollment.user, accept=True)
    seat = HotSeat.objects.get(session=first)
    # Still Ana's turn, given to Dev: the rotation sees one swap, Ana with Dev.
    assert (seat.membership_id, seat.swapped_with_id) == (dev.pk, ana.pk)
    back = hot_seat_swap_offer(session=first, by=dev.enrollment.user, to=ana)
    hot_seat_swap_answer(swap=back, by=ana.enrollment.user, accept=True)
    seat.refresh_from_db()
    assert (seat.membership_id, seat.source, seat.swapped_with_id) == (
        ana.pk,
        HotSeat.Source.ROTATION,
        None,
    )
