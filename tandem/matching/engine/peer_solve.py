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
DEFAULT_TIME_LIMIT = 120.0
# HiGHS status codes as scipy reports them.
OPTIMAL, LIMIT_REACHED = 0, 1


@dataclass(frozen=True, slots=True)
class PeerSolution:
    """Which candidate edges were chosen, and how far the solver got."""

    chosen: B1
    proved_optimal: bool
    # scipy's HiGHS status of the last stage (0 optimal, 1 time limit, ...), -1 if no edge.
    status: int
    # Relative gap between the solution and HiGHS's bound (0 when proved optimal).
    mip_gap: float
    nodes: int
    # The greedy matching was better than anything HiGHS found in time (or it found none).
    used_greedy: bool


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


def _run(
    c: F64, constraints: list[LinearConstraint], integrality: I64, seconds: float
) -> tuple[F64 | None, int, float, int]:
    res = milp(
        c,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(0, 1),
        # An exact optimum is the point: no relative gap is tolerated, only the time limit.
        options={"time_limit": max(seconds, 0.5), "mip_rel_gap": 0.0, "disp": False},
    )
    gap = getattr(res, "mip_gap", None)
    nodes = getattr(res, "mip_node_count", None)
    x = None if res.x is None else np.asarray(res.x, np.float64)
    return x, int(res.status), float(gap) if gap is not None else np.inf, int(nodes or 0)


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
        return PeerSolution(np.zeros(0, np.bool_), True, -1, 0.0, 0, False)
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
        x1, status1, _, nodes = _run(c1, constraints, integrality, time_limit)
        proved = status1 == OPTIMAL
        if x1 is not None:
            reached = _covered(u, v, x1[:m] > 0.5, n, already) - int(already.sum())
            count = sp.csr_matrix(np.concatenate([np.zeros(m), np.ones(s)])[None, :])
            constraints.append(LinearConstraint(count, reached, np.inf))
    left = time_limit - (time.perf_counter() - start)
    c2 = np.concatenate([-w, np.zeros(s)])
    x2, status2, gap2, nodes2 = _run(c2, constraints, integrality, left)
    return _best(
        u, v, w, limit, already, participation_first, x2, proved, status2, gap2, nodes + nodes2
    )


def _best(
    u: I64,
    v: I64,
    w: F64,
    limit: I64,
    already: B1,
    participation_first: bool,
    x: F64 | None,
    proved: bool,
    status: int,
    gap: float,
    nodes: int,
) -> PeerSolution:
    """Return HiGHS's solution, or the greedy one when HiGHS gave up with something worse."""
    m, n = u.shape[0], limit.shape[0]
    proved = proved and status == OPTIMAL
    chosen = np.zeros(m, np.bool_) if x is None else x[:m] > 0.5
    if proved:
        return PeerSolution(chosen, True, status, 0.0, nodes, False)
    greedy = greedy_b_matching(u, v, w, limit)

    def rank(pick: B1) -> tuple[int, float]:
        people = _covered(u, v, pick, n, already) if participation_first else 0
        return people, float(w[pick].sum())

    if x is None or rank(greedy) > rank(chosen):
        return PeerSolution(greedy, False, status, gap, nodes, True)
    return PeerSolution(chosen, False, status, gap, nodes, False)
