"""Benchmark peer matching: the exact b-matching against a greedy one on the same graph.

Run from the repository root:

    .venv/bin/python -m bench.peers                 # 1k and 10k peers
    .venv/bin/python -m bench.peers --sizes 1k

A peer instance is the synthetic one-to-one instance (bench/synthetic.py) with each
mentee and the mentor at the same position made one person: the mentee's profile,
goals and focus, the mentor's expertise and bio, and places 1-3 on both lists. The
engine runs end to end (``run_peer_matching``) in this process after a warm-up on a
small instance. The greedy baseline takes the engine's final candidate pairs best first
while both people have room, so the ratio is what the exact solve adds on one graph.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

import numpy as np

from bench.synthetic import bench_policy, generate
from tandem.matching.engine import (
    Instance,
    MatchResult,
    Mentor,
    Policy,
    peers,
    run_peer_matching,
)
from tandem.matching.engine.features import build_features
from tandem.matching.engine.peer_graph import people_of, score_edges, with_limits
from tandem.matching.engine.peer_solve import greedy_b_matching

# Peers seeking, and how many of them also give (the rest seek only, with no places).
SIZES = {"1k": (1_000, 1_000), "10k": (10_000, 10_000), "15k": (15_000, 13_000)}
Pair = tuple[int, int]


def peer_instance(n: int, seed: int = 0, givers: int | None = None) -> Instance:
    """Make n peers from a synthetic instance of n mentees and ``givers`` (n) mentors.

    The first ``givers`` peers are on both lists; the others only seek, so have no places.
    """
    givers = n if givers is None else givers
    base = generate(n, givers, seed=seed)
    rng = np.random.default_rng(seed + 11)
    places = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1]).tolist()
    mentees = [replace(m, key=i + 1, mentors_wanted=places[i]) for i, m in enumerate(base.mentees)]
    mentors: list[Mentor] = []
    for i, (m, r) in enumerate(zip(base.mentees, base.mentors, strict=False)):
        mentors.append(
            replace(
                r,
                key=i + 1,
                person=m.person,
                capacity=places[i],
                department=m.department,
                utc_offset=m.utc_offset,
                modes=m.modes,
                languages=m.languages,
                location=m.location,
                seniority=m.seniority,
            )
        )
    return Instance(mentees=mentees, mentors=mentors, topics=base.topics, managers=base.managers)


def _greedy_total(instance: Instance, policy: Policy, pairs: set[Pair]) -> float:
    """Score the engine's candidate graph again and match it greedily."""
    features = build_features(instance, replace(policy, rules=replace(policy.rules, min_score=0)))
    features = replace(features, policy=policy)
    people = people_of(instance, features)
    features = with_limits(features, people, people.limit, set())
    position = {int(k): i for i, k in enumerate(people.keys.tolist())}
    u = np.array([position[a] for a, _ in sorted(pairs)], np.int64)
    v = np.array([position[b] for _, b in sorted(pairs)], np.int64)
    w = score_edges(features, people, u, v).weight
    return float(w[greedy_b_matching(u, v, w, people.limit)].sum())


def _run(instance: Instance, policy: Policy, seed: int) -> tuple[MatchResult, float, set[Pair]]:
    """Run the engine once, timed, keeping its final candidate graph for the baseline."""
    captured: list[set[Pair]] = []
    solve = peers._solve

    def keep_graph(solving, people, limit, edges, covered, time_limit):  # type: ignore[no-untyped-def]
        solved = solve(solving, people, limit, edges, covered, time_limit)
        keys = people.keys.tolist()
        captured.append({(keys[a], keys[b]) for a, b in zip(solved.u, solved.v, strict=True)})
        return solved

    peers._solve = keep_graph
    try:
        start = time.perf_counter()
        result = run_peer_matching(instance, policy, seed=seed)
        seconds = time.perf_counter() - start
    finally:
        peers._solve = solve
    return result, seconds, captured[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    warm = peer_instance(200, seed=args.seed + 7)
    run_peer_matching(warm, bench_policy(warm, args.seed))
    head = (
        f"{'peers':>6} {'wall s':>7} {'solve s':>7} {'candidates':>10} {'pairs':>6} "
        f"{'matched':>7} {'proved':>6} {'gap':>8} {'total':>9} {'greedy':>9} {'ratio':>7}"
    )
    print(head)
    print("-" * len(head))
    for size in [s for s in args.sizes.split(",") if s]:
        people, givers = SIZES[size]
        instance = peer_instance(people, seed=args.seed, givers=givers)
        policy = bench_policy(instance, args.seed)
        result, seconds, graph = _run(instance, policy, args.seed)
        total = sum(p.score for p in result.pairs)
        greedy = _greedy_total(instance, policy, graph)
        stats = result.stats
        gap = "—" if stats["gap_ppm"] < 0 else f"{stats['gap_ppm'] / 1e4:.4f}%"
        print(
            f"{size:>6} {seconds:7.1f} {result.timings['solve']:7.1f} "
            f"{stats['final_candidate_pairs']:10,d} {len(result.pairs):6,d} "
            f"{result.quality.mentees_matched:7,d} {'yes' if stats['proved_optimal'] else 'no':>6} "
            f"{gap:>8} {total:9.2f} {greedy:9.2f} {total / greedy if greedy else 1.0:7.4f}"
        )
        print(f"[{size}] stages: {dict(result.timings)} stats: {dict(stats)}", file=sys.stderr)


if __name__ == "__main__":
    if not __package__:
        sys.exit("Run it as a module from the repository root: python -m bench.peers")
    main()
