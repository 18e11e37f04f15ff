"""Form circles (mastermind groups of ``min_size``..``max_size``) from a program's members.

The objective and the hard rules are stated in ``circle_model.py``. How a run goes:

1. Check the input: bounds, pins and locked circles (``CircleInputError`` when they
   contradict each other or a hard rule).
2. Locked circles are kept as they are. Everyone else is sorted by time-zone band,
   main focus topic and level, pinned groups kept together, and cut into blocks of
   about ``BLOCK_SIZE`` people, so each block holds people who could share a circle
   and the work grows linearly with the program.
3. Each block is grouped by a greedy seed and local search (``circle_search.py``).
4. People no block could place are grouped among themselves the same way, and whoever
   is still left is offered to any circle with room.
5. Everyone placed gets reasons (``circle_explain.py``); everyone not placed, why not.

Deterministic for a given ``seed``.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from tandem.matching.engine.circle_explain import circle_reasons, unplaced_reason
from tandem.matching.engine.circle_model import (
    BLOCK_SIZE,
    CircleInputError,
    CircleInstance,
    CircleMember,
    Scorer,
    apart_index,
    build_hierarchy,
    mix_target,
)
from tandem.matching.engine.circle_search import group_block
from tandem.matching.engine.explain import Reason
from tandem.matching.engine.hierarchy import Hierarchy

ZONE_BAND_HOURS = 3.0


@dataclass(frozen=True, slots=True)
class ProposedCircle:
    """A circle of member keys, its fit, the hours that suit everyone and why."""

    members: tuple[int, ...]
    # The caller's circle id when members were pinned to it, else None (a new circle).
    circle_id: int | None
    locked: bool
    fit: float
    common_slots: tuple[int, ...]
    # Member key -> reasons this circle suits them, most telling first.
    reasons: dict[int, tuple[Reason, ...]]


@dataclass(frozen=True, slots=True)
class UnplacedMember:
    key: int
    reason: str


@dataclass(frozen=True, slots=True)
class CircleResult:
    """Circles, the people left out, the objective and how long each stage took."""

    circles: tuple[ProposedCircle, ...]
    unplaced: tuple[UnplacedMember, ...]
    # Sum over circles of size times fit (see ``circle_model.py``).
    objective: float
    placed: int
    total: int
    seconds: float

    @property
    def placed_share(self) -> float:
        return self.placed / self.total if self.total else 1.0


def _check(instance: CircleInstance) -> dict[int, list[int]]:
    """Validate the input and return the pinned members of each circle id, in order."""
    low, high = instance.min_size, instance.max_size
    if low < 2 or high < low:
        raise CircleInputError(f"Circle sizes {low}-{high} must satisfy 2 <= min <= max.")
    keys = [m.key for m in instance.members]
    if len(set(keys)) != len(keys):
        raise CircleInputError("Each member may appear only once.")
    persons = [m.person for m in instance.members]
    if len(set(persons)) != len(persons):
        raise CircleInputError("Each person may appear only once.")
    known = set(keys)
    groups: dict[int, list[int]] = {}
    for key, circle_id in sorted(instance.pinned.items()):
        if key not in known:
            raise CircleInputError(f"Pinned member {key} is not in the run.")
        groups.setdefault(circle_id, []).append(key)
    for circle_id in sorted(instance.locked_circles):
        size = len(groups.get(circle_id, ()))
        if not low <= size <= high:
            raise CircleInputError(
                f"Locked circle {circle_id} has {size} members; circles need {low}-{high}."
            )
    for circle_id, group in groups.items():
        if len(group) > high:
            raise CircleInputError(
                f"Circle {circle_id} has {len(group)} pinned members, over the maximum {high}."
            )
    return groups


def block_key(member: CircleMember) -> tuple[float, int, int, int]:
    """Order people for blocks: time-zone band, main focus topic, level, key."""
    top = min(member.focus.items(), key=lambda tw: (-tw[1], tw[0]))[0] if member.focus else -1
    band = math.floor((member.utc_offset + 12.0) / ZONE_BAND_HOURS)
    return (band, top, -1 if member.level is None else member.level, member.key)


def _blocks(units: list[list[CircleMember]], size: int) -> list[list[list[CircleMember]]]:
    """Cut sorted units (single members or pinned groups) into blocks of about ``size``."""
    total = sum(len(u) for u in units)
    count = max(1, round(total / size))
    target = total / count
    blocks: list[list[list[CircleMember]]] = [[]]
    filled = 0
    for unit in units:
        if filled >= target * len(blocks) - 0.5 and blocks[-1] and len(blocks) < count:
            blocks.append([])
        blocks[-1].append(unit)
        filled += len(unit)
    return blocks


class _Run:
    """One grouping run: its inputs, the hierarchy and the circles found so far."""

    def __init__(self, instance: CircleInstance, seed: int, block_size: int) -> None:
        self.instance = instance
        self.bounds = (instance.min_size, instance.max_size)
        self.rng = random.Random(seed)
        self.block_size = block_size
        self.hierarchy: Hierarchy = build_hierarchy(instance)
        self.mix = mix_target(instance.members)
        self.by_key = {m.key: m for m in instance.members}
        self.apart = apart_index(instance)
        # Each circle as member keys with its circle id (None for new ones).
        self.circles: list[tuple[list[int], int | None]] = []

    def scorer(self, members: Sequence[CircleMember]) -> Scorer:
        return Scorer(members, self.instance.weights, self.hierarchy, self.mix, self.apart)

    def group(self, units: list[list[CircleMember]], ids: dict[int, int]) -> list[int]:
        """Group sorted units block by block; return the keys left in the pool."""
        pool: list[int] = []
        for block in _blocks(units, self.block_size):
            members = [m for unit in block for m in unit]
            position = {m.key: i for i, m in enumerate(members)}
            pinned = [[position[m.key] for m in unit] for unit in block if unit[0].key in ids]
            found = group_block(self.scorer(members), pinned, self.bounds, self.rng)
            for circle in found.circles:
                keys = [members[i].key for i in circle]
                self.circles.append((keys, next((ids[k] for k in keys if k in ids), None)))
            pool.extend(members[i].key for i in found.pool)
        return pool

    def offer(self, pool: list[int], pinned: set[int]) -> list[int]:
        """Offer each pooled person to the circle with room where they add most."""
        left: list[int] = []
        high = self.bounds[1]
        for key in pool:
            best, best_gain = -1, -math.inf
            for ci, (keys, circle_id) in enumerate(self.circles):
                if len(keys) >= high or key in pinned or circle_id in self.instance.locked_circles:
                    continue
                members = [self.by_key[k] for k in (*keys, key)]
                scorer = self.scorer(members)
                if scorer.clashes(len(keys), range(len(keys))):
                    continue
                gain = scorer.value(range(len(members))) - scorer.value(range(len(keys)))
                if gain > best_gain:
                    best, best_gain = ci, gain
            if best < 0:
                left.append(key)
            else:
                self.circles[best][0].append(key)
        return left


def run_circles(
    instance: CircleInstance, *, seed: int = 0, block_size: int = BLOCK_SIZE
) -> CircleResult:
    """Group the instance's members into circles and explain every placement."""
    started = time.perf_counter()
    groups = _check(instance)
    run = _Run(instance, seed, block_size)
    ids = dict(instance.pinned)
    locked = instance.locked_circles
    for circle_id, group in groups.items():
        scorer = run.scorer([run.by_key[k] for k in group])
        if any(scorer.conflict):
            raise CircleInputError(
                f"Circle {circle_id} has pinned members in each other's reporting line or "
                "kept apart from each other."
            )
    for circle_id in sorted(locked):
        run.circles.append((list(groups[circle_id]), circle_id))
    in_groups = {k for g in groups.values() for k in g}
    units = [[run.by_key[k] for k in g] for cid, g in groups.items() if cid not in locked]
    units += [[m] for m in instance.members if m.key not in in_groups]
    units.sort(key=lambda u: block_key(u[0]))
    pool = run.group(units, ids)
    if pool:
        stranded = [k for k in pool if k in ids]
        rest = sorted((run.by_key[k] for k in pool if k not in ids), key=block_key)
        again = run.group([[m] for m in rest], ids) if rest else []
        pool = run.offer(again, set(ids)) + stranded
    return _result(run, pool, started)


def _result(run: _Run, pool: list[int], started: float) -> CircleResult:
    instance = run.instance
    circles: list[ProposedCircle] = []
    objective = 0.0
    for keys, circle_id in sorted(run.circles, key=lambda c: min(c[0])):
        keys = sorted(keys)
        members = [run.by_key[k] for k in keys]
        scorer = run.scorer(members)
        fit = scorer.fit(range(len(members)))
        objective += len(members) * fit
        common, reasons = circle_reasons(scorer, instance.topics)
        circles.append(
            ProposedCircle(
                members=tuple(keys),
                circle_id=circle_id,
                locked=circle_id in instance.locked_circles,
                fit=round(fit, 6),
                common_slots=common,
                reasons={k: reasons[i] for i, k in enumerate(keys)},
            )
        )
    unplaced = tuple(
        UnplacedMember(key=k, reason=unplaced_reason(run.by_key[k], instance, run.hierarchy))
        for k in sorted(pool)
    )
    placed = sum(len(c.members) for c in circles)
    return CircleResult(
        circles=tuple(circles),
        unplaced=unplaced,
        objective=objective,
        placed=placed,
        total=len(instance.members),
        seconds=time.perf_counter() - started,
    )
