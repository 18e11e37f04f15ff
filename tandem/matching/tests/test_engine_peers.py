"""Peer matching pairs people within one set: rules, limits, locks and the exact optimum.

The checks here do not use the peer engine's code: rules are read off the records with
``engine_support.allowed`` (reporting lines walked manager by manager), and optima come
from an exhaustive search over every matching of at most seven people.
"""

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from tandem.matching.engine import (
    Instance,
    LockedPairError,
    Mentee,
    Mentor,
    Policy,
    Rules,
    Topic,
    peer_solve,
    run_peer_matching,
)
from tandem.matching.engine.features import build_features
from tandem.matching.engine.peer_solve import greedy_b_matching, solve_b_matching
from tandem.matching.engine.scoring import score_pairs
from tandem.matching.tests.engine_support import (
    MODES,
    OFFSETS,
    TOPICS,
    WORDS,
    allowed,
    random_policy,
)


def random_peers(seed: int, max_people: int = 7, dense: bool = False) -> Instance:
    """Peers on both lists under one key, some on one list only, some sharing a person.

    ``dense`` instances have fewer reporting lines and more places, so most pairs are
    eligible and the optimum is worth searching for.
    """
    rng = np.random.default_rng(seed)
    low, manager_share = (1, 0.25) if dense else (0, 0.6)
    n = int(rng.integers(3 if dense else 1, max_people + 1))
    people = [int(p) for p in rng.permutation(np.arange(1, n + 1))]
    if n > 2 and rng.random() < 0.15:
        people[-1] = people[0]  # the same person enrolled twice under two keys
    managers = {p: int(rng.integers(1, p)) for p in range(2, n + 1) if rng.random() < manager_share}

    def pick(options: tuple[str, ...], p: float) -> frozenset[str]:
        return frozenset(o for o in options if rng.random() < p)

    def text() -> str:
        return " ".join(str(w) for w in rng.choice(WORDS, size=int(rng.integers(0, 4))))

    mentees, mentors = [], []
    for i, person in enumerate(people):
        common = {
            "key": 10 + i,
            "person": person,
            "department": str(rng.choice(["A", "B", "C"])) if rng.random() < 0.9 else None,
            "utc_offset": float(rng.choice(OFFSETS)),
            "modes": pick(MODES, 0.5),
            "languages": pick(("en", "fr"), 0.7),
            "location": str(rng.choice(["Paris", "Lima"])) if rng.random() < 0.8 else None,
            "seniority": int(rng.integers(1, 5)) if rng.random() < 0.8 else None,
        }
        side = rng.random()
        if side > 0.07:
            mentees.append(
                Mentee(
                    focus={t.id: int(rng.integers(1, 4)) for t in TOPICS if rng.random() < 0.4},
                    goals=text(),
                    requested_attributes=pick(("parent", "veteran"), 0.2),
                    mentors_wanted=int(rng.integers(low, 4)),
                    groups=pick(("parent", "veteran"), 0.5),
                    **common,  # type: ignore[arg-type]
                )
            )
        if side < 0.93:
            mentors.append(
                Mentor(
                    expertise={t.id: int(rng.integers(1, 4)) for t in TOPICS if rng.random() < 0.4},
                    bio=text(),
                    capacity=int(rng.integers(low, 4)),
                    attributes=pick(("parent", "veteran"), 0.4),
                    **common,  # type: ignore[arg-type]
                )
            )
    return Instance(mentees=mentees, mentors=mentors, topics=TOPICS, managers=managers)


def _case(seed: int, **changes: object) -> tuple[Instance, Policy]:
    instance = random_peers(seed)
    policy = replace(random_policy(seed, instance), **changes)  # type: ignore[arg-type]
    return instance, policy


def _dense_case(seed: int, **changes: object) -> tuple[Instance, Policy]:
    """A dense instance under a light policy: one rule at most and a do-not-match pair."""
    instance = random_peers(seed, dense=True)
    rng = np.random.default_rng(seed + 2)
    keys = [m.key for m in instance.mentees]
    rules = Rules(
        not_same_department=bool(rng.random() < 0.2),
        max_utc_gap_hours=6.0 if rng.random() < 0.2 else None,
        min_score=float(rng.choice([0.0, 0.0, 0.2])),
        do_not_match=frozenset({(int(rng.choice(keys)), int(rng.choice(keys)))}),
    )
    policy = replace(random_policy(seed, instance), rules=rules, **changes)  # type: ignore[arg-type]
    return instance, policy


