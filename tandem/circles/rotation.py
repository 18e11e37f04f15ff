"""The hot-seat rotation of a circle: who brings their questions to the next session.

Fairness rule: over any stretch of sessions every member gets the seat once before anyone
gets it twice. The rotation keeps, per member, how many turns they have had and when
their last one was, replayed from the sessions held so far:

- Each session seats the present members with the fewest turns, earliest last turn first
  (so the order of one round repeats in the next), then earliest join, then key.
- A member who will be absent is skipped and keeps their turn: they still have fewer
  turns and an earlier last turn, so they sit at the first session they attend. They keep
  it for one round: when everyone present has had the seat, a new round starts and an
  absent member's missed turn becomes their turn in the new round (turns never lag the
  most by more than one), so a long absence does not buy a run of seats.
- A newcomer starts level with the members still waiting in the current round and
  sorts after them: they go at the end of the round.
- A member who leaves simply drops out.
- Two members may swap: the member due gives the seat to one who has not had it in this
  round (so fairness holds) and keeps their own turn for a later session.

Pure Python: the circles app stores sessions and calls ``next_hot_seats``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

MAX_SEATS = 2


class RotationError(ValueError):
    """The rotation's input contradicts itself."""


@dataclass(frozen=True, slots=True)
class RotationMember:
    """A member of the circle and the sessions they belong to."""

    key: int
    # Index of the first session they take part in (0 for founding members).
    joined: int = 0
    # Index of the first session after they left, or None while they are a member.
    left: int | None = None

    def active(self, session: int) -> bool:
        return self.joined <= session and (self.left is None or session < self.left)


@dataclass(frozen=True, slots=True)
class Swap:
    """The member due (``giver``) lets ``taker`` have the seat and keeps their turn."""

    giver: int
    taker: int


@dataclass(frozen=True, slots=True)
class HotSeats:
    """The next session's hot seats, who was passed over while absent, and the swaps."""

    seats: tuple[int, ...]
    # Absent members who would have sat had everyone come: they keep their turn.
    skipped: tuple[int, ...]
    applied: tuple[Swap, ...]
    refused: tuple[tuple[Swap, str], ...]


@dataclass(slots=True)
class _Standing:
    turns: int
    # When they last had the seat; a newcomer gets their join session minus a half,
    # which sorts them after everyone still waiting in the round.
    mark: float
    joined: int


class _Rotation:
    """Turns and last turns of the current members, replayed session by session."""

    def __init__(self, members: Sequence[RotationMember]) -> None:
        keys = [m.key for m in members]
        if len(set(keys)) != len(keys):
            raise RotationError("Each member may appear only once.")
        self.members = members
        self.standing: dict[int, _Standing] = {}

    def open(self, session: int) -> list[int]:
        """Let members join or leave before ``session``; return those taking part."""
        current = [m for m in self.members if m.active(session)]
        keys = {m.key for m in current}
        # Newcomers join the round in progress, which members leaving at the same time
        # were still part of: the floor is taken before they go.
        existing = [s.turns for s in self.standing.values()]
        floor = min(existing) if existing else 0
        for key in [k for k in self.standing if k not in keys]:
            del self.standing[key]
        for m in current:
            if m.key not in self.standing:
                self.standing[m.key] = _Standing(floor, session - 0.5, m.joined)
        return sorted(keys)

    def order(self, keys: Collection[int]) -> list[int]:
        """Sort members by who is owed the seat most."""
        standing = self.standing
        return sorted(
            keys, key=lambda k: (standing[k].turns, standing[k].mark, standing[k].joined, k)
        )

    def sit(self, session: int, seats: Sequence[int]) -> None:
        for key in seats:
            if key in self.standing:
                self.standing[key].turns += 1
                self.standing[key].mark = session
        # Once anyone starts a new round, a turn missed in the old one is not owed twice.
        if self.standing:
            top = max(s.turns for s in self.standing.values())
            for s in self.standing.values():
                s.turns = max(s.turns, top - 1)


def _replay(members: Sequence[RotationMember], sessions: Sequence[Sequence[int]]) -> _Rotation:
    rotation = _Rotation(members)
    for index, seats in enumerate(sessions):
        rotation.open(index)
        rotation.sit(index, seats)
    return rotation


def _swap_problem(
    swap: Swap, chosen: list[int], present: set[int], rotation: _Rotation
) -> str | None:
    if swap.giver not in chosen:
        return f"{swap.giver} is not in the hot seat next session."
    if swap.taker in chosen:
        return f"{swap.taker} is already in the hot seat next session."
    if swap.taker not in rotation.standing:
        return f"{swap.taker} is not a member of the circle."
    if swap.taker not in present:
        return f"{swap.taker} will be absent."
    if rotation.standing[swap.taker].turns > rotation.standing[swap.giver].turns:
        return f"{swap.taker} has already had the hot seat in this round."
    return None


def next_hot_seats(
    *,
    members: Sequence[RotationMember],
    sessions: Sequence[Sequence[int]],
    absent: Collection[int] = (),
    seats: int = 1,
    swaps: Sequence[Swap] = (),
) -> HotSeats:
    """Choose the hot seats of the session after ``sessions`` (each the seats it had).

    Swaps are applied in order; one that would break the fairness rule is refused with
    the reason. With fewer members present than seats, everyone present sits.
    """
    if not 1 <= seats <= MAX_SEATS:
        raise RotationError(f"A session has 1 to {MAX_SEATS} hot seats, not {seats}.")
    rotation = _replay(members, sessions)
    session = len(sessions)
    current = rotation.open(session)
    unknown = sorted(set(absent) - set(current))
    if unknown:
        raise RotationError(f"Absent members {unknown} are not in the circle.")
    present = set(current) - set(absent)
    chosen = rotation.order(present)[:seats]
    due = rotation.order(current)[:seats]
    skipped = tuple(k for k in due if k not in present)
    applied: list[Swap] = []
    refused: list[tuple[Swap, str]] = []
    for swap in swaps:
        problem = _swap_problem(swap, chosen, present, rotation)
        if problem:
            refused.append((swap, problem))
            continue
        chosen[chosen.index(swap.giver)] = swap.taker
        applied.append(swap)
    return HotSeats(
        seats=tuple(chosen), skipped=skipped, applied=tuple(applied), refused=tuple(refused)
    )
