"""The hot seat rotates by its rules: order, absences, empty rounds, joins, leaves, swaps."""

import pytest

from tandem.circles.rotation import (
    Event,
    Held,
    Join,
    Leave,
    Rotation,
    RotationError,
    Swap,
    next_hot_seats,
)


def _founders(*keys):
    rotation = Rotation()
    for key in keys:
        rotation.join(key)
    return rotation


def _run(rotation, count, *, seats=1, absences=None, swaps=None):
    """Plan and hold ``count`` sessions; return the seats of each."""
    held = []
    for index in range(count):
        plan = rotation.plan(
            absent=(absences or {}).get(index, ()),
            seats=seats,
            swaps=(swaps or {}).get(index, ()),
        )
        rotation.hold(plan.seats, swaps=plan.applied)
        held.append(plan.seats)
    return held


def test_six_members_each_sit_once_then_the_order_repeats():
    rotation = _founders(1, 2, 3, 4, 5, 6)
    assert _run(rotation, 9) == [(1,), (2,), (3,), (4,), (5,), (6,), (1,), (2,), (3,)]


def test_two_seats_go_round_in_order_across_rounds():
    rotation = _founders(1, 2, 3, 4, 5)
    assert _run(rotation, 5, seats=2) == [(1, 2), (3, 4), (5, 1), (2, 3), (4, 5)]


def test_an_absent_member_is_skipped_and_sits_at_the_first_session_they_attend():
    rotation = _founders(1, 2, 3, 4)
    rotation.hold([1])
    plan = rotation.plan(absent=[2])
    assert plan.seats == (3,) and plan.skipped == (2,)
    rotation.hold(plan.seats)
    assert _run(rotation, 2, absences={0: [4]}) == [(2,), (4,)]


def test_members_skipped_together_sit_as_they_come_back_before_anyone_else():
    rotation = _founders(1, 2, 3, 4, 5, 6)
    plan = rotation.plan(absent=[1, 2], seats=2)
    assert plan.seats == (3, 4) and plan.skipped == (1, 2)
    rotation.hold(plan.seats)
    assert _run(rotation, 2, seats=2, absences={0: [2]}) == [(1, 5), (2, 6)]


def test_when_more_skipped_members_come_back_than_seats_the_earliest_skipped_sits_first():
    rotation = _founders(1, 2, 3, 4)
    assert _run(rotation, 2, absences={0: [1], 1: [1, 3]}) == [(2,), (4,)]
    assert _run(rotation, 3) == [(1,), (3,), (2,)]


def test_an_absent_member_who_is_not_due_keeps_their_place():
    rotation = _founders(1, 2, 3)
    plan = rotation.plan(absent=[3])
    assert plan.seats == (1,) and plan.skipped == ()


def test_when_everyone_still_waiting_is_absent_the_next_round_starts_with_them_at_its_head():
    rotation = _founders(1, 2, 3, 4)
    _run(rotation, 3)
    # 4 alone waits for round 0 and is away: the seat starts round 1 with 1, who sat first.
    plan = rotation.plan(absent=[4])
    assert plan.seats == (1,) and plan.skipped == (4,)
    rotation.hold(plan.seats)
    assert rotation.round == 1
    assert rotation.waiting() == (4, 2, 3)
    # 4 sits first once back, then the round goes on; the missed turn is not owed twice.
    assert _run(rotation, 4) == [(4,), (2,), (3,), (1,)]


def test_a_long_absence_does_not_buy_a_run_of_seats():
    rotation = _founders(1, 2, 3)
    held = _run(rotation, 7, absences={i: [3] for i in range(7)})
    assert held == [(1,), (2,), (1,), (2,), (1,), (2,), (1,)]
    assert _run(rotation, 3) == [(3,), (2,), (1,)]


def test_with_two_seats_the_last_one_waiting_sits_and_the_other_seat_starts_the_next_round():
    rotation = _founders(1, 2, 3)
    assert _run(rotation, 3, seats=2) == [(1, 2), (3, 1), (2, 3)]


def test_with_two_seats_and_the_last_one_waiting_away_both_seats_start_the_next_round():
    rotation = _founders(1, 2, 3, 4, 5)
    rotation.hold([1, 2])
    rotation.hold([3, 4])
    plan = rotation.plan(absent=[5], seats=2)
    assert plan.seats == (1, 2) and plan.skipped == (5,)
    rotation.hold(plan.seats)
    assert rotation.waiting() == (5, 3, 4)


def test_fewer_members_present_than_seats_all_sit_and_none_twice():
    rotation = _founders(1, 2, 3)
    assert rotation.plan(absent=[1, 2], seats=2).seats == (3,)
    assert rotation.plan(absent=[1, 2, 3], seats=2).seats == ()


def test_a_newcomer_sits_at_the_end_of_the_current_round():
    rotation = _founders(1, 2, 3, 4)
    _run(rotation, 2)
    rotation.join(9)
    assert rotation.waiting() == (3, 4, 9)
    assert _run(rotation, 5) == [(3,), (4,), (9,), (1,), (2,)]