def _limits(instance: Instance) -> dict[int, int]:
    wanted = {m.key: m.mentors_wanted for m in instance.mentees}
    places = {r.key: r.capacity for r in instance.mentors}
    return {k: max(min(wanted.get(k, 0), places.get(k, 0)), 0) for k in wanted | places}


def _weights(instance: Instance, policy: Policy) -> dict[tuple[int, int], float]:
    """Every eligible pair (a < b) with its weight, checked from the records."""
    seekers = {m.key: m for m in instance.mentees}
    givers = {r.key: r for r in instance.mentors}
    limits = _limits(instance)
    plain = replace(policy, rules=replace(policy.rules, min_score=0.0))
    features = build_features(instance, plain)
    out = {}
    for a in sorted(limits):
        for b in sorted(limits):
            if a >= b or not limits[a] or not limits[b]:
                continue
            if not (
                allowed(instance, policy, seekers[a], givers[b])
                and allowed(instance, policy, seekers[b], givers[a])
            ):
                continue
            mi = np.array([features.mentee_index[a], features.mentee_index[b]])
            ri = np.array([features.mentor_index[b], features.mentor_index[a]])
            weight = float(score_pairs(features, mi, ri).score.mean())
            if weight >= policy.rules.min_score:
                out[(a, b)] = weight
    return out


def _best(
    edges: list[tuple[int, int, float]], limits: dict[int, int], covered: frozenset[int]
) -> tuple[int, float, float]:
    """Exhaustively find (most people matched, best total with them, best total overall)."""
    keys = sorted(limits)
    index = {k: i for i, k in enumerate(keys)}

    @cache
    def search(i: int, room: tuple[int, ...], hit: int) -> tuple[tuple[int, float], float]:
        if i == len(edges):
            return (bin(hit).count("1"), 0.0), 0.0
        a, b, w = edges[i]
        skip_lex, skip_total = search(i + 1, room, hit)
        x, y = index[a], index[b]
        if room[x] == 0 or room[y] == 0:
            return skip_lex, skip_total
        left = list(room)
        left[x] -= 1
        left[y] -= 1
        (people, total), best_total = search(i + 1, tuple(left), hit | 1 << x | 1 << y)
        take_lex, take_total = (people, total + w), best_total + w
        return max(skip_lex, take_lex), max(skip_total, take_total)

    start = sum(1 << index[k] for k in covered)
    (people, with_people), total = search(0, tuple(limits[k] for k in keys), start)
    return people, with_people, total


def _edges(weights: dict[tuple[int, int], float]) -> list[tuple[int, int, float]]:
    return [(a, b, w) for (a, b), w in sorted(weights.items())]


