"""Small random matching instances and independent checks for the engine's tests.

The checks here do not use the engine's code: reporting lines are walked manager by
manager, rules are read off the records, optima come from scipy's MILP solver.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from tandem.matching.engine import Instance, Mentee, Mentor, Policy, Rules, Topic, Weights
from tandem.matching.engine.features import DENSE_SHARE, Features, build_features
from tandem.matching.engine.scoring import score_pairs

WORDS = ("budget", "hiring", "python", "leadership", "writing", "sales", "design", "data")
TOPICS = (
    Topic(1, "Public speaking", ("presenting", "talks")),
    Topic(2, "Grant writing", ()),
    Topic(3, "Career growth", ("promotion",)),
    Topic(4, "Data science", ("machine learning",)),
    Topic(5, "Negotiation", ()),
)
MODES = ("video", "phone", "in_person")
OFFSETS = (-5.0, 0.0, 1.0, 5.5, 9.0)
CADENCES = ("weekly", "monthly")


def random_instance(seed: int, max_mentees: int = 8, max_mentors: int = 6) -> Instance:
    """Build a small instance where every rule and corner case can show up."""
    rng = np.random.default_rng(seed)
    n_me = int(rng.integers(1, max_mentees + 1))
    n_mr = int(rng.integers(1, max_mentors + 1))
    n_people = n_me + n_mr
    # People 1..n; some mentors are mentees too (peer programs).
    mentee_people = rng.permutation(np.arange(1, n_people + 1))[:n_me]
    mentor_people = rng.permutation(np.arange(1, n_people + 1))[:n_mr]
    managers = {
        int(p): int(rng.integers(1, p)) for p in range(2, n_people + 1) if rng.random() < 0.7
    }

    def pick(options: tuple[str, ...], p: float) -> frozenset[str]:
        return frozenset(o for o in options if rng.random() < p)

    def text() -> str:
        words = list(rng.choice(WORDS, size=int(rng.integers(0, 5))))
        if rng.random() < 0.5:
            topic = TOPICS[int(rng.integers(len(TOPICS)))]
            words.append(rng.choice([topic.name, *topic.synonyms]))
        return " ".join(str(w) for w in words)

    def common(person: int) -> dict[str, object]:
        return {
            "person": person,
            "department": str(rng.choice(["A", "B", "C"])) if rng.random() < 0.9 else None,
            "utc_offset": float(rng.choice(OFFSETS)),
            "modes": pick(MODES, 0.5),
            "languages": pick(("en", "fr"), 0.6),
            "location": str(rng.choice(["Paris", "Lima"])) if rng.random() < 0.8 else None,
            "seniority": int(rng.integers(1, 6)) if rng.random() < 0.8 else None,
        }

    mentees = [
        Mentee(
            key=100 + i,
            focus={t.id: int(rng.integers(1, 4)) for t in TOPICS if rng.random() < 0.4},
            goals=text(),
            requested_attributes=pick(("parent", "veteran"), 0.25),
            mentors_wanted=int(rng.integers(0, 3)),
            groups=pick(("parent", "veteran"), 0.5),
            **common(int(p)),  # type: ignore[arg-type]
        )
        for i, p in enumerate(mentee_people)
    ]
    mentors = [
        Mentor(
            key=200 + i,
            expertise={t.id: int(rng.integers(1, 4)) for t in TOPICS[:4] if rng.random() < 0.5},
            bio=text(),
            capacity=int(rng.integers(0, 4)),
            attributes=pick(("parent", "veteran"), 0.4),
            **common(int(p)),  # type: ignore[arg-type]
        )
        for i, p in enumerate(mentor_people)
    ]
    return with_asks(
        seed, Instance(mentees=mentees, mentors=mentors, topics=TOPICS, managers=managers)
    )


def with_asks(seed: int, instance: Instance) -> Instance:
    """Give some mentees asks after an earlier match, and mentors a rhythm, at random.

    A separate generator keeps the rest of the instance what it was for the same seed.
    """
    rng = np.random.default_rng(seed + 7)

    def asks() -> dict[str, object]:
        if rng.random() >= 0.4:
            return {}
        return {
            "avoid_departments": frozenset(d for d in "ABC" if rng.random() < 0.3),
            "max_utc_gap_hours": float(rng.choice([0.0, 1.0, 5.0])) if rng.random() < 0.3 else None,
            "min_expertise": {t.id: int(rng.integers(1, 4)) for t in TOPICS if rng.random() < 0.15},
            "prefer_words": " ".join(str(w) for w in rng.choice(WORDS, int(rng.integers(0, 3)))),
            "preferred_cadence": str(rng.choice(CADENCES)) if rng.random() < 0.5 else None,
        }

    def rhythm() -> str | None:
        return str(rng.choice(CADENCES)) if rng.random() < 0.6 else None

    return dataclasses.replace(
        instance,
        mentees=[dataclasses.replace(m, **asks()) for m in instance.mentees],  # type: ignore[arg-type]
        mentors=[dataclasses.replace(r, preferred_cadence=rhythm()) for r in instance.mentors],
    )


def random_policy(seed: int, instance: Instance) -> Policy:
    """Build a policy with a random mix of hard rules and exclusions."""
    rng = np.random.default_rng(seed + 1)
    pairs = [(m.key, r.key) for m in instance.mentees for r in instance.mentors]
    chosen = [pairs[i] for i in rng.permutation(len(pairs))[: int(rng.integers(0, 3))]]
    must = frozenset(c for c in ("focus", "modes", "attributes") if rng.random() < 0.15)
    return Policy(
        weights=Weights(*(float(w) for w in rng.uniform(0.05, 1.0, size=6))),
        rules=Rules(
            not_same_department=bool(rng.random() < 0.4),
            same_language=bool(rng.random() < 0.4),
            max_utc_gap_hours=float(rng.choice([3.0, 6.0])) if rng.random() < 0.4 else None,
            same_location=bool(rng.random() < 0.2),
            must=must,
            min_score=float(rng.choice([0.0, 0.0, 0.3])),
            do_not_match=frozenset(chosen[:1]),
            failed_pairs=frozenset(chosen[1:]),
        ),
        candidates_per_mentee=int(rng.integers(1, 4)),
        candidates_per_mentor=int(rng.integers(1, 3)),
    )


def chain(instance: Instance, person: int) -> set[int]:
    """Everyone above ``person``, walking manager by manager."""
    above: set[int] = set()
    while person in instance.managers and instance.managers[person] not in above:
        person = instance.managers[person]
        above.add(person)
    return above


def allowed(instance: Instance, policy: Policy, mentee: Mentee, mentor: Mentor) -> bool:
    """Whether the pair passes every structural rule, checked from the records."""
    rules = policy.rules
    if mentee.person == mentor.person or mentor.capacity <= 0:
        return False
    if mentor.person in chain(instance, mentee.person) or mentee.person in chain(
        instance, mentor.person
    ):
        return False
    if (mentee.key, mentor.key) in rules.do_not_match | rules.failed_pairs:
        return False
    if rules.not_same_department and mentee.department and mentee.department == mentor.department:
        return False
    if rules.same_language and not mentee.languages & mentor.languages:
        return False
    if rules.same_location and (not mentee.location or mentee.location != mentor.location):
        return False
    gap = abs(mentee.utc_offset - mentor.utc_offset) % 24
    for limit in (rules.max_utc_gap_hours, mentee.max_utc_gap_hours):
        if limit is not None and min(gap, 24 - gap) > limit:
            return False
    if mentor.department in mentee.avoid_departments:
        return False
    if any(mentor.expertise.get(t, 0) < level for t, level in mentee.min_expertise.items()):
        return False
    if "focus" in rules.must and mentee.focus and not set(mentee.focus) & set(mentor.expertise):
        return False
    if "modes" in rules.must and mentee.modes and not mentee.modes & mentor.modes:
        return False
    needs = "attributes" in rules.must and mentee.requested_attributes
    return not (needs and not mentee.requested_attributes & mentor.attributes)


def eligible_pairs(features: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every eligible pair as (mentee index, mentor index, score)."""
    instance, policy = features.instance, features.policy
    pairs = [
        (i, j)
        for (i, m), (j, r) in itertools.product(
            enumerate(features.mentees), enumerate(features.mentors)
        )
        if allowed(instance, policy, m, r)
    ]
    mi = np.array([p[0] for p in pairs], np.int64)
    ri = np.array([p[1] for p in pairs], np.int64)
    scores = score_pairs(features, mi, ri).score
    keep = scores >= policy.rules.min_score
    return mi[keep], ri[keep], scores[keep]


