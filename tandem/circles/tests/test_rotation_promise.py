"""The rotation keeps its promise on random sequences of sessions, absences, joins,
leaves and swaps, checked against the promise itself rather than the algorithm."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.circles.rotation import Held, Join, Leave, Rotation, Swap, next_hot_seats


class Promise:
    """The fairness rule in terms of sets: who still waits for a seat in this round."""

    def __init__(self):
        self.members: set[int] = set()
        self.waiting: set[int] = set()

    def join(self, key):
        self.members.add(key)
        self.waiting.add(key)

    def leave(self, key):
        self.members.discard(key)
        self.waiting.discard(key)
        if not self.waiting:
            self.waiting = set(self.members)

    def session(self, present, chosen):
        """Check one session's seats; return those who sat a second time in the round."""
        waiting_here = self.waiting & present
        again = chosen - self.waiting
        if again:
            # A second seat in the round: everyone present still waiting sits too.
            assert waiting_here <= chosen, (waiting_here, chosen)
            # ...and it starts the next round, in which only they have sat so far.
            self.waiting = self.members - again
        else:
            self.waiting -= chosen
            if not self.waiting:
                self.waiting = set(self.members)
        return again


class Order:
    """The order rules, which hold while no swap has changed the queue."""

    def __init__(self):
        self.pending: list[int] = []  # skipped while absent, not seated since
        self.stamp: dict[int, tuple[int, int]] = {}  # (session, seat) of the last seat

    def leave(self, key):
        if key in self.pending:
            self.pending.remove(key)

    def session(self, index, present, plan, sat_before_in_round, again, seats):
        chosen = set(plan.seats)
        back = [k for k in self.pending if k in present]
        # Skipped members sit first once back, the earliest skipped first.
        if len(back) >= seats:
            assert chosen == set(back[:seats]), (back, plan)
        else:
            assert set(back) <= chosen, (back, plan)
        # A seat that starts the next round goes to whoever sat longest ago.
        passed_over = (present & sat_before_in_round) - chosen
        for key in again:
            assert all(self.stamp[key] < self.stamp[other] for other in passed_over)
        self.pending = [k for k in self.pending if k not in chosen]
        self.pending += [k for k in plan.skipped if k not in self.pending]
        for position, key in enumerate(plan.seats):
            self.stamp[key] = (index, position)


def assert_a_fixed_cycle(stretch, members):
    """With everyone present, nobody sits twice in any stretch before everyone sat once."""
    flat = [key for seats in stretch for key in seats]
    count = len(members)
    assert len(set(flat[:count])) == len(flat[:count])
    assert all(flat[i] == flat[i - count] for i in range(count, len(flat)))


STEPS = st.sampled_from(["session"] * 5 + ["join", "leave"])


@settings(max_examples=200, deadline=None)
@given(st.data(), st.integers(1, 2), st.integers(1, 8), st.booleans(), st.integers(5, 40))
def test_the_rotation_keeps_its_promise(data, seats, founders, swapping, length):
    rotation = Rotation()
    history: list = []
    promise = Promise()
    order: Order | None = Order()
    stretch: list[tuple[int, ...]] = []  # sessions since the last absence, swap or change
    keys = iter(range(1, 1000))

    def join():
        key = next(keys)
        rotation.join(key)
        history.append(Join(key))
        promise.join(key)
        stretch.clear()

    for _ in range(founders):
        join()
    for index in range(length):
        step = data.draw(STEPS)
        members = sorted(promise.members)
        if step == "join" or not members:
            join()
            continue
        if step == "leave":
            key = data.draw(st.sampled_from(members))
            rotation.leave(key)
            history.append(Leave(key))
            promise.leave(key)
            if order:
                order.leave(key)
            stretch.clear()
            continue
        absent = data.draw(st.sets(st.sampled_from(members)))
        present = set(members) - absent
        swaps = []
        if swapping:
            due = rotation.plan(absent=absent, seats=seats).seats
            for _ in range(data.draw(st.integers(0, 2))):
                giver = data.draw(st.sampled_from([*due, *members]))
                taker = data.draw(st.sampled_from(members))
                swaps.append(Swap(giver, taker))

        plan = rotation.plan(absent=absent, seats=seats, swaps=swaps)
        assert next_hot_seats(history=history, absent=absent, seats=seats, swaps=swaps) == plan
        chosen = set(plan.seats)
        assert len(chosen) == len(plan.seats) == min(seats, len(present))
        assert chosen <= present
        assert set(plan.skipped) <= absent
        assert len(plan.applied) + len(plan.refused) == len(swaps)
        assert all(swap.taker in chosen for swap in plan.applied[-1:])

        sat_before_in_round = promise.members - promise.waiting
        again = promise.session(present, chosen)
        if plan.applied:
            order = None
        if order:
            order.session(index, present, plan, sat_before_in_round, again, seats)
        if absent or plan.applied:
            stretch.clear()
        else:
            stretch.append(plan.seats)
            assert_a_fixed_cycle(stretch, members)

        rotation.hold(plan.seats, swaps=plan.applied)
        history.append(Held(plan.seats, plan.applied))
        assert set(rotation.queue) == promise.members