def _matched_people(result) -> int:
    return len({p.mentee for p in result.pairs} | {p.mentor for p in result.pairs})


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_peer_pairs_break_no_rule_and_no_limit_even_with_short_lists(seed):
    instance, policy = _case(seed)
    rng = np.random.default_rng(seed + 5)
    keys = sorted(_limits(instance))
    excluded = {(int(a), int(b)) for a, b in rng.choice(keys, size=(2, 2))} if keys else set()
    result = run_peer_matching(instance, policy, seed=seed, excluded_pairs=excluded)
    eligible = _weights(instance, policy)
    limits = _limits(instance)
    seen = set()
    for pair in result.pairs:
        assert pair.mentee < pair.mentor  # never with themselves, smaller key first
        assert (pair.mentee, pair.mentor) not in seen
        seen.add((pair.mentee, pair.mentor))
        assert (pair.mentee, pair.mentor) in eligible
        assert (pair.mentee, pair.mentor) not in excluded
        assert (pair.mentor, pair.mentee) not in excluded
        assert pair.score == pytest.approx(eligible[(pair.mentee, pair.mentor)], abs=1e-6)
        assert pair.reasons or pair.score < 0.05
    persons = {m.key: m.person for m in instance.mentees}
    assert all(persons[p.mentee] != persons[p.mentor] for p in result.pairs)
    for key, limit in limits.items():
        assert sum(key in (p.mentee, p.mentor) for p in result.pairs) <= limit
    assert result.quality.pairs == len(result.pairs)
    assert result.quality.total_score == pytest.approx(sum(p.score for p in result.pairs), abs=1e-3)
    assert result.quality.mentees_matched == _matched_people(result)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_peer_total_equals_the_exhaustive_optimum_with_full_lists(seed, participation_first):
    instance, policy = _dense_case(
        seed,
        candidates_per_mentee=8,
        candidates_per_mentor=8,
        participation_first=participation_first,
    )
    result = run_peer_matching(instance, policy, seed=seed)
    assert result.stats["proved_optimal"] == 1
    people, with_people, total = _best(
        _edges(_weights(instance, policy)), _limits(instance), frozenset()
    )
    got = sum(p.score for p in result.pairs)
    if participation_first:
        assert _matched_people(result) == people
        assert got == pytest.approx(with_people, abs=1e-5)
    else:
        assert got == pytest.approx(total, abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_locked_pairs_are_kept_and_the_rest_is_solved_around_them(seed, participation_first):
    instance, policy = _dense_case(
        seed,
        candidates_per_mentee=8,
        candidates_per_mentor=8,
        participation_first=participation_first,
    )
    weights = _weights(instance, policy)
    limits = _limits(instance)
    rng = np.random.default_rng(seed + 3)
    locked = []
    for a, b in [list(weights)[i] for i in rng.permutation(len(weights))[:2]]:
        if limits[a] and limits[b]:
            locked.append((b, a) if rng.random() < 0.5 else (a, b))  # either order
            limits[a] -= 1
            limits[b] -= 1
    result = run_peer_matching(instance, policy, seed=seed, locked_pairs=locked)
    kept = {(p.mentee, p.mentor) for p in result.pairs if p.locked}
    assert kept == {(min(a, b), max(a, b)) for a, b in locked}
    free = {k: w for k, w in weights.items() if k not in kept}
    covered = frozenset(k for pair in kept for k in pair)
    people, with_people, total = _best(_edges(free), limits, covered)
    got = sum(p.score for p in result.pairs if not p.locked)
    assert result.stats["proved_optimal"] == 1
    if participation_first:
        assert _matched_people(result) == people
        assert got == pytest.approx(with_people, abs=1e-5)
    else:
        assert got == pytest.approx(total, abs=1e-5)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_same_inputs_and_seed_give_the_same_peer_result(seed):
    instance, policy = _case(seed)
    first = run_peer_matching(instance, policy, seed=seed)
    again = run_peer_matching(instance, policy, seed=seed)
    assert first.pairs == again.pairs
    assert first.unmatched == again.unmatched
    assert first.quality == again.quality


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_nobody_is_left_with_room_beside_an_eligible_partner_with_room(seed):
    # Lists of one: the repair adds the pairs of people both left with room.
    instance, policy = _dense_case(seed, candidates_per_mentee=1, candidates_per_mentor=1)
    result = run_peer_matching(instance, policy, seed=seed)
    limits = _limits(instance)
    load = {k: sum(k in (p.mentee, p.mentor) for p in result.pairs) for k in limits}
    chosen = {(p.mentee, p.mentor) for p in result.pairs}
    for (a, b), weight in _weights(instance, policy).items():
        if weight > 0 and (a, b) not in chosen:
            assert load[a] >= limits[a] or load[b] >= limits[b]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 9))
def test_b_matching_equals_the_exhaustive_optimum_on_odd_cycles(seed, n):
    # Dense random graphs full of triangles, where the LP relaxation is fractional.
    rng = np.random.default_rng(seed)
    a, b = np.triu_indices(n, k=1)
    keep = rng.random(a.shape[0]) < 0.7
    u, v = a[keep].astype(np.int64), b[keep].astype(np.int64)
    w = np.round(rng.random(u.shape[0]), 3)
    limit = rng.integers(0, 3, size=n).astype(np.int64)
    solution = solve_b_matching(u, v, w, limit)
    assert solution.proved_optimal
    edges = list(zip(u.tolist(), v.tolist(), w.tolist(), strict=True))
    _, _, total = _best(edges, dict(enumerate(limit.tolist())), frozenset())
    assert w[solution.chosen].sum() == pytest.approx(total, abs=1e-6)
    assert w[solution.chosen].sum() >= w[greedy_b_matching(u, v, w, limit)].sum() - 1e-9


def test_a_solve_cut_short_falls_back_to_a_valid_matching_and_says_so(monkeypatch):
    # A triangle of people with one place each: the relaxation takes every edge by half.
    cut_short = peer_solve._Run(x=None, status=1, gap=np.inf, nodes=0, bound=np.inf)
    monkeypatch.setattr(peer_solve, "_run", lambda *args: cut_short)
    u = np.array([0, 1, 0], np.int64)
    v = np.array([1, 2, 2], np.int64)
    solution = solve_b_matching(u, v, np.array([0.9, 0.8, 0.7]), np.ones(3, np.int64))
    assert not solution.proved_optimal and not solution.proved
    assert solution.chosen.tolist() == [True, False, False]
    # The gap is the honest one to the relaxation's bound: 0.9 against 1.2.
    assert solution.gap == pytest.approx(0.25, abs=1e-5)


