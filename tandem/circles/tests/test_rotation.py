"""The hot seat rotates fairly through absences, joins, leaves and swaps."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.circles.rotation import RotationError, RotationMember, Swap, next_hot_seats


def _run(members, count, seats=1, absences=None, swaps=None):
    sessions: list[tuple[int, ...]] = []
    for index in range(count):
        chosen = next_hot_seats(
            members=members,
            sessions=sessions,
            seats=seats,
            absent=(absences or {}).get(index, ()),
            swaps=(swaps or {}).get(index, ()),
        )
        sessions.append(chosen.seats)
    return sessions


def test_six_sessions_give_each_of_six_members_the_seat_once():
    members = [RotationMember(k) for k in range(1, 7)]
    assert _run(members, 6) == [(1,), (2,), (3,), (4,), (5,), (6,)]
    assert _run(members, 9)[6:] == [(1,), (2,), (3,)]


def test_two_seats_per_session_go_round_in_order():
    members = [RotationMember(k) for k in range(1, 6)]
    assert _run(members, 5, seats=2) == [(1, 2), (3, 4), (5, 1), (2, 3), (4, 5)]


def test_an_absent_member_is_skipped_and_sits_when_back():
    members = [RotationMember(k) for k in range(1, 5)]
    sessions: list[tuple[int, ...]] = [(1,)]
    chosen = next_hot_seats(members=members, sessions=sessions, absent=[2])
    assert chosen.seats == (3,) and chosen.skipped == (2,)
    sessions.append(chosen.seats)
    assert next_hot_seats(members=members, sessions=sessions).seats == (2,)


def test_a_newcomer_goes_to_the_end_of_the_current_round():
    members = [RotationMember(k) for k in range(1, 5)] + [RotationMember(9, joined=2)]
    assert _run(members, 7) == [(1,), (2,), (3,), (4,), (9,), (1,), (2,)]


def test_a_member_who_leaves_drops_out_of_the_rotation():
    members = [RotationMember(1), RotationMember(2, left=1), RotationMember(3)]
    assert _run(members, 4) == [(1,), (3,), (1,), (3,)]


def test_an_agreed_swap_gives_the_seat_and_the_giver_keeps_their_turn():
    members = [RotationMember(k) for k in range(1, 5)]
    result = next_hot_seats(members=members, sessions=[], swaps=[Swap(1, 3)])
    assert result.seats == (3,) and result.applied == (Swap(1, 3),)
    assert _run(members, 4, swaps={0: [Swap(1, 3)]}) == [(3,), (1,), (2,), (4,)]


def test_a_swap_with_someone_who_already_sat_this_round_is_refused():
    members = [RotationMember(k) for k in range(1, 5)]
    result = next_hot_seats(members=members, sessions=[(1,)], swaps=[Swap(2, 1), Swap(3, 4)])
    assert result.seats == (2,)
    assert result.refused == (
        (Swap(2, 1), "1 has already had the hot seat in this round."),
        (Swap(3, 4), "3 is not in the hot seat next session."),
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seats": 3}, "A session has 1 to 2 hot seats, not 3."),
        ({"absent": [7]}, r"Absent members \[7\] are not in the circle."),
    ],
)
def test_bad_input_gets_a_clear_error(kwargs, message):
    with pytest.raises(RotationError, match=message):
        next_hot_seats(members=[RotationMember(1), RotationMember(2)], sessions=[], **kwargs)


class _Rounds:
    """An independent model: the set of members still owed the seat in this round."""

    def __init__(self):
        self.owed = set()

    def join(self, current, key):
        # A round that is over gives way to a new one, at whose end the newcomer goes.
        if not self.owed & current:
            self.owed = set(current)
        self.owed.add(key)

    def check(self, current, present, seats, chosen):
        self.owed &= current
        if not self.owed:
            self.owed = set(current)
        waiting = self.owed & present
        if len(waiting) >= seats:
            assert chosen <= self.owed, (chosen, self.owed)
            self.owed -= chosen
            return
        # Everyone waiting and present sits; the rest open a new round.
        assert waiting <= chosen, (waiting, chosen)
        opened = chosen - waiting
        self.owed = current - opened if opened else self.owed - chosen
        if not self.owed:
            self.owed = set(current)


steps = st.lists(
    st.tuples(
        st.sampled_from(["session", "session", "session", "join", "leave"]),
        st.integers(0, 2**16),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(steps, st.integers(1, 2), st.integers(2, 7))
def test_nobody_sits_twice_before_everyone_present_sat_once(steps, seats, founders):
    members = {k: RotationMember(k) for k in range(founders)}
    sessions: list[tuple[int, ...]] = []
    model = _Rounds()
    model.owed = set(members)
    full_run: list[
        tuple[int, ...]
    ] = []  # consecutive sessions with everyone present, no swap, same members
    for kind, draw in steps:
        rng = random.Random(draw)
        index = len(sessions)
        current = {k for k, m in members.items() if m.active(index)}
        if kind == "join":
            key = max(members) + 1
            members[key] = RotationMember(key, joined=index)
            model.join(current, key)
            full_run = []
            continue
        if kind == "leave" and len(current) > 2:
            key = rng.choice(sorted(current))
            members[key] = RotationMember(key, joined=members[key].joined, left=index)
            full_run = []
            continue
        absent = {k for k in current if rng.random() < 0.2}
        present = current - absent
        swaps = []
        if present and rng.random() < 0.3:
            swaps = [Swap(rng.choice(sorted(current)), rng.choice(sorted(current)))]
        result = next_hot_seats(
            members=list(members.values()),
            sessions=sessions,
            absent=absent,
            seats=seats,
            swaps=swaps,
        )
        chosen = set(result.seats)
        assert len(chosen) == len(result.seats) == min(seats, len(present))
        assert chosen <= present
        model.check(current, present, seats, chosen)
        sessions.append(result.seats)
        full_run = [*full_run, result.seats] if not absent and not result.applied else []
        # Any stretch with everyone there: counts differ by at most one.
        for start in range(len(full_run)):
            counts = {k: 0 for k in current}
            for seated in full_run[start:]:
                for k in seated:
                    counts[k] += 1
            assert max(counts.values()) - min(counts.values()) <= 1
