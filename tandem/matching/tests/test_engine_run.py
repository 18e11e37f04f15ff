"""run_matching as the rounds call it: determinism, locks, exclusions, explanations, report."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching.engine import (
    Instance,
    LockedPairError,
    Mentee,
    Mentor,
    Policy,
    Rules,
    Topic,
    run_matching,
)
from tandem.matching.tests.engine_support import allowed, random_instance, random_policy

TOPICS = [Topic(1, "Public speaking", ("presenting",)), Topic(2, "Grant writing")]


def _pairs(result):
    return [(p.mentee, p.mentor, p.score, p.locked) for p in result.pairs]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["optimal", "stable"]))
def test_same_inputs_and_seed_give_the_same_result(seed, solver):
    instance = random_instance(seed)
    policy = random_policy(seed, instance)
    first = run_matching(instance, policy, solver=solver, seed=seed)
    again = run_matching(instance, policy, solver=solver, seed=seed)
    assert _pairs(first) == _pairs(again)
    assert first.unmatched == again.unmatched
    assert first.quality == again.quality


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["optimal", "stable"]))
def test_every_pair_and_every_unmatched_mentee_is_explained(seed, solver):
    instance = random_instance(seed)
    result = run_matching(instance, random_policy(seed, instance), solver=solver, seed=seed)
    for pair in result.pairs:
        assert pair.reasons or pair.score < 0.03
        assert all(r.text for r in pair.reasons)
    short = {
        m.key
        for m in instance.mentees
        if sum(p.mentee == m.key for p in result.pairs) < m.mentors_wanted
    }
    assert {u.mentee for u in result.unmatched} == short
    assert all(u.reasons and u.code for u in result.unmatched)
    if solver == "stable":
        assert result.quality.blocking_pairs == 0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["optimal", "stable"]))
def test_locked_pairs_are_kept_and_the_rest_is_solved_around_them(seed, solver):
    instance = random_instance(seed)
    policy = random_policy(seed, instance)
    first = run_matching(instance, policy, solver=solver, seed=seed)
    locked = [(p.mentee, p.mentor) for p in first.pairs[::2]]
    excluded = [(p.mentee, p.mentor) for p in first.pairs[1::2]]
    again = run_matching(
        instance, policy, solver=solver, seed=seed, locked_pairs=locked, excluded_pairs=excluded
    )
    pairs = {(p.mentee, p.mentor): p for p in again.pairs}
    assert all(pairs[key].locked for key in locked)
    assert not set(excluded) & set(pairs)
    mentors = {r.key: r for r in instance.mentors}
    mentees = {m.key: m for m in instance.mentees}
    for key, person in mentors.items():
        assert sum(k[1] == key for k in pairs) <= person.capacity
    for mentee_key, mentor_key in pairs:
        assert allowed(instance, policy, mentees[mentee_key], mentors[mentor_key])


def _person(key, person, **fields):
    return dict(key=key, person=person, **fields)


def test_a_locked_pair_that_breaks_a_rule_is_refused():
    instance = Instance(
        mentees=[Mentee(**_person(1, 10, focus={1: 3}))],
        mentors=[Mentor(**_person(2, 20, expertise={1: 3}))],
        topics=TOPICS,
        managers={10: 20},
    )
    with pytest.raises(LockedPairError, match="reporting line"):
        run_matching(instance, locked_pairs=[(1, 2)])
    with pytest.raises(LockedPairError, match="not in the run"):
        run_matching(instance, locked_pairs=[(1, 99)])


def test_unmatched_reasons_name_the_rule_and_the_missing_topic():
    instance = Instance(
        mentees=[
            Mentee(**_person(1, 10, focus={2: 3}, goals="grant writing for a charity")),
            Mentee(**_person(2, 11, focus={1: 3}, goals="presenting")),
            Mentee(**_person(3, 12, focus={1: 2})),
        ],
        mentors=[Mentor(**_person(5, 20, expertise={1: 3}, bio="I love presenting"))],
        topics=TOPICS,
        managers={10: 20},
    )
    result = run_matching(instance)
    by_key = {u.mentee: u for u in result.unmatched}
    assert by_key[1].code == "no_eligible_mentor"
    assert by_key[1].reasons[0] == "Every candidate is in your reporting line"
    assert "No mentor covers 'Grant writing'" in by_key[1].reasons
    [pair] = result.pairs
    [left_out] = {2, 3} - {pair.mentee}
    assert by_key[left_out].code == "mentors_at_capacity"
    assert by_key[left_out].reasons == ("All eligible mentors are at capacity with other mentees",)
    assert pair.reasons[0].text == "Covers your focus areas: Public speaking (deep expertise)"


def test_quality_report_has_fairness_rows_only_for_groups_of_five():
    mentees = [
        Mentee(
            **_person(
                i,
                100 + i,
                focus={1: 2},
                department="Ops" if i < 6 else "Legal",
                groups=frozenset({"parent"}) if i < 3 else frozenset(),
            )
        )
        for i in range(8)
    ]
    mentors = [Mentor(**_person(50 + j, 200 + j, expertise={1: 3}, capacity=2)) for j in range(3)]
    policy = Policy(rules=Rules(not_same_department=True))
    report = run_matching(Instance(mentees, mentors, TOPICS), policy).quality
    assert [(r.dimension, r.group) for r in report.fairness] == [("department", "Ops")]
    assert report.mentees_matched == 6
    assert report.to_dict()["matched_share"] == 0.75


def test_nobody_is_matched_within_a_deep_reporting_line():
    depth = 3000
    managers = {p: p - 1 for p in range(2, depth + 1)}
    managers.update({depth + j: 1 for j in range(1, 4)})  # three reports of the top, aside
    mentees = [Mentee(**_person(p, p, focus={1: 3})) for p in range(2, depth + 1, 300)]
    mentors = [
        Mentor(**_person(10_000 + p, p, expertise={1: 3}, capacity=5))
        for p in [*range(1, depth + 1, 250), depth + 1, depth + 2, depth + 3]
    ]
    result = run_matching(Instance(mentees, mentors, TOPICS, managers), solver="stable")
    assert result.pairs
    assert all(p.mentor - 10_000 > depth for p in result.pairs)
    assert {u.code for u in result.unmatched} <= {"mentors_at_capacity"}


_RUN_IN_A_PROCESS = """
import hashlib, sys
from tandem.matching.tests.engine_support import random_instance, random_policy
from tandem.matching.engine import run_matching
out = []
for seed in range(12):
    instance = random_instance(seed, max_mentees=30, max_mentors=20)
    policy = random_policy(seed, instance)
    for solver in ("optimal", "stable"):
        result = run_matching(instance, policy, solver=solver, seed=seed)
        out.append(repr([(p.mentee, p.mentor, round(p.score, 9)) for p in result.pairs]))
        out.append(repr(result.unmatched))
print(hashlib.sha256("\\n".join(out).encode()).hexdigest())
"""


def test_rounds_are_the_same_in_every_process_whatever_its_hashing_and_threads():
    import os
    import subprocess
    import sys

    digests = {
        subprocess.run(
            [sys.executable, "-c", _RUN_IN_A_PROCESS],
            env={**os.environ, "PYTHONHASHSEED": hash_seed, "NUMBA_NUM_THREADS": threads},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for hash_seed, threads in (("1", "1"), ("2", "2"), ("3", "1"))
    }
    assert len(digests) == 1
