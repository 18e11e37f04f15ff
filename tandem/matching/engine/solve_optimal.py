"""Optimal matching: maximum total score as an OR-Tools min-cost flow.

Source -> mentee (capacity: mentors still wanted) -> mentor (one arc per candidate pair,
capacity 1, cost minus the scaled score) -> sink (capacity: places left), plus a free
source -> sink arc so nobody has to be matched. Capacities sit on the mentor arcs, so no
mentor is split into slots. With ``participation_first`` each mentee's first unit of flow
earns a bonus larger than any total score, which makes the objective lexicographic: most
mentees matched, then the best total.

After a solve, mentees left short and mentors left with room get their best eligible
pairs added from the whole market (not only the candidate lists) and the flow is solved
again, until no such pair is left: the result is optimal on the final candidate graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

from tandem.matching.engine.candidates import Candidates
from tandem.matching.engine.features import Features
from tandem.matching.engine.scans import scan_extend
from tandem.matching.engine.scoring import score_pairs

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# Scores are costs in millionths.
SCALE = 1_000_000
MAX_REPAIR_ROUNDS = 3
REPAIR_K = 8
# Up to this many (short mentee, mentor with room) pairs are scored one by one.
DIRECT_PAIRS = 2_000_000


class SolverError(RuntimeError):
    """The flow solver did not report an optimal solution."""


@dataclass(frozen=True, slots=True)
class Solution:
    """Chosen pairs (mentee index, mentor index, score) and how the solve went."""

    mentee: I64
    mentor: I64
    score: F64
    rounds: int
    arcs: int


def _solve_flow(
    mi: I64, ri: I64, s: F64, wanted: I64, capacity: I64, participation_first: bool
) -> npt.NDArray[np.bool_]:
    n_me, n_mr = wanted.shape[0], capacity.shape[0]
    source, sink = n_me + n_mr, n_me + n_mr + 1
    total = int(wanted.sum())
    me_nodes = np.arange(n_me, dtype=np.int64)
    pair_cost = -np.rint(s * SCALE).astype(np.int64)
    if participation_first:
        bonus = SCALE * (total + 1)
        first = np.minimum(wanted, 1)
        tails = [np.full(n_me, source), np.full(n_me, source)]
        heads = [me_nodes, me_nodes]
        caps = [first, wanted - first]
        costs = [np.full(n_me, -bonus, np.int64), np.zeros(n_me, np.int64)]
    else:
        tails, heads, caps, costs = [np.full(n_me, source)], [me_nodes], [wanted], [0 * wanted]
    n_before = sum(t.shape[0] for t in tails)
    tails += [mi, n_me + np.arange(n_mr), np.array([source])]
    heads += [n_me + ri, np.full(n_mr, sink), np.array([sink])]
    caps += [np.ones(mi.shape[0], np.int64), capacity, np.array([total])]
    costs += [pair_cost, np.zeros(n_mr, np.int64), np.zeros(1, np.int64)]
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int64),
        np.concatenate(heads).astype(np.int64),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    supplies = np.zeros(n_me + n_mr + 2, np.int64)
    supplies[source], supplies[sink] = total, -total
    flow.set_nodes_supplies(np.arange(supplies.shape[0]), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"Min-cost flow ended with status {status}.")
    arcs = np.arange(n_before, n_before + mi.shape[0])
    chosen: npt.NDArray[np.bool_] = flow.flows(arcs) > 0
    return chosen


def _repair_arcs(
    features: Features,
    mi: I64,
    ri: I64,
    chosen: npt.NDArray[np.bool_],
    wanted: I64,
    capacity: I64,
) -> tuple[I64, I64, F64]:
    """Find eligible pairs of short mentees and mentors with room that are not arcs yet."""
    n_mr = capacity.shape[0]
    got = np.bincount(mi[chosen], minlength=wanted.shape[0])
    load = np.bincount(ri[chosen], minlength=n_mr)
    short = np.flatnonzero(got < wanted)
    room = np.flatnonzero(load < capacity)
    if short.size == 0 or room.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    if short.size * room.size <= DIRECT_PAIRS:
        # Few mentors have room: score those pairs directly instead of scanning rows.
        new_mi, new_ri = np.repeat(short, room.size), np.tile(room, short.size)
        scored = score_pairs(features, new_mi, new_ri)
        ok = scored.broken < 0
        new_mi, new_ri, new_s = new_mi[ok], new_ri[ok], scored.score[ok]
    else:
        thr_s = np.full(n_mr, np.inf)
        thr_s[room] = -np.inf
        thr_rank = np.full(n_mr, np.iinfo(np.int64).max, np.int64)
        cursor = (np.full(short.shape[0], np.inf), np.zeros(short.shape[0], np.int64))
        idx, sc, n = scan_extend(features.arrays, short, cursor, (thr_s, thr_rank), REPAIR_K)
        keep = np.arange(REPAIR_K)[None, :] < n[:, None]
        new_mi, new_ri, new_s = np.repeat(short, n), idx[keep], sc[keep]
    known = np.sort(mi * n_mr + ri)
    key = new_mi * n_mr + new_ri
    pos = np.minimum(np.searchsorted(known, key), max(known.shape[0] - 1, 0))
    fresh = known[pos] != key if known.size else np.ones(key.shape[0], np.bool_)
    return new_mi[fresh], new_ri[fresh], new_s[fresh]


def solve_optimal(
    features: Features, candidates: Candidates, *, participation_first: bool = False
) -> Solution:
    """Maximize the total score (optionally participation first) under every capacity."""
    a = features.arrays
    mi, ri, s = candidates.edges()
    rounds = 0
    while True:
        rounds += 1
        chosen = _solve_flow(mi, ri, s, a.wanted, a.capacity, participation_first)
        if rounds > MAX_REPAIR_ROUNDS:
            break
        add_mi, add_ri, add_s = _repair_arcs(features, mi, ri, chosen, a.wanted, a.capacity)
        if add_mi.size == 0:
            break
        mi = np.concatenate([mi, add_mi])
        ri = np.concatenate([ri, add_ri])
        s = np.concatenate([s, add_s])
    return Solution(mi[chosen], ri[chosen], s[chosen], rounds, int(mi.shape[0]))