def _peer(key: int, person: int, wants: dict[int, int], offers: dict[int, int], **kw):
    places = kw.pop("places", 1)
    common = {"key": key, "person": person, "languages": frozenset({"en"}), **kw}
    return (
        Mentee(focus=wants, mentors_wanted=places, **common),
        Mentor(expertise=offers, capacity=places, **common),
    )


def _instance(*peers, managers=None) -> Instance:
    return Instance(
        mentees=[p[0] for p in peers],
        mentors=[p[1] for p in peers],
        topics=[Topic(1, "Public speaking"), Topic(2, "Grant writing"), Topic(3, "Hiring")],
        managers=managers or {},
    )


def test_reasons_say_what_each_offers_the_other_without_naming_attributes():
    ana = _peer(1, 1, {1: 3}, {2: 3}, modes=frozenset({"video"}))
    ben = _peer(2, 2, {2: 3}, {1: 2}, modes=frozenset({"video"}))
    instance = replace(_instance(ana, ben), labels={"video": "video call"})
    instance = replace(
        instance,
        mentees=[
            replace(m, requested_attributes=frozenset({"parent"}), groups=frozenset({"veteran"}))
            for m in instance.mentees
        ],
        mentors=[replace(r, attributes=frozenset({"parent"})) for r in instance.mentors],
    )
    [pair] = run_peer_matching(instance).pairs
    text = " | ".join(r.text for r in pair.reasons)
    assert (pair.mentee, pair.mentor) == (1, 2)
    assert "You can help each other" in text
    assert "Grant writing (deep expertise)" in text and "Public speaking (solid experience)" in text
    assert "parent" not in text and "veteran" not in text
    assert pair.components["focus"] > 0


def test_people_in_each_others_reporting_line_at_any_depth_are_never_paired():
    # 1 manages 2, who manages 3: 1 and 3 are two levels apart.
    a = _peer(1, 1, {1: 3}, {1: 3})
    c = _peer(3, 3, {1: 3}, {1: 3})
    result = run_peer_matching(_instance(a, c, managers={2: 1, 3: 2}))
    assert result.pairs == ()
    assert {u.code for u in result.unmatched} == {"no_eligible_peer"}
    assert result.unmatched[0].reasons[0] == "Every other peer is in your reporting line"
    with pytest.raises(LockedPairError, match="reporting line"):
        run_peer_matching(_instance(a, c, managers={2: 1, 3: 2}), locked_pairs=[(3, 1)])


def test_someone_whose_eligible_peers_are_full_is_told_so():
    a = _peer(1, 1, {1: 3}, {1: 3})
    b = _peer(2, 2, {1: 3}, {1: 3})
    c = _peer(3, 3, {2: 1}, {3: 1})
    result = run_peer_matching(_instance(a, b, c), locked_pairs=[(1, 2)])
    assert [(p.mentee, p.mentor, p.locked) for p in result.pairs] == [(1, 2, True)]
    [short] = result.unmatched
    assert (short.mentee, short.code) == (3, "peers_at_capacity")
    assert "No other peer offers 'Grant writing'" in short.reasons


@pytest.mark.parametrize(
    ("locked", "message"),
    [
        ([(1, 9)], "not in the run"),
        ([(1, 1)], "themselves"),
        ([(1, 3), (3, 2)], "places of peer 3"),
        ([(2, 1)], "excluded"),
    ],
)
def test_impossible_locked_pairs_are_refused(locked, message):
    peers = [_peer(k, k, {1: 3}, {1: 3}) for k in (1, 2, 3)]
    with pytest.raises(LockedPairError, match=message):
        run_peer_matching(_instance(*peers), locked_pairs=locked, excluded_pairs=[(1, 2)])


def test_a_do_not_match_pair_is_excluded_in_both_orientations():
    peers = [_peer(k, k, {1: 3}, {1: 3}) for k in (1, 2)]
    policy = Policy(rules=Rules(do_not_match=frozenset({(2, 1)})))
    assert run_peer_matching(_instance(*peers), policy).pairs == ()
    assert len(run_peer_matching(_instance(*peers)).pairs) == 1


