"""The hot-seat rotation of a circle: who brings their questions to the next session.

Rounds. The rotation runs in rounds, numbered from 0. Each member waits for one round
(their *turn*): they are owed one seat in it, and once they sit they wait for the next.
The *current round* is the lowest round any member still waits for; it ends when nobody
waits for it. Members stand in one queue: first those waiting for the current round, in
rotation order, then those who already sat in it, in the order they sat. So the queue is
sorted by turn, and turns differ by at most one.

The promise, kept by construction (each rule below is one step of ``Rotation``) and
checked by the property test over random sequences of sessions, absences, joins, leaves
and swaps:

1. Fairness. At every session, a seat goes to a member who already sat in the current
   round only if every present member still waiting for it sits at that same session.
   Put plainly: within a round nobody sits twice while someone present has not sat once.
2. Order. A session seats the first present members of the queue, and a member who sits
   goes to its end, so the next round repeats the order of this one. With everyone
   present, no swap, and nobody joining or leaving, seats go round a fixed cycle: over any
   stretch of those sessions nobody sits twice before everyone sat once.
3. Absence. A member who will be absent is skipped and keeps their place in the queue.
   One who was due (among the first members of the queue, as many as there are seats)
   and still waits for the current round is reported in ``HotSeats.skipped``: such
   members stay at the head of the queue, ahead of newcomers too, so they sit at the
   first session they attend, the earliest skipped first when more of them come back
   than there are seats.
4. Everyone still waiting is absent. Then the seat goes to the present member first in
   line for the next round (the one whose last seat is the oldest, unless a swap changed
   the order). That starts the next round: the absent members still waiting carry over to
   its head with their place, so they sit first when they come back, but their missed
   turn becomes their turn in the new round, not an extra one; a long absence never buys
   a run of seats.
5. Joining. A newcomer waits for the current round, at the end of its waiting members:
   they sit after everyone already waiting and before anyone sits a second time.
6. Leaving. A member who leaves drops out; if nobody else waited for the round, it ends.
7. Swaps. A member chosen for a session may give the seat to a present member who waits
   for the same round as they do and is not seated at that session; the two exchange
   places in the queue, so the taker sits now and the giver waits where the taker stood.
   Any other swap is refused with the reason, so no swap can break rule 1.
8. Seats. A session has 1 or 2 hot seats. With fewer members present than seats, everyone
   present sits; nobody holds two seats of one session; nobody sits while absent.

A circle's history replays as a sequence of events (``Join``, ``Leave``, ``Held``), in the
order they happened. Pure Python: the circles services store sessions and seats, and ask
``next_hot_seats`` or ``Rotation`` what comes next.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

MAX_SEATS = 2


class RotationError(ValueError):
    """The rotation's input contradicts itself."""


@dataclass(frozen=True, slots=True)
class Swap:
    """``giver``, chosen for a session, lets ``taker`` have the seat in their place."""

    giver: int
    taker: int


@dataclass(frozen=True, slots=True)
class Join:
    member: int


@dataclass(frozen=True, slots=True)
class Leave:
    member: int


@dataclass(frozen=True, slots=True)
class Held:
    """A session that took place: its seats, and the swaps that led to them."""

    seats: tuple[int, ...]
    swaps: tuple[Swap, ...] = ()


Event = Join | Leave | Held


@dataclass(frozen=True, slots=True)
class HotSeats:
    """The next session's seats, who was due but absent, and the swaps asked for."""

    seats: tuple[int, ...]
    skipped: tuple[int, ...]
    applied: tuple[Swap, ...]
    refused: tuple[tuple[Swap, str], ...]


