"""Circle grouping: its input records and the objective it maximizes.

A circle's *fit* is a number in [0, 1], the weighted mean (weights summed to 1) of:

- ``focus``: the mean, over pairs of members, of the cosine between their focus vectors
  (topic id -> how much it matters, 1..3), so circles of people who want help with the
  same things score high;
- ``slots``: ``COMMON_SHARE`` if at least one weekly hour (in UTC) suits every member, plus
  the rest times the mean pairwise overlap (Jaccard) of free hours, which rewards circles
  that are close to having a common hour;
- ``time_zone``: one minus the spread of UTC offsets over ``ZONE_SPAN`` hours (never
  below zero);
- ``mix``: distinct experience levels in the circle, up to ``MIX_TARGET`` (or as many as
  the instance has), over that target.

The objective of a grouping is the sum over circles of size times fit: each placed member
counts their circle's fit once, so the objective divided by the people placed is the mean
fit a member sees. Placing people comes first: a grouping that places more people is
better whatever its fits (the exact solver makes this lexicographic explicitly).

Hard rules: every circle has between ``min_size`` and ``max_size`` members; nobody shares
a circle with anyone in their reporting line (their manager, their manager's manager, ...,
or anyone below them), the same rule the pair engine uses, nor with anyone the caller
keeps them apart from (``apart``: an earlier "not a fit", "do not match"); pinned members
sit in their pinned circle; a locked circle keeps exactly its pinned members.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tandem.matching.engine.hierarchy import Hierarchy
from tandem.matching.engine.instance import Topic

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

HOURS_PER_WEEK = 168
COMMON_SHARE = 0.7
ZONE_SPAN = 12.0
MIX_TARGET = 3
# Circles that are not locked are formed in blocks of about this many people at a time.
BLOCK_SIZE = 40


class CircleInputError(ValueError):
    """The grouping input contradicts itself (bounds, pins or locked circles)."""


@dataclass(frozen=True, slots=True)
class CircleMember:
    """Someone to place in a circle: what they want to work on, when and how senior."""

    key: int
    # Ties the member to the reporting lines (``CircleInstance.managers``).
    person: int
    # Topic id -> how much it matters to them (1 nice to have .. 3 top priority).
    focus: Mapping[int, int] = field(default_factory=dict)
    utc_offset: float = 0.0
    # Hours of the week, in UTC, when they can meet: 0 is Monday 00:00, 167 Sunday 23:00.
    slots: frozenset[int] = frozenset()
    # An ordinal experience level (larger is more experienced); None when unknown.
    level: int | None = None


@dataclass(frozen=True, slots=True)
class CircleWeights:
    """Relative weights of the fit components; only their ratios matter."""

    focus: float = 0.4
    slots: float = 0.3
    time_zone: float = 0.1
    mix: float = 0.2


@dataclass(frozen=True, slots=True)
class CircleInstance:
    """Everyone to group, the size bounds, reporting lines, pins and locks."""

    members: Sequence[CircleMember]
    min_size: int = 4
    max_size: int = 8
    topics: Sequence[Topic] = ()
    # Person id -> their manager's person id.
    managers: Mapping[int, int] = field(default_factory=dict)
    # Member key -> the caller's id of the circle an admin pinned them to.
    pinned: Mapping[int, int] = field(default_factory=dict)
    # Circle ids (from ``pinned``) whose membership is final: nobody joins or leaves.
    locked_circles: frozenset[int] = frozenset()
    weights: CircleWeights = CircleWeights()
    # Pairs of member keys who may never share a circle, whatever their reporting lines.
    apart: frozenset[tuple[int, int]] = frozenset()


def slot_mask(slots: frozenset[int]) -> int:
    """Pack weekly hours into one integer, bit h set when hour h suits the member."""
    mask = 0
    for hour in slots:
        if not 0 <= hour < HOURS_PER_WEEK:
            raise CircleInputError(f"Slot {hour} is not an hour of the week (0-167).")
        mask |= 1 << hour
    return mask


class Scorer:
    """The fit of any set of members (by index), from tables computed once.

    ``pair`` holds each pair's share of the fit (focus cosine and slot overlap, already
    weighted) as nested lists: circles are small, so plain Python lookups beat numpy
    calls on every move of the local search.
    """

    def __init__(
        self,
        members: Sequence[CircleMember],
        weights: CircleWeights,
        hierarchy: Hierarchy,
        mix_target: int,
        apart: Mapping[int, frozenset[int]] | None = None,
    ) -> None:
        total = weights.focus + weights.slots + weights.time_zone + weights.mix
        if total <= 0:
            raise CircleInputError("At least one fit weight must be positive.")
        self.members = members
        self.w_focus = weights.focus / total
        self.w_common = COMMON_SHARE * weights.slots / total
        self.w_zone = weights.time_zone / total
        self.w_mix = weights.mix / total
        self.mix_target = max(mix_target, 1)
        self.masks = [slot_mask(m.slots) for m in members]
        self.offsets = [float(m.utc_offset) for m in members]
        self.levels = [-1 if m.level is None else int(m.level) for m in members]
        # Each level as one bit, so a circle's distinct levels are the bits of an OR.
        codes = {lv: b for b, lv in enumerate(sorted({lv for lv in self.levels if lv >= 0}))}
        self.level_bits = [0 if lv < 0 else 1 << codes[lv] for lv in self.levels]
        self.mix_score = [
            self.w_mix * min(d, self.mix_target) / self.mix_target for d in range(len(codes) + 1)
        ]
        nodes = hierarchy.nodes([m.person for m in members])
        self.tin, self.tout = hierarchy.tin[nodes], hierarchy.tout[nodes]
        self.pair = self._pair_table(weights, total)
        self.conflict = self._conflicts(apart or {})

    def _pair_table(self, weights: CircleWeights, total: float) -> list[list[float]]:
        members = self.members
        topics = sorted({t for m in members for t in m.focus})
        column = {t: i for i, t in enumerate(topics)}
        vectors = np.zeros((len(members), max(len(topics), 1)))
        for i, m in enumerate(members):
            for t, w in m.focus.items():
                vectors[i, column[t]] = max(w, 0)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        cosine = vectors @ vectors.T
        hours = np.zeros((len(members), HOURS_PER_WEEK))
        for i, m in enumerate(members):
            hours[i, sorted(m.slots)] = 1.0
        inter = hours @ hours.T
        count = hours.sum(axis=1)
        union = count[:, None] + count[None, :] - inter
        jaccard = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        self.cosine: list[list[float]] = cosine.tolist()
        table = (weights.focus * cosine + (1 - COMMON_SHARE) * weights.slots * jaccard) / total
        rows: list[list[float]] = table.tolist()
        return rows

    def _conflicts(self, apart: Mapping[int, frozenset[int]]) -> list[set[int]]:
        n = len(self.members)
        tin, tout = self.tin, self.tout
        above = (tin[:, None] <= tin[None, :]) & (tin[None, :] < tout[:, None])
        related = above | above.T
        np.fill_diagonal(related, False)
        conflict = [set(np.flatnonzero(related[i]).tolist()) for i in range(n)]
        if apart:
            index = {m.key: i for i, m in enumerate(self.members)}
            for i, m in enumerate(self.members):
                for other in apart.get(m.key, ()):
                    j = index.get(other)
                    if j is not None and j != i:
                        conflict[i].add(j)
                        conflict[j].add(i)
        return conflict

    def fit(self, circle: Sequence[int]) -> float:
        """Return the fit of a circle of these members (0 for an empty one)."""
        k = len(circle)
        if k == 0:
            return 0.0
        pair = 0.0
        if k > 1:
            table = self.pair
            for a in range(k - 1):
                row = table[circle[a]]
                for b in range(a + 1, k):
                    pair += row[circle[b]]
            pair /= k * (k - 1) / 2
        common = -1
        levels = 0
        offsets, masks, grades = self.offsets, self.masks, self.level_bits
        low = high = offsets[circle[0]]
        for i in circle:
            common &= masks[i]
            offset = offsets[i]
            if offset < low:
                low = offset
            elif offset > high:
                high = offset
            levels |= grades[i]
        zone = 1.0 - (high - low) / ZONE_SPAN
        mix = self.mix_score[levels.bit_count()]
        return (
            pair
            + (self.w_common if common else 0.0)
            + (self.w_zone * zone if zone > 0 else 0.0)
            + mix
        )

    def value(self, circle: Sequence[int]) -> float:
        """Return the circle's share of the objective: its size times its fit."""
        return len(circle) * self.fit(circle)

    def clashes(self, member: int, circle: Sequence[int], skip: int = -1) -> bool:
        """Tell whether ``member`` must be apart from anyone in the circle (reporting line
        or ``apart``)."""
        bad = self.conflict[member]
        return any(other in bad for other in circle if other != skip)


def mix_target(members: Sequence[CircleMember]) -> int:
    """Return how many distinct levels a circle needs for a full mix score."""
    known = {m.level for m in members if m.level is not None}
    return min(MIX_TARGET, max(len(known), 1))


def build_hierarchy(instance: CircleInstance) -> Hierarchy:
    """Index the reporting lines of everyone in the instance."""
    return Hierarchy.build(instance.managers, (m.person for m in instance.members))


def apart_index(instance: CircleInstance) -> dict[int, frozenset[int]]:
    """Return, for each member key, the keys they must never share a circle with."""
    found: dict[int, set[int]] = {}
    for a, b in instance.apart:
        if a != b:
            found.setdefault(a, set()).add(b)
            found.setdefault(b, set()).add(a)
    return {key: frozenset(keys) for key, keys in found.items()}
