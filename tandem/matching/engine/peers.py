"""Peer co-mentoring: pairs within one set of people who each seek and give help.

The instance lists every peer twice under one key: as a ``Mentee`` (focus, goals) and
as a ``Mentor`` (expertise, bio). A person's limit is the smaller of ``mentors_wanted``
and ``capacity`` (0 when they are missing from either list). A pair {a, b} is scored as
the mean of the engine's two directed scores (a seeking from b, b seeking from a) and
is eligible only when neither direction breaks a hard rule; ``min_score`` applies to
the mean, which is the score the pair is shown with.

Candidates are each person's best partners in both roles (the one-to-one candidate
scan, run once over everyone), made symmetric. The maximum-weight b-matching on them is
solved by ``peer_solve.py``: proved optimal for programs of up to ``EXACT_PEOPLE``
people with places, proved within the policy's ``peer_gap`` of the best possible total
above that. People left with room then get their eligible pairs with each other added
and the program is solved again, up to ``MAX_REPAIR_ROUNDS`` times, so the result holds
on the final candidate graph.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from tandem.matching.engine.candidates import generate_candidates
from tandem.matching.engine.features import Features, build_features
from tandem.matching.engine.instance import COMPONENTS, Instance, Policy
from tandem.matching.engine.pairs import RULES
from tandem.matching.engine.peer_explain import peer_reasons
from tandem.matching.engine.peer_graph import People, people_of, score_edges, with_limits
from tandem.matching.engine.peer_report import peer_report, peer_unmatched
from tandem.matching.engine.peer_scan import edge_weights
from tandem.matching.engine.peer_solve import (
    DEFAULT_TIME_LIMIT,
    METHODS,
    PeerSolution,
    solve_b_matching,
)
from tandem.matching.engine.run import LockedPairError, MatchResult, ProposedPair
from tandem.matching.engine.solve_optimal import SolverError
from tandem.matching.engine.stages import Stages

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B1 = npt.NDArray[np.bool_]

MAX_REPAIR_ROUNDS = 3
# Up to this many people with places, the b-matching is solved to the proved optimum
# (HiGHS takes a second or two at 200 peers, half a minute at 500); above it, to within
# the policy's ``peer_gap``.
EXACT_PEOPLE = 200
# Up to this many pairs of people left with room are scored to repair the candidate graph.
REPAIR_PAIRS = 2_000_000


def _locked(
    features: Features,
    people: People,
    locked_pairs: Iterable[tuple[int, int]],
    banned: set[tuple[int, int]],
) -> tuple[I64, I64]:
    """Check locked pairs and return them as sorted (u, v) positions with u < v."""
    position = {k: i for i, k in enumerate(people.keys.tolist())}
    pairs = sorted({(min(a, b), max(a, b)) for a, b in locked_pairs})
    for a, b in pairs:
        if a not in position or b not in position:
            raise LockedPairError(f"Locked pair ({a}, {b}) names someone not in the run.")
        if a == b:
            raise LockedPairError(f"Locked pair ({a}, {b}) pairs someone with themselves.")
        if (a, b) in banned or (b, a) in banned:
            raise LockedPairError(f"Locked pair ({a}, {b}) is excluded from matching.")
    u = np.array([position[a] for a, _ in pairs], np.int64)
    v = np.array([position[b] for _, b in pairs], np.int64)
    load = np.bincount(np.concatenate([u, v]), minlength=people.n)
    over = np.flatnonzero(load > people.limit)
    if over.size:
        raise LockedPairError(
            f"Locked pairs exceed the places of peer {int(people.keys[over[0]])}."
        )
    broken = score_edges(features, people, u, v).broken
    for i in np.flatnonzero(broken >= 0).tolist():
        rule = RULES[broken[i]].replace("_", " ")
        raise LockedPairError(f"Locked pair {pairs[i]} breaks the {rule} rule.")
    return u, v


def _weights(features: Features, people: People, u: I64, v: I64) -> tuple[F64, I64]:
    """Return the weights of pairs (u, v) and the first rule each breaks, or -1."""
    a, rules = features.arrays, features.policy.rules
    return edge_weights(a, people.mentee, people.mentor, u, v, rules.min_score)


def _candidate_edges(
    solving: Features, people: People, limit: I64, k: int, kr: int
) -> tuple[I64, I64]:
    """Return each person's best partners in both roles as sorted unique (u, v), u < v."""
    person_of_mentee = np.full(solving.n_mentees, -1, np.int64)
    person_of_mentor = np.full(solving.n_mentors, -1, np.int64)
    person_of_mentee[people.mentee[people.mentee >= 0]] = np.flatnonzero(people.mentee >= 0)
    person_of_mentor[people.mentor[people.mentor >= 0]] = np.flatnonzero(people.mentor >= 0)
    mi, ri, _ = generate_candidates(solving, k, kr).edges()
    x, y = person_of_mentee[mi], person_of_mentor[ri]
    u, v = np.minimum(x, y), np.maximum(x, y)
    # Only people on both lists with places left can be paired (and scored both ways).
    room = limit > 0  # a limit above 0 means on both lists
    keep = (u >= 0) & (u != v) & room[np.maximum(u, 0)] & room[np.maximum(v, 0)]
    edge_keys = np.unique(u[keep] * people.n + v[keep])
    return edge_keys // people.n, edge_keys % people.n


