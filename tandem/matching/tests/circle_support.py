"""Random small circle instances and an independent check of the hard rules."""

from __future__ import annotations

import random

from tandem.matching.engine.circle_model import CircleInstance, CircleMember

# Evening hours (UTC) on weekdays, few enough that circles often share one.
HOURS = [d * 24 + h for d in range(5) for h in (8, 12, 17, 18)]


def random_circle_instance(
    seed: int, n: int | None = None, pins: bool = True, apart: bool = True
) -> CircleInstance:
    """Make 8-12 members with topics, zones, hours, levels, a reporting tree, pins and pairs
    kept apart ("not a fit", "do not match")."""
    rng = random.Random(seed)
    n = n if n is not None else rng.randint(8, 12)
    low = rng.choice([3, 4])
    high = low + rng.choice([1, 2, 3])
    members = []
    for i in range(n):
        focus = {rng.randrange(5): rng.randint(1, 3) for _ in range(rng.randint(1, 3))}
        members.append(
            CircleMember(
                key=10 + i,
                person=500 + i,
                focus=focus,
                utc_offset=rng.choice([-5.0, -4.0, 0.0, 1.0, 5.5, 9.0]),
                slots=frozenset(rng.sample(HOURS, rng.randint(2, 8))),
                level=rng.choice([None, 1, 2, 3]) if rng.random() < 0.2 else rng.randint(1, 3),
            )
        )
    managers = {500 + i: 500 + rng.randrange(i) for i in range(1, n) if rng.random() < 0.35}
    pinned: dict[int, int] = {}
    locked: frozenset[int] = frozenset()
    if pins and rng.random() < 0.3:
        pinned = {10: 1}
        if rng.random() < 0.5 and 501 not in managers:
            pinned[11] = 1
    # A generator of its own, so the rest of the instance is the same with or without.
    kept = random.Random(seed * 7919 + 1)
    pairs: set[tuple[int, int]] = set()
    if apart:
        for _ in range(kept.choice([0, 1, 2, 3, 4])):
            a, b = sorted(kept.sample(range(n), 2))
            # Two people pinned together were placed by an admin whom the policy asked.
            if not {10 + a, 10 + b} <= set(pinned):
                pairs.add((10 + a, 10 + b))
    return CircleInstance(
        members=members,
        min_size=low,
        max_size=high,
        managers=managers,
        pinned=pinned,
        locked_circles=locked,
        apart=frozenset(pairs),
    )


def chain(person: int, managers: dict[int, int]) -> set[int]:
    """Return everyone above ``person`` by walking manager links one by one."""
    above: set[int] = set()
    while person in managers and managers[person] not in above:
        person = managers[person]
        above.add(person)
    return above


def broken_rules(instance: CircleInstance, circles: list[tuple[int, ...]]) -> list[str]:
    """List every hard rule the circles break, checked without the engine's tables."""
    person = {m.key: m.person for m in instance.members}
    managers = dict(instance.managers)
    problems: list[str] = []
    seen: set[int] = set()
    for circle in circles:
        if not instance.min_size <= len(circle) <= instance.max_size:
            problems.append(f"circle {circle} has size {len(circle)}")
        for key in circle:
            if key in seen:
                problems.append(f"{key} is in two circles")
            seen.add(key)
            for other in circle:
                if other != key and person[other] in chain(person[key], managers):
                    problems.append(f"{key} shares a circle with {other} above them")
                if (key, other) in instance.apart:
                    problems.append(f"{key} shares a circle with {other}, kept apart")
        pinned_ids = {instance.pinned[k] for k in circle if k in instance.pinned}
        if len(pinned_ids) > 1:
            problems.append(f"circle {circle} mixes pinned circles {pinned_ids}")
    for key, circle_id in instance.pinned.items():
        if key in seen:
            mates = {k for c in circles if key in c for k in c}
            together = {k for k, c in instance.pinned.items() if c == circle_id}
            if not together <= mates:
                problems.append(f"pinned circle {circle_id} was split")
    return problems
