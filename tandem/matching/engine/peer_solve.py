"""Maximum-weight b-matching on a general graph, proved optimal or within a stated gap.

Peers are matched within one set of people, so the graph is not bipartite and the
flow model of ``solve_optimal.py`` does not apply directly: its LP relaxation is
integral only for bipartite graphs. Every candidate edge gets a ``x_e`` in [0, 1] and
every person the constraint ``sum of x_e at them <= limit``.

1. The LP relaxation is solved as a min-cost flow on the graph's bipartite double
   cover: each person once as a seeker and once as a giver, each edge {u, v} as the
   two arcs u -> v and v -> u. Any LP solution x gives a flow of twice its value
   (both arcs of an edge at x_e), and any flow gives an LP solution of half its value
   (x_e the mean of its two arcs), so an optimal flow is an optimal, half-integral LP
   solution. OR-Tools solves it in seconds where HiGHS's simplex took minutes at
   10,000 peers. Scores are costs in millionths, as in ``solve_optimal.py``; the
   bound on the best total allows for that rounding.
2. A whole LP solution is the optimum. Otherwise its whole edges, completed greedily,
   are a matching; an integer program on the edges that matter (the LP's support,
   that matching, and every edge at someone with a half edge) improves it in a
   fraction of a second.
3. That matching's total is compared with the LP's bound. Within the tolerance asked
   for (the policy's ``peer_gap``, 0.1 %) it is the answer, *proved* within that gap.
   Otherwise HiGHS's branch and cut (scipy's ``milp``) solves the whole program with
   ``mip_rel_gap`` set to the tolerance, within the time limit; a tolerance of 0 asks
   for the proved optimum, which is what small programs get (``peers.EXACT_PEOPLE``).

With ``participation_first`` the objective is lexicographic: most people with at least
one pair, then the best total. In the flow, each person's first unit as a seeker and
as a giver earns a bonus larger than any total score, which keeps both exact. HiGHS
solves it in two stages rather than with one big weight: stage one maximizes the
number of people matched (an integer objective it proves exactly); stage two fixes that
number as a constraint and maximizes the total score. A single objective
``big * people + score`` would need ``big`` above any total score, and HiGHS's relative
gap and tolerances on an objective that large would no longer separate two totals that
differ by less than about ``big * 1e-6``. The flow's bound caps the number of people
matched; a matching reaching it is compared on its total with the bound for that
number.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]
from scipy.optimize import Bounds, LinearConstraint, milp

from tandem.matching.engine.solve_optimal import SCALE, SolverError

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B1 = npt.NDArray[np.bool_]

# Seconds HiGHS may spend in all; past it the best solution found so far is used.
DEFAULT_TIME_LIMIT = 60.0
# HiGHS status codes as scipy reports them.
OPTIMAL, LIMIT_REACHED = 0, 1
# How the returned matching was found, in PeerSolution.method.
METHODS = ("lp", "rounding", "local", "mip", "greedy")


@dataclass(frozen=True, slots=True)
class PeerSolution:
    """Which candidate edges were chosen, how they were found and what is proved."""

    chosen: B1
    # The best total is proved (with participation first: on the most people matched).
    proved_optimal: bool
    # scipy's HiGHS status of the last branch and cut, -1 when it did not run.
    status: int
    # Proved relative gap between the total and the best bound on it (inf: unknown).
    gap: float
    nodes: int
    # One of METHODS: the whole LP solution, its rounding, the integer program on the
    # edges around the rounding, HiGHS's branch and cut, or the greedy matching.
    method: str
    # The gap is proved within the tolerance asked for (always when proved_optimal).
    proved: bool


def greedy_b_matching(u: I64, v: I64, w: F64, limit: I64) -> B1:
    """Take edges best first while both people have room: the usual quick baseline."""
    room = limit.astype(np.int64).copy()
    chosen = np.zeros(u.shape[0], np.bool_)
    # Ties broken by edge order, which the caller makes deterministic.
    for e in np.argsort(-w, kind="stable").tolist():
        a, b = u[e], v[e]
        if room[a] > 0 and room[b] > 0:
            chosen[e] = True
            room[a] -= 1
            room[b] -= 1
    return chosen


def _incidence(u: I64, v: I64, n: int) -> sp.csr_matrix:
    m = u.shape[0]
    rows = np.concatenate([u, v])
    cols = np.concatenate([np.arange(m), np.arange(m)])
    return sp.csr_matrix((np.ones(2 * m), (rows, cols)), shape=(n, m))


def _covered(u: I64, v: I64, chosen: B1, n: int, already: B1) -> int:
    hit = already.copy()
    hit[u[chosen]] = True
    hit[v[chosen]] = True
    return int(hit.sum())


@dataclass(frozen=True, slots=True)
class _Relaxed:
    """An optimal half-integral LP solution and what it bounds."""

    x: F64
    # People matched: at most this many (participation first; else 0).
    people: int
    # The flow's optimum in doubled millionths, bonus included, and one person's bonus.
    value: int
    bonus: int
    # Slack on the total for scores rounded to millionths: sum(limit) / 4 millionths.
    slack: float

    def total_bound(self, people: int) -> float:
        """Bound the total of any matching of at least ``people`` people (any, no bonus)."""
        return (self.value - self.bonus * people) / (2 * SCALE) + self.slack


def _relax(u: I64, v: I64, w: F64, limit: I64, seekers: B1 | None) -> _Relaxed:
    """Solve the LP relaxation as a min-cost flow on the double cover (see the top).

    ``seekers`` marks who earns the participation bonus (None: the total alone).
    """
    n, m = limit.shape[0], u.shape[0]
    total = int(limit.sum())
    source, sink = 2 * n, 2 * n + 1
    people = np.arange(n, dtype=np.int64)
    # Half a person's bonus at each of their two nodes, on its first unit: more than
    # any total score (at most sum(limit) / 2 edges of score at most 1, counted twice).
    half = 0 if seekers is None else SCALE * (total + 1)
    first = np.zeros(n, np.int64) if seekers is None else np.where(seekers, np.minimum(limit, 1), 0)
    bonus, zero = np.full(n, -half, np.int64), np.zeros(n, np.int64)
    cost = -np.rint(w * SCALE).astype(np.int64)
    # Arcs: source -> seeker (first unit, the rest), the edges both ways from index 2n,
    # giver -> sink (first unit, the rest), and source -> sink for places left empty.
    to_source, to_sink = np.full(n, source, np.int64), np.full(n, sink, np.int64)
    tails = [to_source, to_source, u, v, n + people, n + people, np.array([source])]
    heads = [people, people, n + v, n + u, to_sink, to_sink, np.array([sink])]
    caps = [first, limit - first, np.ones(2 * m, np.int64), first, limit - first, np.array([total])]
    costs = [bonus, zero, cost, cost, bonus, zero, np.zeros(1, np.int64)]
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int64),
        np.concatenate(heads).astype(np.int64),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs).astype(np.int64),
    )
    supplies = np.zeros(2 * n + 2, np.int64)
    supplies[source], supplies[sink] = total, -total
    flow.set_nodes_supplies(np.arange(2 * n + 2), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverError(f"Min-cost flow ended with status {status}.")
    arcs = flow.flows(np.arange(2 * n, 2 * n + 2 * m))
    x = (arcs[:m] + arcs[m:]) / 2
    value = -int(flow.optimal_cost())
    bound = value // (2 * half) if half else 0
    return _Relaxed(x, int(bound), value, 2 * half, total / (4 * SCALE))


@dataclass(frozen=True, slots=True)
class _Run:
    x: F64 | None
    status: int
    gap: float
    nodes: int
    bound: float  # best bound on the maximum (+inf when unknown)


def _run(
    c: F64, constraints: list[LinearConstraint], integrality: I64, seconds: float, gap: float
) -> _Run:
    res = milp(
        c,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(0, 1),
        options={"time_limit": max(seconds, 0.5), "mip_rel_gap": gap, "disp": False},
    )
    mip_gap = getattr(res, "mip_gap", None)
    dual = getattr(res, "mip_dual_bound", None)
    return _Run(
        x=None if res.x is None else np.asarray(res.x, np.float64),
        status=int(res.status),
        gap=float(mip_gap) if mip_gap is not None else np.inf,
        nodes=int(getattr(res, "mip_node_count", 0) or 0),
        bound=-float(dual) if dual is not None and np.isfinite(dual) else np.inf,
    )


def _complete(u: I64, v: I64, w: F64, limit: I64, fixed: B1, seekers: B1 | None) -> B1:
    """Keep the ``fixed`` edges and add the others best first while both ends have room.

    With ``seekers`` (participation first), edges reaching one of them still without a
    pair go first.
    """
    n = limit.shape[0]
    chosen = fixed.copy()
    for first in (True, False):
        got = np.bincount(np.concatenate([u[chosen], v[chosen]]), minlength=n)
        if first and seekers is None:
            continue
        alone = seekers & (got == 0) if first and seekers is not None else np.ones(n, np.bool_)
        rest = np.flatnonzero(~chosen & (alone[u] | alone[v]))
        chosen[rest] = greedy_b_matching(u[rest], v[rest], w[rest], limit - got)
    return chosen


def _cover(u: I64, v: I64, w: F64, limit: I64, chosen: B1, seekers: B1) -> B1:
    """Pair seekers left without a pair by taking a place from someone's second partner.

    For each such seeker p (in order) and each edge p-q: take it when q has room, else
    let q drop the pair with a partner who keeps another pair; the swap losing least.
    """
    n = limit.shape[0]
    chosen = chosen.copy()
    got = np.bincount(np.concatenate([u[chosen], v[chosen]]), minlength=n)
    alone = np.flatnonzero(seekers & (got == 0) & (limit > 0))
    if alone.size == 0:
        return chosen
    ends = np.concatenate([u, v])
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(ends, minlength=n), out=ptr[1:])
    at = np.tile(np.arange(u.shape[0]), 2)[np.argsort(ends, kind="stable")]
    for p in alone.tolist():
        if got[p] > 0:
            continue
        best: tuple[float, int, int] | None = None
        for e in at[ptr[p] : ptr[p + 1]].tolist():
            q = int(u[e] + v[e] - p)
            if got[q] < limit[q]:
                swap = (float(w[e]), e, -1)
            else:
                held = [f for f in at[ptr[q] : ptr[q + 1]].tolist() if chosen[f]]
                lose = [(float(w[f]), f) for f in held if got[u[f] + v[f] - q] >= 2]
                if not lose:
                    continue
                weight, f = min(lose)
                swap = (float(w[e]) - weight, e, f)
            if best is None or swap[0] > best[0]:
                best = swap
        if best is None:
            continue
        _, e, f = best
        chosen[e] = True
        got[u[e]] += 1
        got[v[e]] += 1
        if f >= 0:
            chosen[f] = False
            got[u[f]] -= 1
            got[v[f]] -= 1
    return chosen


def _branch_and_cut(
    u: I64,
    v: I64,
    w: F64,
    limit: I64,
    already: B1 | None,
    seconds: float,
    gap: float,
    reach: int | None = None,
) -> _Run:
    """Solve the integer program with HiGHS: the total, or people first then the total.

    With participation first, ``status`` is OPTIMAL only when both stages are, and
    ``bound`` bounds the total on the number of people stage one reached. ``reach`` is
    that number when it is known already (a matching reaches the bound): no stage one.
    """
    start = time.perf_counter()
    n, m = limit.shape[0], u.shape[0]
    incidence = _incidence(u, v, n)
    rows = [LinearConstraint(incidence, -np.inf, limit.astype(float))]
    if already is None:
        return _run(-w, rows, np.ones(m, np.int64), seconds, gap)
    # Stage two's variables: the edges, then one "matched" share per person who could
    # still be matched; y_p <= sum of x_e at p, 0 <= y_p <= 1.
    seekers = np.flatnonzero(~already & (np.asarray(incidence.sum(axis=1)).ravel() > 0))
    s = seekers.shape[0]
    pick = sp.csr_matrix((np.ones(s), (np.arange(s), seekers)), shape=(s, n))
    integrality = np.concatenate([np.ones(m, np.int64), np.zeros(s, np.int64)])
    constraints = [
        LinearConstraint(sp.hstack([incidence, sp.csr_matrix((n, s))]), -np.inf, rows[0].ub)
    ]
    nodes, first_done = 0, True
    if s:
        link = sp.hstack([-(pick @ incidence), sp.identity(s)])
        constraints.append(LinearConstraint(link, -np.inf, 0.0))
        count = sp.csr_matrix(np.concatenate([np.zeros(m), np.ones(s)])[None, :])
    if s and reach is not None:
        constraints.append(LinearConstraint(count, reach, np.inf))
    elif s:
        c1 = np.concatenate([np.zeros(m), -np.ones(s)])
        # The number of people is proved exactly: a relative gap would give some up.
        first = _run(c1, constraints, integrality, seconds, 0.0)
        nodes, first_done = first.nodes, first.status == OPTIMAL
        if first.x is not None:
            reached = _covered(u, v, first.x[:m] > 0.5, n, already) - int(already.sum())
            constraints.append(LinearConstraint(count, reached, np.inf))
    left = seconds - (time.perf_counter() - start)
    second = _run(np.concatenate([-w, np.zeros(s)]), constraints, integrality, left, gap)
    status = second.status if first_done else LIMIT_REACHED
    x = None if second.x is None else second.x[:m]
    bound = second.bound if first_done else np.inf
    return _Run(x, status, second.gap, nodes + second.nodes, bound)


def _local(
    u: I64,
    v: I64,
    w: F64,
    limit: I64,
    keep: B1,
    already: B1 | None,
    seconds: float,
    gap: float,
    reach: int | None,
) -> B1 | None:
    """Solve the integer program on the ``keep`` edges alone; None when HiGHS fails."""
    edges = np.flatnonzero(keep)
    run = _branch_and_cut(u[edges], v[edges], w[edges], limit, already, seconds, gap, reach)
    if run.x is None:
        return None
    chosen = np.zeros(u.shape[0], np.bool_)
    chosen[edges[run.x > 0.5]] = True
    return chosen


def solve_b_matching(
    u: I64,
    v: I64,
    w: F64,
    limit: I64,
    *,
    participation_first: bool = False,
    already_matched: B1 | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    gap: float = 0.0,
) -> PeerSolution:
    """Maximize the total weight of edges (u, v) with at most ``limit`` edges per person.

    The result is proved optimal, or proved within the relative ``gap`` of the best
    bound when one is allowed (``proved``), unless the time limit cut HiGHS short.
    ``already_matched`` marks people who count as matched before the solve (locked
    pairs), for ``participation_first``.
    """
    start = time.perf_counter()
    n, m = limit.shape[0], u.shape[0]
    already = np.zeros(n, np.bool_) if already_matched is None else already_matched
    if m == 0:
        return PeerSolution(np.zeros(0, np.bool_), True, -1, 0.0, 0, "lp", True)
    relaxed = _relax(u, v, w, limit, ~already if participation_first else None)
    x = relaxed.x
    half = (x > 0) & (x < 1)
    if not half.any():
        return PeerSolution(x == 1, True, -1, 0.0, 0, "lp", True)
    first = already if participation_first else None

    def rank(chosen: B1) -> tuple[int, float]:
        matched = (
            _covered(u, v, chosen, n, already) - int(already.sum()) if first is not None else 0
        )
        return matched, float(w[chosen].sum())

    def gap_of(chosen: B1, most: int, bound: float = np.inf) -> float:
        """The proved gap of ``chosen``'s total, when no matching reaches more than
        ``most`` people and none of as many people more than ``bound``."""
        matched, total = rank(chosen)
        if matched < most:
            return np.inf
        bound = min(bound, relaxed.total_bound(matched))
        return max(bound - total, 0.0) / max(abs(bound), 1e-9)

    seekers = ~already if participation_first else None
    rounded = _complete(u, v, w, limit, x == 1, seekers)
    options = {"rounding": rounded if seekers is None else _cover(u, v, w, limit, rounded, seekers)}
    best = "rounding"
    found = gap_of(options[best], relaxed.people)
    if found > gap > 0:
        # The edges around the rounding: its own, the LP's, all at a half edge's ends.
        ends = np.zeros(n, np.bool_)
        ends[u[half]], ends[v[half]] = True, True
        keep = options["rounding"] | (x > 0) | ends[u] | ends[v]
        left = time_limit - (time.perf_counter() - start)
        # The rounding reaching the bound on people proves their number: no stage one.
        reach = relaxed.people if rank(options[best])[0] == relaxed.people else None
        local = _local(u, v, w, limit, keep, first, left, gap, reach)
        if local is not None and rank(local) > rank(options[best]):
            options["local"], best = local, "local"
            found = gap_of(local, relaxed.people)
    if gap > 0 and found <= gap:
        return PeerSolution(options[best], False, -1, found, 0, best, True)
    left = time_limit - (time.perf_counter() - start)
    run = _branch_and_cut(u, v, w, limit, first, left, gap)
    most, bound = relaxed.people, np.inf
    if run.x is not None:
        options["mip"] = run.x > 0.5
        if run.status == OPTIMAL:
            if gap == 0:
                return PeerSolution(options["mip"], True, run.status, 0.0, run.nodes, "mip", True)
            # HiGHS proved stage one's number of people and bounded the total on it.
            most, bound = rank(options["mip"])[0], run.bound
    options["greedy"] = greedy_b_matching(u, v, w, limit)
    best = max((k for k in METHODS if k in options), key=lambda k: rank(options[k]))
    found = gap_of(options[best], most, bound)
    proved = found <= gap
    return PeerSolution(options[best], found == 0, run.status, found, run.nodes, best, proved)