def _repair_edges(
    solving: Features, people: People, limit: I64, u: I64, v: I64, chosen: B1
) -> tuple[I64, I64]:
    """Return eligible pairs of people both left with room that are not candidates yet."""
    got = np.bincount(np.concatenate([u[chosen], v[chosen]]), minlength=people.n)
    short = np.flatnonzero(got < limit)
    if short.size < 2 or short.size * (short.size - 1) // 2 > REPAIR_PAIRS:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    a, b = np.triu_indices(short.size, k=1)
    nu, nv = short[a], short[b]
    # The candidate pairs are sorted by (u, v), so their keys are sorted already.
    known, keys = u * people.n + v, nu * people.n + nv
    at = np.minimum(np.searchsorted(known, keys), max(known.shape[0] - 1, 0))
    fresh = known[at] != keys if known.shape[0] else np.ones(keys.shape[0], np.bool_)
    nu, nv = nu[fresh], nv[fresh]
    weight, broken = _weights(solving, people, nu, nv)
    ok = (broken < 0) & (weight > 0)
    return nu[ok], nv[ok]


@dataclass(frozen=True, slots=True)
class _Solved:
    u: I64
    v: I64
    w: F64
    chosen: B1
    solution: PeerSolution
    rounds: int
    candidates: int
    exact: bool


def _solve(
    solving: Features,
    people: People,
    limit: I64,
    edges: tuple[I64, I64],
    covered: B1,
    time_limit: float,
) -> _Solved:
    """Solve on the candidate graph, add pairs of people left with room, solve again."""
    start = time.perf_counter()
    exact = int((limit > 0).sum()) <= EXACT_PEOPLE
    u, v = edges
    weight, broken = _weights(solving, people, u, v)
    u, v, w = u[broken < 0], v[broken < 0], weight[broken < 0]
    candidates = int(u.shape[0])
    rounds = 0
    while True:
        rounds += 1
        left = time_limit - (time.perf_counter() - start)
        solution = solve_b_matching(
            u,
            v,
            w,
            limit,
            participation_first=solving.policy.participation_first,
            already_matched=covered,
            time_limit=left,
            gap=0.0 if exact else solving.policy.peer_gap,
        )
        if rounds > MAX_REPAIR_ROUNDS or not solution.proved:
            break
        add_u, add_v = _repair_edges(solving, people, limit, u, v, solution.chosen)
        if add_u.size == 0:
            break
        add_w = _weights(solving, people, add_u, add_v)[0]
        order = np.lexsort((np.concatenate([v, add_v]), np.concatenate([u, add_u])))
        u = np.concatenate([u, add_u])[order]
        v = np.concatenate([v, add_v])[order]
        w = np.concatenate([w, add_w])[order]
    return _Solved(u, v, w, solution.chosen, solution, rounds, candidates, exact)


def _check(people: People, u: I64, v: I64) -> None:
    """Refuse a result that pairs someone with themselves, twice, or past their limit."""
    load = np.bincount(np.concatenate([u, v]), minlength=people.n)
    twice = np.unique(u * people.n + v).shape[0] != u.shape[0]
    if np.any(u == v) or twice or np.any(load > people.limit):
        raise SolverError("The peer matching broke a place limit or repeated a pair.")


def _pairs(
    features: Features, people: People, u: I64, v: I64, locked: B1
) -> tuple[tuple[ProposedPair, ...], F64]:
    """Score and explain the final pairs for both people; return them with their scores."""
    scored = score_edges(features, people, u, v)
    a = [people.side(i) for i in u.tolist()]
    b = [people.side(i) for i in v.tolist()]
    reasons = peer_reasons(features, a, b, scored.forward, scored.back)
    parts = np.round((scored.forward.parts + scored.back.parts) / 2, 4).tolist()
    pairs = tuple(
        ProposedPair(
            mentee=int(people.keys[u[i]]),
            mentor=int(people.keys[v[i]]),
            score=round(float(scored.weight[i]), 6),
            components=dict(zip(COMPONENTS, parts[i], strict=True)),
            reasons=reasons[i],
            locked=bool(locked[i]),
        )
        for i in range(u.shape[0])
    )
    return pairs, scored.weight