class Rotation:
    """The queue and turns of the current members, updated one event at a time."""

    def __init__(self) -> None:
        self._queue: list[int] = []
        self._turn: dict[int, int] = {}
        self._round = 0

    @classmethod
    def replay(cls, history: Iterable[Event]) -> Rotation:
        """Build the rotation from a circle's events, oldest first."""
        rotation = cls()
        for event in history:
            if isinstance(event, Join):
                rotation.join(event.member)
            elif isinstance(event, Leave):
                rotation.leave(event.member)
            else:
                rotation.hold(event.seats, swaps=event.swaps)
        return rotation

    @property
    def round(self) -> int:
        return self._round

    @property
    def queue(self) -> tuple[int, ...]:
        return tuple(self._queue)

    def turn(self, member: int) -> int:
        self._require(member)
        return self._turn[member]

    def waiting(self) -> tuple[int, ...]:
        """Return the members still owed a seat in the current round, in order."""
        return tuple(k for k in self._queue if self._turn[k] == self._round)

    def join(self, member: int) -> None:
        if member in self._turn:
            raise RotationError(f"Member {member} is already in the rotation.")
        self._queue.insert(len(self.waiting()), member)
        self._turn[member] = self._round

    def leave(self, member: int) -> None:
        self._require(member)
        self._queue.remove(member)
        del self._turn[member]
        self._settle()

    def plan(
        self, *, absent: Collection[int] = (), seats: int = 1, swaps: Sequence[Swap] = ()
    ) -> HotSeats:
        """Choose the next session's seats and apply the swaps that keep the promise."""
        if not 1 <= seats <= MAX_SEATS:
            raise RotationError(f"A session has 1 to {MAX_SEATS} hot seats, not {seats}.")
        strangers = sorted(set(absent) - set(self._turn))
        if strangers:
            raise RotationError(f"Absent members {strangers} are not in the circle.")
        chosen = [k for k in self._queue if k not in absent][:seats]
        skipped = tuple(
            k for k in self._queue[:seats] if k in absent and self._turn[k] == self._round
        )
        applied: list[Swap] = []
        refused: list[tuple[Swap, str]] = []
        for swap in swaps:
            problem = self._swap_problem(swap, chosen, absent)
            if problem:
                refused.append((swap, problem))
                continue
            chosen[chosen.index(swap.giver)] = swap.taker
            applied.append(swap)
        return HotSeats(
            seats=tuple(chosen), skipped=skipped, applied=tuple(applied), refused=tuple(refused)
        )

    def hold(self, seats: Sequence[int], *, swaps: Sequence[Swap] = ()) -> None:
        """Record a session: exchange the swapped members' places, then seat ``seats``."""
        for swap in swaps:
            problem = self._swap_problem(swap, [swap.giver], ())
            if problem:
                raise RotationError(f"The swap of {swap.giver} with {swap.taker}: {problem}")
            i, j = self._queue.index(swap.giver), self._queue.index(swap.taker)
            self._queue[i], self._queue[j] = swap.taker, swap.giver
        if len(set(seats)) != len(seats) or len(seats) > MAX_SEATS:
            raise RotationError(f"A session seats 1 to {MAX_SEATS} different members.")
        for member in seats:
            self._require(member)
        # Seat in queue order, so the one still waiting for the current round sits in it
        # before a second seat can start the next round.
        for member in sorted(seats, key=self._queue.index):
            self._sit(member)

    def _sit(self, member: int) -> None:
        turn = self._turn[member]
        if turn > self._round:
            # Everyone still waiting for the current round is absent: the round ends and
            # they carry over, at the head of the queue, to the round this seat starts.
            for key in self._queue:
                self._turn[key] = max(self._turn[key], turn)
        self._queue.remove(member)
        self._queue.append(member)
        self._turn[member] = turn + 1
        self._settle()

    def _settle(self) -> None:
        if self._queue:
            self._round = self._turn[self._queue[0]]

    def _swap_problem(
        self, swap: Swap, chosen: Sequence[int], absent: Collection[int]
    ) -> str | None:
        if swap.giver not in chosen:
            return f"{swap.giver} is not in the hot seat next session."
        if swap.taker not in self._turn:
            return f"{swap.taker} is not a member of the circle."
        if swap.taker in chosen:
            return f"{swap.taker} is already in the hot seat next session."
        if swap.taker in absent:
            return f"{swap.taker} will be absent."
        if self._turn[swap.taker] != self._turn[swap.giver]:
            return f"{swap.taker} has already had the hot seat in this round."
        return None

    def _require(self, member: int) -> None:
        if member not in self._turn:
            raise RotationError(f"Member {member} is not in the rotation.")


def next_hot_seats(
    *,
    history: Iterable[Event],
    absent: Collection[int] = (),
    seats: int = 1,
    swaps: Sequence[Swap] = (),
) -> HotSeats:
    """Choose the hot seats of the session after ``history``, applying ``swaps`` in order."""
    return Rotation.replay(history).plan(absent=absent, seats=seats, swaps=swaps)
