"""What each engine stage could not go below on this machine, measured in the same run.

- ``scan``: the streaming floor of a scan over the whole market: for every mentee, the
  sparse part of its score against every mentor its time-zone and language rules leave
  (the engine's own dense rows and posting lists, its own split of rows into blocks
  taken by every thread), with no bound, heap or rule. The candidate scan and the audit
  each make this pass once and select on top of it.
- ``solve``: OR-Tools' min-cost flow on the engine's candidate edges, the same graph
  the engine's optimal solver answers exactly.
"""

from __future__ import annotations

import time

import numba
import numpy as np
from numba import prange

from bench.baselines import min_cost_flow_pairs
from tandem.matching.engine.candidates import generate_candidates
from tandem.matching.engine.features import Arrays, Features
from tandem.matching.engine.pairs import accumulate, runs
from tandem.matching.engine.scans import BLOCK_ROWS, _take, _workers


@numba.njit(cache=True, parallel=True)
def _stream(a, workers, rows, counter, sink):  # type: ignore[no-untyped-def]
    n = a.me_tin.shape[0]
    n_mr = a.mr_tin.shape[0]
    n_seg = a.seg_tz.shape[0]
    for w in prange(workers):
        acc = np.zeros(n_mr, np.float32)
        run_lo = np.empty(n_seg, np.int64)
        run_hi = np.empty(n_seg, np.int64)
        run_top = np.empty(n_seg)
        total = 0.0
        while True:
            lo = _take(counter) * rows  # type: ignore[call-arg]
            if lo >= n:
                break
            for m in range(lo, min(lo + rows, n)):
                n_runs = runs(a, m, run_lo, run_hi, run_top)
                accumulate(a, m, acc, run_lo, run_hi, n_runs)
                # Read one value per run so the sums cannot be optimized away.
                for g in range(n_runs):
                    total += acc[run_lo[g]]
        sink[w] = total


def scan_floor(a: Arrays) -> float:
    """Seconds for one streaming pass of the sparse score over the eligible market."""
    n = a.me_tin.shape[0]
    workers = _workers(n, BLOCK_ROWS)
    sink = np.zeros(workers)
    start = time.perf_counter()
    _stream(a, workers, BLOCK_ROWS, np.zeros(1, np.int64), sink)
    return time.perf_counter() - start


def solve_floor(f: Features) -> float:
    """Seconds for OR-Tools' min-cost flow on the engine's candidate edges."""
    policy = f.policy
    candidates = generate_candidates(f, policy.candidates_per_mentee, policy.candidates_per_mentor)
    mi, ri, s = candidates.edges()
    start = time.perf_counter()
    min_cost_flow_pairs(f, mi, ri, s)
    return time.perf_counter() - start