def test_a_newcomer_after_a_round_ended_waits_at_the_end_of_the_next_one():
    rotation = _founders(1, 2)
    _run(rotation, 2)
    rotation.join(3)
    assert _run(rotation, 3) == [(1,), (2,), (3,)]


def test_a_member_who_leaves_drops_out_of_the_rotation():
    rotation = _founders(1, 2, 3)
    rotation.hold([1])
    rotation.leave(2)
    assert _run(rotation, 3) == [(3,), (1,), (3,)]


def test_when_the_last_member_waiting_leaves_the_round_ends():
    rotation = _founders(1, 2, 3)
    _run(rotation, 2)
    rotation.leave(3)
    assert rotation.round == 1
    assert rotation.waiting() == (1, 2)


def test_a_member_who_leaves_and_comes_back_joins_as_a_newcomer():
    rotation = _founders(1, 2, 3)
    rotation.hold([1])
    rotation.leave(1)
    rotation.join(1)
    assert rotation.waiting() == (2, 3, 1)


def test_a_swap_seats_the_taker_and_the_giver_waits_in_their_place():
    rotation = _founders(1, 2, 3, 4)
    plan = rotation.plan(swaps=[Swap(1, 3)])
    assert plan.seats == (3,) and plan.applied == (Swap(1, 3),) and plan.refused == ()
    rotation.hold(plan.seats, swaps=plan.applied)
    assert rotation.queue == (2, 1, 4, 3)
    assert _run(rotation, 4) == [(2,), (1,), (4,), (3,)]


def test_a_swap_of_the_first_seat_of_a_new_round_keeps_both_in_that_round():
    rotation = _founders(1, 2, 3)
    _run(rotation, 2)
    # 3 is away; 1 would start round 1 and hands it to 2, who also sat in round 0.
    plan = rotation.plan(absent=[3], swaps=[Swap(1, 2)])
    assert plan.seats == (2,)
    rotation.hold(plan.seats, swaps=plan.applied)
    assert rotation.waiting() == (3, 1)


@pytest.mark.parametrize(
    ("swap", "absent", "reason"),
    [
        (Swap(3, 4), (), "3 is not in the hot seat next session."),
        (Swap(2, 8), (), "8 is not a member of the circle."),
        (Swap(2, 2), (), "2 is already in the hot seat next session."),
        (Swap(2, 4), (4,), "4 will be absent."),
        (Swap(2, 1), (), "1 has already had the hot seat in this round."),
    ],
)
def test_a_swap_that_would_break_the_rotation_is_refused_with_the_reason(swap, absent, reason):
    rotation = _founders(1, 2, 3, 4)
    rotation.hold([1])
    plan = rotation.plan(absent=absent, swaps=[swap])
    assert plan.seats == (2,) and plan.applied == ()
    assert plan.refused == ((swap, reason),)


def test_a_swap_with_someone_already_in_the_other_seat_is_refused():
    rotation = _founders(1, 2, 3, 4)
    plan = rotation.plan(seats=2, swaps=[Swap(1, 2)])
    assert plan.seats == (1, 2)
    assert plan.refused == ((Swap(1, 2), "2 is already in the hot seat next session."),)


def test_the_last_one_waiting_cannot_swap_with_someone_who_already_sat():
    rotation = _founders(1, 2, 3)
    _run(rotation, 2)
    plan = rotation.plan(seats=2, swaps=[Swap(3, 2)])
    assert plan.seats == (3, 1)
    assert plan.refused == ((Swap(3, 2), "2 has already had the hot seat in this round."),)


def test_replaying_the_history_gives_the_same_plan_as_the_live_rotation():
    history: list[Event] = [Join(1), Join(2), Join(3), Held((1,)), Join(4)]
    history += [Held((3,), (Swap(2, 3),)), Leave(1), Held((2,))]
    assert next_hot_seats(history=history).seats == (4,)
    assert next_hot_seats(history=history, seats=2).seats == (4, 3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seats": 3}, "A session has 1 to 2 hot seats, not 3."),
        ({"seats": 0}, "A session has 1 to 2 hot seats, not 0."),
        ({"absent": [7]}, r"Absent members \[7\] are not in the circle."),
    ],
)
def test_bad_plan_input_gets_a_clear_error(kwargs, message):
    with pytest.raises(RotationError, match=message):
        next_hot_seats(history=[Join(1), Join(2)], **kwargs)


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([Join(1), Join(1)], "Member 1 is already in the rotation."),
        ([Join(1), Leave(2)], "Member 2 is not in the rotation."),
        ([Join(1), Held((2,))], "Member 2 is not in the rotation."),
        ([Join(1), Held((1, 1))], "A session seats 1 to 2 different members."),
        (
            [Join(1), Join(2), Held((1,)), Held((2,), (Swap(1, 2),))],
            "The swap of 1 with 2: 2 has already had the hot seat in this round.",
        ),
    ],
)
def test_a_history_that_contradicts_itself_is_refused(history, message):
    with pytest.raises(RotationError, match=message):
        Rotation.replay(history)
