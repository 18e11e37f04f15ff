"""What people use today, written the way a careful user would write it.

All baselines start from the engine's compiled features (the same TF-IDF, the same
component tables and hard-rule data) so that scores are comparable; they differ in how
they score pairs, pick candidates and solve:

- ``straightforward``: score every pair with numpy in chunks, ``argpartition`` the top k
  per mentee and per mentor, then OR-Tools min-cost flow.
- ``careful``: the same pipeline written for speed: float32 throughout, the frequent
  features as one BLAS product per block of 512 mentees and the rare ones as a sparse
  product, the same ``argpartition`` top k on both sides and the same min-cost flow.
- ``lsa``: the full score matrix expanded to mentee slots x mentor slots, solved by
  ``scipy.optimize.linear_sum_assignment``.
- ``hospital_residents``: the PyPI ``matching`` package (hospital/residents, resident
  optimal) on each mentee's top-k list; a mentee wanting several mentors becomes several
  residents.
- ``full_optimum``: min-cost flow on every eligible pair (the yardstick, not a baseline).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]
from scipy.optimize import linear_sum_assignment

from tandem.matching.engine.features import Features

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
Pairs = tuple[I64, I64]

T = TypeVar("T")
Chunks = Callable[[Features], Iterator[tuple[int, F32]]]
# Rows per chunk: small enough for the temporaries to stay in reused memory.
CHUNK = 128
INELIGIBLE_COST = 1_000_000.0


def _mentor_matrix(f: Features) -> sp.csr_matrix:
    """Mentor feature values as a (features x mentors) sparse matrix."""
    a = f.arrays
    n_features = a.dense_row.shape[0]
    rows, cols, vals = [], [], []
    dense_features = np.flatnonzero(a.dense_row >= 0)
    for feature in dense_features:
        values = a.dense[a.dense_row[feature]]
        nz = np.flatnonzero(values)
        rows.append(np.full(nz.shape[0], feature))
        cols.append(nz)
        vals.append(values[nz])
    counts = np.diff(a.pptr)
    rows.append(np.repeat(np.arange(n_features), counts))
    cols.append(a.pidx)
    vals.append(a.pval)
    return sp.csr_matrix(
        (np.concatenate(vals).astype(np.float64), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_features, a.mr_tin.shape[0]),
    )


def _mentee_matrix(f: Features) -> sp.csr_matrix:
    a = f.arrays
    return sp.csr_matrix(
        (a.fval.astype(np.float64), a.fidx, a.fptr),
        shape=(a.fptr.shape[0] - 1, a.dense_row.shape[0]),
    )


def _bits(x: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
    return np.bitwise_count(x).astype(np.float32)


def _profile_and_rules(f: Features, score: F32, lo: int, hi: int) -> F32:
    """Add the profile parts to a block of sparse scores, then -inf where a rule forbids."""
    a = f.arrays
    me = slice(lo, hi)
    w = a.me_w[me].astype(np.float32)
    req = a.me_req[me][:, None]
    attr = _bits(req & a.mr_attr[None, :]) / np.maximum(_bits(req), 1)
    score += w[:, 2:3] * attr
    score += w[:, 3:4] * a.tz_val.astype(np.float32)[a.me_tz[me][:, None], a.mr_tz[None, :]]
    modes_me = a.me_modes[me][:, None]
    score += w[:, 4:5] * (_bits(modes_me & a.mr_modes[None, :]) / np.maximum(_bits(modes_me), 1))
    score += w[:, 5:6] * a.sen_val.astype(np.float32)[a.me_sen[me][:, None], a.mr_sen[None, :]]
    ok = a.tz_ok[a.me_tz[me][:, None], a.mr_tz[None, :]] & (a.capacity[None, :] > 0)
    me_in, me_out = a.me_tin[me][:, None], a.me_tout[me][:, None]
    ok &= ~((me_in <= a.mr_tin[None, :]) & (a.mr_tin[None, :] < me_out))
    ok &= ~((a.mr_tin[None, :] <= me_in) & (me_in < a.mr_tout[None, :]))
    if a.rule_dept:
        ok &= (a.me_dept[me][:, None] < 0) | (a.me_dept[me][:, None] != a.mr_dept[None, :])
    if a.rule_lang:
        ok &= (a.me_lang[me][:, None] & a.mr_lang[None, :]) != 0
    if a.rule_loc:
        ok &= (a.me_loc[me][:, None] >= 0) & (a.me_loc[me][:, None] == a.mr_loc[None, :])
    for i in range(lo, hi):
        ok[i - lo, a.ex_idx[a.ex_ptr[i] : a.ex_ptr[i + 1]]] = False
    ok &= score >= a.min_score
    score[~ok] = -np.inf
    return score


def score_chunk(f: Features, x: sp.csr_matrix, y: sp.csr_matrix, lo: int, hi: int) -> F32:
    """Score mentees lo..hi against every mentor; -inf where a hard rule forbids the pair."""
    return _profile_and_rules(f, (x[lo:hi] @ y).toarray().astype(np.float32), lo, hi)


def score_chunks(f: Features) -> Iterator[tuple[int, F32]]:
    """Yield (first mentee, score block) over all mentees."""
    x, y = _mentee_matrix(f), _mentor_matrix(f)
    n = f.n_mentees
    for lo in range(0, n, CHUNK):
        yield lo, score_chunk(f, x, y, lo, min(lo + CHUNK, n))


CAREFUL_CHUNK = 512


def careful_chunks(f: Features) -> Iterator[tuple[int, F32]]:
    """Yield (first mentee, score block): one BLAS product plus one sparse product a block."""
    a = f.arrays
    x = sp.csr_matrix((a.fval, a.fidx, a.fptr), shape=(a.fptr.shape[0] - 1, a.dense_row.shape[0]))
    dense_features = np.flatnonzero(a.dense_row >= 0)
    rare = np.flatnonzero(a.dense_row < 0)
    x_dense = np.ascontiguousarray(x[:, dense_features].toarray(), np.float32)
    y_dense = np.ascontiguousarray(a.dense[a.dense_row[dense_features]], np.float32)
    x_rare = x[:, rare].tocsr()
    counts = np.diff(a.pptr)[rare]
    starts = a.pptr[rare]
    take = np.concatenate([np.arange(s0, s0 + c) for s0, c in zip(starts, counts, strict=True)])
    y_rare = sp.csr_matrix(
        (a.pval[take], a.pidx[take], np.concatenate([[0], np.cumsum(counts)])),
        shape=(rare.shape[0], a.mr_tin.shape[0]),
    )
    n = f.n_mentees
    for lo in range(0, n, CAREFUL_CHUNK):
        hi = min(lo + CAREFUL_CHUNK, n)
        score = x_dense[lo:hi] @ y_dense
        score += (x_rare[lo:hi] @ y_rare).toarray()
        yield lo, _profile_and_rules(f, score, lo, hi)


def top_k_edges(
    f: Features,
    k: int,
    kr: int,
    chunks: Callable[[Features], Iterator[tuple[int, F32]]] = score_chunks,
) -> tuple[I64, I64, F64]:
    """Top k mentors per mentee and top kr mentees per mentor, by argpartition."""
    n_mr = f.n_mentors
    mi, ri, ss = [], [], []
    best_s = np.full((n_mr, kr), -np.inf)
    best_m = np.full((n_mr, kr), -1, np.int64)
    for lo, block in chunks(f):
        kk = min(k, n_mr)
        top = np.argpartition(-block, kk - 1, axis=1)[:, :kk]
        top_s = np.take_along_axis(block, top, axis=1)
        keep = np.isfinite(top_s)
        mi.append((np.nonzero(keep)[0] + lo).astype(np.int64))
        ri.append(top[keep].astype(np.int64))
        ss.append(top_s[keep])
        # Mentor side on the transposed block, so each partition runs along a row.
        cols = np.ascontiguousarray(block.T)
        kc = min(kr, cols.shape[1])
        col_top = np.argpartition(-cols, kc - 1, axis=1)[:, :kc]
        both_s = np.hstack([best_s, np.take_along_axis(cols, col_top, axis=1)])
        both_m = np.hstack([best_m, col_top + lo])
        pick = np.argpartition(-both_s, kr - 1, axis=1)[:, :kr]
        best_s = np.take_along_axis(both_s, pick, axis=1)
        best_m = np.take_along_axis(both_m, pick, axis=1)
    keep = np.isfinite(best_s)
    mi.append(best_m[keep])
    ri.append(np.nonzero(keep)[0].astype(np.int64))
    ss.append(best_s[keep])
    m, r, s = np.concatenate(mi), np.concatenate(ri), np.concatenate(ss)
    _, first = np.unique(m * n_mr + r, return_index=True)
    return m[first], r[first], s[first].astype(np.float64)


def min_cost_flow_pairs(f: Features, mi: I64, ri: I64, s: F64) -> Pairs:
    """Maximize the total score over the given edges with OR-Tools min-cost flow."""
    a = f.arrays
    n_me, n_mr = f.n_mentees, f.n_mentors
    source, sink = n_me + n_mr, n_me + n_mr + 1
    total = int(a.wanted.sum())
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(n_me, source), mi, n_me + np.arange(n_mr), [source]])
    heads = np.concatenate([np.arange(n_me), n_me + ri, np.full(n_mr, sink), [sink]])
    caps = np.concatenate([a.wanted, np.ones(mi.shape[0], np.int64), a.capacity, [total]])
    costs = np.concatenate([np.zeros(n_me), -np.rint(s * 1_000_000), np.zeros(n_mr), [0]]).astype(
        np.int64
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int64), heads.astype(np.int64), caps.astype(np.int64), costs
    )
    supplies = np.zeros(n_me + n_mr + 2, np.int64)
    supplies[source], supplies[sink] = total, -total
    flow.set_nodes_supplies(np.arange(supplies.shape[0]), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("min-cost flow did not reach an optimum")
    chosen = flow.flows(np.arange(n_me, n_me + mi.shape[0])) > 0
    return mi[chosen], ri[chosen]


def straightforward(f: Features, k: int, kr: int) -> Pairs:
    """Score all pairs, keep the top k/kr by argpartition, solve by min-cost flow."""
    return min_cost_flow_pairs(f, *top_k_edges(f, k, kr))


def careful(f: Features, k: int, kr: int) -> Pairs:
    """The straightforward pipeline with BLAS scoring in float32 and larger blocks."""
    return min_cost_flow_pairs(f, *top_k_edges(f, k, kr, careful_chunks))


def full_optimum(f: Features) -> Pairs:
    """Min-cost flow over every eligible pair (only feasible at small sizes)."""
    mi, ri, ss = [], [], []
    for lo, block in score_chunks(f):
        rows, cols = np.nonzero(np.isfinite(block))
        mi.append(rows + lo)
        ri.append(cols)
        ss.append(block[rows, cols])
    return min_cost_flow_pairs(f, np.concatenate(mi), np.concatenate(ri), np.concatenate(ss))


def lsa_cells(f: Features) -> int:
    """Cells of the slot matrix linear_sum_assignment would need."""
    return int(f.arrays.wanted.sum()) * int(f.arrays.capacity.sum())


def lsa(f: Features) -> Pairs:
    """Expand mentees and mentors into slots and solve the dense assignment problem."""
    a = f.arrays
    scores = np.vstack([block for _, block in score_chunks(f)])
    slot_me = np.repeat(np.arange(f.n_mentees), a.wanted)
    slot_mr = np.repeat(np.arange(f.n_mentors), a.capacity)
    cost = -scores[slot_me][:, slot_mr]
    del scores
    cost[~np.isfinite(cost)] = INELIGIBLE_COST
    rows, cols = linear_sum_assignment(cost)
    keep = cost[rows, cols] < INELIGIBLE_COST
    return slot_me[rows[keep]], slot_mr[cols[keep]]


def _deep_stack(call: Callable[[], T]) -> T:
    """Run call in a thread with a large stack: the package deep-copies its player graph."""
    result: list[T] = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1024 * 2**20)
    try:
        worker = threading.Thread(target=lambda: result.append(call()))
        worker.start()
        worker.join()
    finally:
        threading.stack_size(0)
        sys.setrecursionlimit(limit)
    if not result:
        raise RuntimeError("the matching package failed; see the error above")
    return result[0]


def hospital_residents(f: Features, k: int) -> Pairs:
    """Resident-optimal hospital/residents from the PyPI ``matching`` package."""
    from matching.games import HospitalResident  # type: ignore[import-untyped]

    n_mr = f.n_mentors
    top_m, top_r, top_s = [], [], []
    for lo, block in score_chunks(f):
        kk = min(k, n_mr)
        top = np.argpartition(-block, kk - 1, axis=1)[:, :kk]
        s = np.take_along_axis(block, top, axis=1)
        order = np.argsort(-s, axis=1, kind="stable")
        top, s = np.take_along_axis(top, order, 1), np.take_along_axis(s, order, 1)
        keep = np.isfinite(s)
        top_m.append(np.nonzero(keep)[0] + lo)
        top_r.append(top[keep])
        top_s.append(s[keep])
    mi, ri, ss = np.concatenate(top_m), np.concatenate(top_r), np.concatenate(top_s)
    wanted = f.arrays.wanted
    resident_prefs: dict[str, list[str]] = {}
    for m, r in zip(mi.tolist(), ri.tolist(), strict=True):
        for copy in range(wanted[m]):
            resident_prefs.setdefault(f"{m}:{copy}", []).append(str(r))
    order = np.lexsort((mi, -ss, ri))
    hospital_prefs: dict[str, list[str]] = {str(r): [] for r in range(n_mr)}
    for m, r in zip(mi[order].tolist(), ri[order].tolist(), strict=True):
        hospital_prefs[str(r)].extend(f"{m}:{copy}" for copy in range(wanted[m]))
    hospital_prefs = {h: p for h, p in hospital_prefs.items() if p}
    capacities = {h: int(f.arrays.capacity[int(h)]) for h in hospital_prefs}
    matching = _deep_stack(
        lambda: HospitalResident.create_from_dictionaries(
            resident_prefs, hospital_prefs, capacities
        ).solve(optimal="resident")
    )
    out_m, out_r = [], []
    for hospital, residents in matching.items():
        for resident in residents:
            out_m.append(int(str(resident.name).split(":")[0]))
            out_r.append(int(str(hospital.name)))
    return np.array(out_m, np.int64), np.array(out_r, np.int64)