def test_each_pair_is_proposed_once_and_nobody_goes_past_their_places():
    # What feeding everyone in twice got wrong: A-B and B-A, and people over their places.
    peers = [_peer(k, k, {1: 3, 2: 2}, {1: 3, 2: 3}, places=2) for k in range(1, 8)]
    result = run_peer_matching(_instance(*peers))
    keys = [frozenset((p.mentee, p.mentor)) for p in result.pairs]
    assert len(keys) == len(set(keys)) == 7
    for k in range(1, 8):
        assert sum(k in pair for pair in keys) == 2
    assert result.quality.mentees_matched == 7
    assert result.quality.utilization == 1.0


def _random_graph(seed: int, n: int, degree: float) -> tuple[np.ndarray, ...]:
    """A random graph of n people with about ``degree`` edges each, scores in thousandths."""
    rng = np.random.default_rng(seed)
    a, b = np.triu_indices(n, k=1)
    keep = rng.random(a.shape[0]) < degree / max(n - 1, 1)
    u, v = a[keep].astype(np.int64), b[keep].astype(np.int64)
    w = np.round(rng.random(u.shape[0]), 3)
    limit = rng.choice([0, 1, 1, 2, 3], size=n).astype(np.int64)
    return u, v, w, limit


def _programs(u, v, w, limit):
    """The b-matching as scipy constraints over edges then people's matched shares."""
    n, m = limit.shape[0], u.shape[0]
    incidence = np.zeros((n, m))
    incidence[u, np.arange(m)] = 1
    incidence[v, np.arange(m)] = 1
    places = LinearConstraint(np.hstack([incidence, np.zeros((n, n))]), -np.inf, limit)
    shares = LinearConstraint(np.hstack([-incidence, np.eye(n)]), -np.inf, 0)
    return n, m, [places, shares]


def _optimum(c, rows, integrality) -> float:
    """The maximum of -c over the program, from HiGHS."""
    res = milp(c, constraints=rows, integrality=integrality, bounds=Bounds(0, 1))
    assert res.fun is not None
    return -float(res.fun)


def _lp_value(u, v, w, limit) -> float:
    n, m, rows = _programs(u, v, w, limit)
    return _optimum(np.concatenate([-w, np.zeros(n)]), rows, np.zeros(n + m))


def _milp_best(u, v, w, limit, participation_first: bool) -> tuple[int, float]:
    """HiGHS's proved optimum: (most people matched, best total with them) or (0, best)."""
    n, m, rows = _programs(u, v, w, limit)
    integral = np.concatenate([np.ones(m), np.zeros(n)])
    people = 0
    if participation_first:
        people = round(_optimum(np.concatenate([np.zeros(m), -np.ones(n)]), rows, integral))
        count = np.concatenate([np.zeros(m), np.ones(n)])[None, :]
        rows = [*rows, LinearConstraint(count, people, np.inf)]
    return people, _optimum(np.concatenate([-w, np.zeros(n)]), rows, integral)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 14))
def test_the_relaxation_solved_as_a_flow_reaches_the_lp_optimum(seed, n):
    u, v, w, limit = _random_graph(seed, n, 5.0)
    if u.shape[0] == 0:
        return
    relaxed = peer_solve._relax(u, v, w, limit, None)
    x = relaxed.x
    assert set(np.unique(x).tolist()) <= {0.0, 0.5, 1.0}
    load = np.bincount(np.concatenate([u, v]), weights=np.concatenate([x, x]), minlength=n)
    assert np.all(load <= limit + 1e-9)
    # Scores in thousandths are exact in millionths: the flow's value is the LP's.
    assert float(w @ x) == pytest.approx(_lp_value(u, v, w, limit), abs=1e-6)
    assert relaxed.total_bound(0) >= float(w @ x)


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_a_large_program_is_proved_within_its_gap_and_says_how_close(seed, participation_first):
    u, v, w, limit = _random_graph(seed, 260, 12.0)
    gap = 0.001
    solution = solve_b_matching(u, v, w, limit, participation_first=participation_first, gap=gap)
    chosen = solution.chosen
    load = np.bincount(np.concatenate([u[chosen], v[chosen]]), minlength=limit.shape[0])
    assert np.all(load <= limit)
    assert solution.proved and solution.gap <= gap
    people, best = _milp_best(u, v, w, limit, participation_first)
    if participation_first:
        assert int((load > 0).sum()) == people
    # The gap said is at least the true one, to the proved optimum.
    total = float(w[chosen].sum())
    assert (best - total) / best <= solution.gap + 1e-6
    if solution.proved_optimal:
        assert total >= best - 1e-6