def run_peer_matching(
    instance: Instance,
    policy: Policy | None = None,
    *,
    seed: int = 0,
    locked_pairs: Iterable[tuple[int, int]] = (),
    excluded_pairs: Iterable[tuple[int, int]] = (),
    progress: Callable[[str], None] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> MatchResult:
    """Pair peers with each other: at most their limit of pairs each, best total first.

    Pairs are given by keys: ``locked_pairs`` and ``excluded_pairs`` in either order
    (an excluded (a, b) also excludes (b, a)); each result pair has the smaller key as
    ``mentee`` and the larger as ``mentor``. ``stats["proved"]`` is 1 when the total is
    proved within the policy's ``peer_gap`` of the best possible on the candidate graph
    (``stats["gap_ppm"]`` says how close, in millionths), ``stats["proved_optimal"]``
    when it is proved the best. The same inputs and seed always give the same result
    (unless ``time_limit`` seconds cut HiGHS's search short).
    """
    policy = policy or Policy()
    stages = Stages(progress)
    lap = stages.lap

    excluded = set(excluded_pairs)
    # Directed scans must not drop a pair whose one direction is below the minimum: the
    # minimum applies to the pair's mean score, checked in score_edges.
    scan_policy = replace(policy, rules=replace(policy.rules, min_score=0.0))
    features = build_features(instance, scan_policy, seed=seed, excluded_pairs=excluded)
    features = replace(features, policy=policy)
    people = people_of(instance, features)
    features = with_limits(features, people, people.limit, excluded)
    banned = excluded | set(policy.rules.do_not_match) | set(policy.rules.failed_pairs)
    lock_u, lock_v = _locked(features, people, locked_pairs, banned)
    lock_keys = {
        (int(people.keys[x]), int(people.keys[y])) for x, y in zip(lock_u, lock_v, strict=True)
    }
    limit = people.limit - np.bincount(np.concatenate([lock_u, lock_v]), minlength=people.n)
    mirrored = excluded | lock_keys | {(b, a) for a, b in lock_keys}
    solving = with_limits(features, people, limit, mirrored)
    lap("features")
    edges = _candidate_edges(
        solving, people, limit, policy.candidates_per_mentee, policy.candidates_per_mentor
    )
    lap("candidates")
    covered = np.zeros(people.n, np.bool_)
    covered[lock_u], covered[lock_v] = True, True
    solved = _solve(solving, people, limit, edges, covered, time_limit)
    lap("solve")
    u = np.concatenate([lock_u, solved.u[solved.chosen]])
    v = np.concatenate([lock_v, solved.v[solved.chosen]])
    is_locked = np.arange(u.shape[0]) < lock_u.shape[0]
    _check(people, u, v)
    order = np.lexsort((v, u))
    u, v, is_locked = u[order], v[order], is_locked[order]
    lap("audit")
    pairs, scores = _pairs(features, people, u, v, is_locked)
    unmatched = peer_unmatched(features, people, u, v, (solved.u, solved.v))
    lap("explanations")
    cand = (solved.u, solved.v, solved.w)
    quality = peer_report(people, u, v, scores, cand, int(lock_u.shape[0]), unmatched)
    lap("quality")
    solution = solved.solution
    stats = {
        "people": people.n,
        "candidate_pairs": solved.candidates,
        "final_candidate_pairs": int(solved.u.shape[0]),
        "solve_rounds": solved.rounds,
        "proved_optimal": int(solution.proved_optimal),
        "proved": int(solution.proved),
        # Relative gap of the total to the best bound proved, in millionths (-1: unknown),
        # and the tolerance it was held to.
        "gap_ppm": round(solution.gap * 1e6) if np.isfinite(solution.gap) else -1,
        "gap_tolerance_ppm": 0 if solved.exact else round(policy.peer_gap * 1e6),
        "highs_status": solution.status,
        "mip_nodes": solution.nodes,
        # How the matching was found: the index of peer_solve.METHODS ("lp", "rounding",
        # "local", "mip", "greedy").
        "method": METHODS.index(solution.method),
    }
    return MatchResult(
        solver="optimal",
        seed=seed,
        pairs=pairs,
        unmatched=unmatched,
        quality=quality,
        timings=stages.timings,
        stats=stats,
    )