def _solve(c: np.ndarray, rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> float:
    """Minimize c @ x over binary x with lb <= A @ x <= ub for each (A, lb, ub)."""
    constraints = [LinearConstraint(a, lb, ub) for a, lb, ub in rows]
    integrality = np.ones(c.shape[0], np.int64)
    res = milp(c, constraints=constraints, integrality=integrality, bounds=Bounds(0, 1))
    assert res.fun is not None
    return float(res.fun)


def milp_optimum(features: Features, participation_first: bool = False) -> float:
    """Best total score under capacities, by MILP over every eligible pair."""
    mi, ri, s = eligible_pairs(features)
    if mi.size == 0:
        return 0.0
    n_me, n_mr, n = features.n_mentees, features.n_mentors, mi.shape[0]
    wanted = np.array([m.mentors_wanted for m in features.mentees], np.float64)
    capacity = np.array([r.capacity for r in features.mentors], np.float64)
    a_me = np.zeros((n_me, n))
    a_me[mi, np.arange(n)] = 1
    a_mr = np.zeros((n_mr, n))
    a_mr[ri, np.arange(n)] = 1
    if not participation_first:
        return -_solve(-s, [(a_me, 0 * wanted, wanted), (a_mr, 0 * capacity, capacity)])
    # Variables: pairs, then one "matched" indicator per mentee (at most its pair count).
    pad = np.zeros((n_mr, n_me))
    rows = [
        (np.hstack([a_me, np.zeros((n_me, n_me))]), 0 * wanted, wanted),
        (np.hstack([a_mr, pad]), 0 * capacity, capacity),
        (np.hstack([-a_me, np.eye(n_me)]), np.full(n_me, -np.inf), np.zeros(n_me)),
    ]
    people = round(-_solve(np.concatenate([np.zeros(n), -np.ones(n_me)]), rows))
    count = np.concatenate([np.zeros(n), np.ones(n_me)])[None, :]
    rows.append((count, np.array([people]), np.array([people])))
    return -_solve(np.concatenate([-s, np.zeros(n_me)]), rows)


def features_for(seed: int, dense_share: int = DENSE_SHARE) -> Features:
    """Compile the random instance and policy of a seed."""
    instance = random_instance(seed)
    return build_features(
        instance, random_policy(seed, instance), seed=seed, dense_share=dense_share
    )
