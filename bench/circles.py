"""Benchmark circle grouping against two straightforward groupings of the same people.

Run from the repository root:

    .venv/bin/python -m bench.circles                # 1k and 10k members
    .venv/bin/python -m bench.circles --sizes 10k

Instances (seed 0): an organization 30 % larger than the program, a reporting tree six
wide, of which a random set of members enrolled (their managers may or may not be
enrolled); 60 topics with Zipf popularity, one to three per member weighted 1-3; ten time
zones, most people in three; each member free at four to eight of 25 usual meeting hours
of their own week (08, 12, 13, 17 or 18 local on a weekday), stored in UTC; levels 1-5.
Circles of 4-8.

Methods: ``tandem`` is ``run_circles`` end to end (blocks, local search, explanations).
``sorted-chunks`` sorts people by time-zone band, main topic and level (the engine's own
block order) and cuts circles of six in that order; ``random`` deals a shuffled list into
circles of six. Both baselines skip a circle that holds someone in a member's reporting
line and take the next with room, and leave out whoever fits nowhere. Every grouping is
scored with the same objective (``circle_model.py``) and checked against the hard rules.
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import time
from collections.abc import Callable

import numpy as np

from tandem.matching.engine.circle_model import (
    CircleInstance,
    CircleMember,
    Scorer,
    build_hierarchy,
    mix_target,
)
from tandem.matching.engine.circles import block_key, run_circles

SIZES = {"1k": 1_000, "10k": 10_000}
ZONES = [-8.0, -5.0, -4.0, 0.0, 1.0, 2.0, 5.5, 8.0, 9.0, 10.0]
ZONE_WEIGHTS = [0.08, 0.2, 0.07, 0.1, 0.25, 0.08, 0.1, 0.04, 0.04, 0.04]
LOCAL_HOURS = [8, 12, 13, 17, 18]
BASELINE_SIZE = 6
Grouping = list[list[int]]


def generate(n: int, seed: int = 0) -> CircleInstance:
    """Make a program of ``n`` members drawn from a larger organization."""
    rng = np.random.default_rng(seed)
    org = int(n * 1.3)
    managers = {p: (p - 1) // 6 for p in range(1, org)}
    persons = np.sort(rng.choice(org, size=n, replace=False))
    popularity = 1.0 / np.arange(1, 61) ** 1.1
    popularity /= popularity.sum()
    members = []
    for key, person in enumerate(persons.tolist()):
        topics = rng.choice(60, size=int(rng.integers(1, 4)), replace=False, p=popularity)
        offset = float(rng.choice(ZONES, p=ZONE_WEIGHTS))
        hours = rng.choice(LOCAL_HOURS, size=int(rng.integers(4, 9)))
        days = rng.integers(0, 5, size=hours.size)
        slots = frozenset(
            int((d * 24 + h - math.floor(offset)) % 168)
            for d, h in zip(days.tolist(), hours.tolist(), strict=True)
        )
        members.append(
            CircleMember(
                key=key,
                person=person,
                focus={int(t): int(rng.integers(1, 4)) for t in topics},
                utc_offset=offset,
                slots=slots,
                level=int(rng.choice([1, 2, 3, 4, 5], p=[0.3, 0.3, 0.2, 0.12, 0.08])),
            )
        )
    return CircleInstance(members=members, min_size=4, max_size=8, managers=managers)


def _deal(instance: CircleInstance, order: list[int]) -> Grouping:
    """Deal members in ``order`` into circles of six, skipping circles with a clash."""
    hierarchy = build_hierarchy(instance)
    members = instance.members
    nodes = hierarchy.nodes([m.person for m in members])
    tin, tout = hierarchy.tin[nodes].tolist(), hierarchy.tout[nodes].tolist()

    def clash(a: int, b: int) -> bool:
        return tin[a] <= tin[b] < tout[a] or tin[b] <= tin[a] < tout[b]

    circles: Grouping = [[] for _ in range(max(len(order) // BASELINE_SIZE, 1))]
    start = 0
    for i in order:
        for step in range(len(circles)):
            circle = circles[(start + step) % len(circles)]
            if len(circle) < instance.max_size and not any(clash(i, j) for j in circle):
                circle.append(i)
                break
        if len(circles[start]) >= BASELINE_SIZE:
            start = (start + 1) % len(circles)
    return [c for c in circles if len(c) >= instance.min_size]


def random_grouping(instance: CircleInstance, seed: int) -> Grouping:
    order = list(range(len(instance.members)))
    random.Random(seed).shuffle(order)
    return _deal(instance, order)


def sorted_grouping(instance: CircleInstance, seed: int) -> Grouping:
    members = instance.members
    return _deal(instance, sorted(range(len(members)), key=lambda i: block_key(members[i])))


def tandem_grouping(instance: CircleInstance, seed: int) -> Grouping:
    index = {m.key: i for i, m in enumerate(instance.members)}
    result = run_circles(instance, seed=seed)
    return [[index[k] for k in c.members] for c in result.circles]


def score(instance: CircleInstance, circles: Grouping) -> tuple[float, int, int, int]:
    """Return the objective, people placed, hard-rule breaks and circles with a common hour."""
    hierarchy = build_hierarchy(instance)
    mix = mix_target(instance.members)
    objective, breaks, common = 0.0, 0, 0
    seen: set[int] = set()
    for circle in circles:
        scorer = Scorer([instance.members[i] for i in circle], instance.weights, hierarchy, mix)
        objective += scorer.value(range(len(circle)))
        mask = -1
        for i in range(len(circle)):
            mask &= scorer.masks[i]
        common += mask != 0
        breaks += sum(len(c) for c in scorer.conflict) // 2
        breaks += not instance.min_size <= len(circle) <= instance.max_size
        breaks += len(seen & set(circle))
        seen |= set(circle)
    return objective, len(seen), breaks, common


METHODS: dict[str, Callable[[CircleInstance, int], Grouping]] = {
    "tandem": tandem_grouping,
    "sorted-chunks": sorted_grouping,
    "random": random_grouping,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1k,10k")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(
        f"{'size':>5} {'method':<14} {'wall s':>7} {'peak MiB':>9} {'objective':>10} "
        f"{'mean fit':>8} {'placed':>7} {'breaks':>6} {'common hour':>11}"
    )
    print("-" * 85)
    ratios = []
    for size in args.sizes.split(","):
        instance = generate(SIZES[size], seed=args.seed)
        run_circles(generate(40, seed=1))  # warm-up: compiled kernels, imports
        rows = {}
        for name, method in METHODS.items():
            started = time.perf_counter()
            circles = method(instance, args.seed)
            wall = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            objective, placed, breaks, common = score(instance, circles)
            rows[name] = (wall, objective, placed)
            print(
                f"{size:>5} {name:<14} {wall:7.2f} {peak:9.0f} {objective:10.1f} "
                f"{objective / max(placed, 1):8.3f} {placed / len(instance.members):7.1%} "
                f"{breaks:6d} {common / max(len(circles), 1):11.0%}"
            )
        wall, objective, placed = rows["tandem"]
        for name in ("sorted-chunks", "random"):
            b_wall, b_objective, b_placed = rows[name]
            ratios.append(
                f"{size:>5} tandem / {name:<14} objective x{objective / b_objective:.2f}  "
                f"placed x{placed / b_placed:.3f}  time x{wall / max(b_wall, 1e-9):.0f}"
            )
    print("\n" + "\n".join(ratios))
    print("peak MiB is the process's peak resident memory so far (methods run in order).")


if __name__ == "__main__":
    main()
