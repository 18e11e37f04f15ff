"""The exact optimum of circle grouping for small instances, as a set-packing program.

Every circle that keeps the hard rules is listed (each subset of free members of an
allowed size with nobody in another's reporting line or kept apart from another, with or
without one unlocked pinned group), and OR-Tools CP-SAT picks disjoint circles
maximizing, lexicographically, the pinned people placed, the people placed and then the
objective of
``circle_model.py`` (in millionths). The number of subsets grows as 2^n, so this is for
tests and audits up to about 14 people, not for programs.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from tandem.matching.engine.circle_model import (
    CircleInputError,
    CircleInstance,
    Scorer,
    apart_index,
    build_hierarchy,
    mix_target,
)

SCALE = 1_000_000
MAX_MEMBERS = 14


@dataclass(frozen=True, slots=True)
class ExactGrouping:
    """The optimal circles (member keys), people placed and objective."""

    circles: tuple[tuple[int, ...], ...]
    placed: int
    objective: float


def _candidates(instance: CircleInstance, scorer: Scorer) -> list[list[int]]:
    low, high = instance.min_size, instance.max_size
    index = {m.key: i for i, m in enumerate(instance.members)}
    groups: dict[int, list[int]] = {}
    for key, circle_id in instance.pinned.items():
        groups.setdefault(circle_id, []).append(index[key])
    pinned = {i for g in groups.values() for i in g}
    free = [i for i in range(len(instance.members)) if i not in pinned]
    found = [sorted(groups[c]) for c in instance.locked_circles]
    bases: list[list[int]] = [[]] + [
        sorted(g) for c, g in groups.items() if c not in instance.locked_circles
    ]
    for base in bases:
        for size in range(max(low - len(base), 0), high - len(base) + 1):
            for extra in combinations(free, size):
                circle = base + list(extra)
                if len(circle) < low:
                    continue
                if any(scorer.clashes(m, circle) for m in circle):
                    continue
                found.append(circle)
    return found


def exact_grouping(instance: CircleInstance, time_limit: float = 60.0) -> ExactGrouping:
    """Return a grouping that places the most people and then has the best objective."""
    n = len(instance.members)
    if n > MAX_MEMBERS:
        raise CircleInputError(f"The exact solver takes at most {MAX_MEMBERS} members.")
    scorer = Scorer(
        instance.members,
        instance.weights,
        build_hierarchy(instance),
        mix_target(instance.members),
        apart_index(instance),
    )
    candidates = _candidates(instance, scorer)
    model = cp_model.CpModel()
    pick = [model.new_bool_var(f"c{i}") for i in range(len(candidates))]
    covering: list[list[int]] = [[] for _ in range(n)]
    for c, circle in enumerate(candidates):
        for m in circle:
            covering[m].append(c)
    for m in range(n):
        if covering[m]:
            model.add_at_most_one(pick[c] for c in covering[m])
    locked = len(instance.locked_circles)
    for c in range(locked):
        model.add(pick[c] == 1)
    values = [round(scorer.value(circle) * SCALE) for circle in candidates]
    # Tiers, each worth more than everything below it: pinned people placed, people
    # placed, then the objective.
    big = SCALE * (n + 1)
    pinned = {i for i, m in enumerate(instance.members) if m.key in instance.pinned}
    model.maximize(
        sum(
            pick[c]
            * (big * (n + 1) * len(pinned.intersection(circle)) + big * len(circle) + values[c])
            for c, circle in enumerate(candidates)
        )
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status != cp_model.OPTIMAL:
        raise RuntimeError(f"CP-SAT stopped without proving an optimum ({status}).")
    keys = [m.key for m in instance.members]
    chosen = [candidates[c] for c in range(len(candidates)) if solver.value(pick[c])]
    return ExactGrouping(
        circles=tuple(tuple(sorted(keys[i] for i in circle)) for circle in chosen),
        placed=sum(len(circle) for circle in chosen),
        objective=sum(scorer.value(circle) for circle in chosen),
    )
