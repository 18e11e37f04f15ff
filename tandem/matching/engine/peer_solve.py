"""Maximum-weight b-matching on a general graph, exactly, as an integer program (HiGHS).

Peers are matched within one set of people, so the graph is not bipartite and the
flow model of ``solve_optimal.py`` does not apply: its LP relaxation is integral only
for bipartite graphs. Here every candidate edge gets a binary ``x_e`` and every person
the constraint ``sum of x_e at them <= limit``; scipy's ``milp`` (HiGHS branch and cut)
solves it. HiGHS reports whether it proved the optimum, so a run cut short by the time
limit says so instead of passing a heuristic answer off as the best one.

With ``participation_first`` the objective is lexicographic, solved in two stages
rather than with one big weight: stage one maximizes the number of people with at least
one pair (an integer objective HiGHS proves exactly); stage two fixes that number as a
constraint and maximizes the total score. A single objective ``big * people + score``
would need ``big`` above any total score (thousands at 10k people), and HiGHS's relative
gap and tolerances on an objective that large would no longer separate two totals that
differ by less than about ``big * 1e-6``: the two stages keep both exact.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B1 = npt.NDArray[np.bool_]

# Seconds HiGHS may spend in all; past it the best solution found so far is used.
DEFAULT_TIME_LIMIT = 60.0
# An LP value this close to 0 or 1 counts as whole.
EPS = 1e-6
# HiGHS status codes as scipy reports them.
OPTIMAL, LIMIT_REACHED = 0, 1


@dataclass(frozen=True, slots=True)
class PeerSolution:
    """Which candidate edges were chosen, and how far the solver got."""

    chosen: B1
    proved_optimal: bool
    # scipy's HiGHS status of the last solve (0 optimal, 1 time limit, ...), -1 if no edge.
    status: int
    # Relative gap between the solution and the best bound known (0 when proved optimal).
    mip_gap: float
    nodes: int
    # "" when HiGHS's own solution is used, else the better heuristic that replaced it:
    # "lp_rounding" (the relaxation's whole edges, completed greedily) or "greedy".
    fallback: str = ""


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
class _Run:
    x: F64 | None
    status: int
    gap: float
    nodes: int
    bound: float  # best bound on the maximum (+inf when unknown)


def _run(c: F64, constraints: list[LinearConstraint], integrality: I64, seconds: float) -> _Run:
    res = milp(
        c,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(0, 1),
        # An exact optimum is the point: no relative gap is tolerated, only the time limit.
        options={"time_limit": max(seconds, 0.5), "mip_rel_gap": 0.0, "disp": False},
    )
    gap = getattr(res, "mip_gap", None)
    dual = getattr(res, "mip_dual_bound", None)
    if not integrality.any() and res.status == OPTIMAL:
        dual = res.fun
    return _Run(
        x=None if res.x is None else np.asarray(res.x, np.float64),
        status=int(res.status),
        gap=float(gap) if gap is not None else np.inf,
        nodes=int(getattr(res, "mip_node_count", 0) or 0),
        bound=-float(dual) if dual is not None and np.isfinite(dual) else np.inf,
    )


def _complete(u: I64, v: I64, w: F64, limit: I64, fixed: B1) -> B1:
    """Keep the ``fixed`` edges and add the others best first while both ends have room."""
    room = limit - np.bincount(np.concatenate([u[fixed], v[fixed]]), minlength=limit.shape[0])
    rest = np.flatnonzero(~fixed)
    chosen = fixed.copy()
    chosen[rest] = greedy_b_matching(u[rest], v[rest], w[rest], room)
    return chosen


def _solve_total(u: I64, v: I64, w: F64, limit: I64, time_limit: float) -> PeerSolution:
    """Maximize the total: the LP relaxation first, then branch and cut if it is fractional.

    The relaxation takes a second where branch and cut can take minutes, and is often
    whole already; then it is the optimum. When it is not, its whole edges completed
    greedily are a solution within the relaxation's bound, which stands in if HiGHS
    finds nothing better in time.
    """
    start = time.perf_counter()
    m = u.shape[0]
    rows = [LinearConstraint(_incidence(u, v, limit.shape[0]), -np.inf, limit.astype(float))]
    relaxed = _run(-w, rows, np.zeros(m, np.int64), time_limit)
    x = relaxed.x
    if x is not None and relaxed.status == OPTIMAL and np.all((x < EPS) | (x > 1 - EPS)):
        return PeerSolution(x > 0.5, True, OPTIMAL, 0.0, 0, "")
    options = {"greedy": greedy_b_matching(u, v, w, limit)}
    if x is not None:
        options["lp_rounding"] = _complete(u, v, w, limit, x > 1 - EPS)
    exact = _run(-w, rows, np.ones(m, np.int64), time_limit - (time.perf_counter() - start))
    if exact.x is not None:
        found = exact.x > 0.5
        if exact.status == OPTIMAL:
            return PeerSolution(found, True, OPTIMAL, 0.0, exact.nodes, "")
        options[""] = found
    name = max(sorted(options), key=lambda k: float(w[options[k]].sum()))
    best = float(w[options[name]].sum())
    bound = min(relaxed.bound, exact.bound)
    gap = (bound - best) / max(abs(bound), 1e-9) if np.isfinite(bound) else np.inf
    return PeerSolution(options[name], False, exact.status, max(gap, 0.0), exact.nodes, name)


def solve_b_matching(
    u: I64,
    v: I64,
    w: F64,
    limit: I64,
    *,
    participation_first: bool = False,
    already_matched: B1 | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> PeerSolution:
    """Maximize the total weight of edges (u, v) with at most ``limit`` edges per person.

    ``already_matched`` marks people who count as matched before the solve (locked pairs),
    for ``participation_first``.
    """
    n, m = limit.shape[0], u.shape[0]
    already = np.zeros(n, np.bool_) if already_matched is None else already_matched
    if m == 0:
        return PeerSolution(np.zeros(0, np.bool_), True, -1, 0.0, 0)
    if not participation_first:
        return _solve_total(u, v, w, limit, time_limit)
    start = time.perf_counter()
    incidence = _incidence(u, v, n)
    # Stage two's variables: the edges, then (participation first) one "matched" share
    # per person who could still be matched; y_p <= sum of x_e at p, 0 <= y_p <= 1.
    seekers = np.flatnonzero(~already & (np.asarray(incidence.sum(axis=1)).ravel() > 0))
    seekers = seekers if participation_first else seekers[:0]
    s = seekers.shape[0]
    pick = sp.csr_matrix((np.ones(s), (np.arange(s), seekers)), shape=(s, n))
    integrality = np.concatenate([np.ones(m, np.int64), np.zeros(s, np.int64)])
    zeros = sp.csr_matrix((n, s))
    constraints = [LinearConstraint(sp.hstack([incidence, zeros]), -np.inf, limit.astype(float))]
    nodes, proved = 0, True
    if s:
        link = sp.hstack([-(pick @ incidence), sp.identity(s)])
        constraints.append(LinearConstraint(link, -np.inf, 0.0))
        c1 = np.concatenate([np.zeros(m), -np.ones(s)])
        first = _run(c1, constraints, integrality, time_limit)
        x1, nodes, proved = first.x, first.nodes, first.status == OPTIMAL
        if x1 is not None:
            reached = _covered(u, v, x1[:m] > 0.5, n, already) - int(already.sum())
            count = sp.csr_matrix(np.concatenate([np.zeros(m), np.ones(s)])[None, :])
            constraints.append(LinearConstraint(count, reached, np.inf))
    left = time_limit - (time.perf_counter() - start)
    c2 = np.concatenate([-w, np.zeros(s)])
    second = _run(c2, constraints, integrality, left)
    return _best(u, v, w, limit, already, second, proved, nodes + second.nodes)


def _best(
    u: I64, v: I64, w: F64, limit: I64, already: B1, run: _Run, proved: bool, nodes: int
) -> PeerSolution:
    """Return HiGHS's solution, or the greedy one when HiGHS gave up with something worse."""
    m, n = u.shape[0], limit.shape[0]
    chosen = np.zeros(m, np.bool_) if run.x is None else run.x[:m] > 0.5
    if proved and run.status == OPTIMAL:
        return PeerSolution(chosen, True, run.status, 0.0, nodes)
    greedy = greedy_b_matching(u, v, w, limit)

    def rank(pick: B1) -> tuple[int, float]:
        return _covered(u, v, pick, n, already), float(w[pick].sum())

    if run.x is None or rank(greedy) > rank(chosen):
        return PeerSolution(greedy, False, run.status, run.gap, nodes, "greedy")
    return PeerSolution(chosen, False, run.status, run.gap, nodes)
