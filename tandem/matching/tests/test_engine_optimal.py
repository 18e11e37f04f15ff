"""The optimal solver reaches the exact optimum and never breaks a hard rule."""

from dataclasses import replace

import numpy as np
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from tandem.matching.engine import run_matching
from tandem.matching.engine.candidates import generate_candidates
from tandem.matching.engine.features import build_features
from tandem.matching.engine.scoring import score_pairs
from tandem.matching.engine.solve_optimal import MAX_REPAIR_ROUNDS, SCALE, solve_optimal
from tandem.matching.tests.engine_support import (
    allowed,
    milp_optimum,
    random_instance,
    random_policy,
)


def _features(seed, **policy_changes):
    instance = random_instance(seed)
    policy = replace(random_policy(seed, instance), **policy_changes)
    return build_features(instance, policy, seed=seed)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_optimal_equals_the_milp_optimum_on_the_full_graph(seed, participation_first):
    # With lists as long as the market the candidate graph holds every eligible pair.
    features = _features(seed, candidates_per_mentee=8, candidates_per_mentor=8)
    candidates = generate_candidates(features, 8, 8)
    solution = solve_optimal(features, candidates, participation_first=participation_first)
    best = milp_optimum(features, participation_first=participation_first)
    assert abs(solution.score.sum() - best) < 1e-5
    if participation_first:
        plain = solve_optimal(features, candidates)
        matched = np.unique(solution.mentee).size
        assert matched >= np.unique(plain.mentee).size


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_optimal_never_breaks_a_hard_rule_even_with_short_lists(seed):
    instance = random_instance(seed)
    policy = random_policy(seed, instance)
    result = run_matching(instance, policy, solver="optimal", seed=seed)
    mentees = {m.key: m for m in instance.mentees}
    mentors = {r.key: r for r in instance.mentors}
    for pair in result.pairs:
        assert allowed(instance, policy, mentees[pair.mentee], mentors[pair.mentor])
        assert pair.score >= policy.rules.min_score
    keys = [(p.mentee, p.mentor) for p in result.pairs]
    assert len(keys) == len(set(keys))
    for key, mentor in mentors.items():
        assert sum(p.mentor == key for p in result.pairs) <= mentor.capacity
    for key, mentee in mentees.items():
        assert sum(p.mentee == key for p in result.pairs) <= mentee.mentors_wanted


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
# Seeds whose markets hold an eligible pair scoring exactly 0, which adds nothing to the total.
@example(302)
@example(1495)
def test_repair_makes_short_lists_reach_mentors_left_with_room(seed):
    # Lists of one: mentors nobody listed first still get used where that helps. The promise
    # (solve_optimal) is a best total on a graph that holds every eligible pair of a short
    # mentee and a mentor with room; so no such pair that would raise the total is left out,
    # unless the repair rounds ran out.
    features = _features(seed)
    candidates = generate_candidates(features, 1, 1)
    solution = solve_optimal(features, candidates)
    assume(solution.rounds <= MAX_REPAIR_ROUNDS)
    a = features.arrays
    got = np.bincount(solution.mentee, minlength=features.n_mentees)
    load = np.bincount(solution.mentor, minlength=features.n_mentors)
    for m in np.flatnonzero(got < a.wanted):
        held = set(solution.mentor[solution.mentee == m].tolist())
        for r in np.flatnonzero(load < a.capacity):
            if r in held or not allowed(
                features.instance, features.policy, features.mentees[m], features.mentors[r]
            ):
                continue
            scored = score_pairs(features, np.array([m]), np.array([r]))
            raises_total = round(scored.score[0] * SCALE) > 0
            assert not (raises_total and scored.broken[0] < 0), (m, r, scored.score[0])
