"""Compiled row scans over all mentors: candidates, lazy extension and audits.

A scan takes one mentee at a time: it builds the sparse part of the mentee's score for
every mentor of an eligible segment at once (dense rows and posting lists), then walks
those mentors in chunks. A bound on the score (exact but for the attributes part, taken
at its maximum, and for rounding, covered by ``BOUND_SLACK``; the modes and seniority
parts are read per mentor class) rejects most mentors with one comparison; only the
survivors get their exact score, the hard rules and a heap.

Each scan splits its rows into many small blocks that its workers (one per thread,
under numba's ``prange``, compiled as parallel code, which also makes the loops markedly
faster than plain ``njit`` here) take one at a time from a shared counter: a worker on a
busy core takes fewer blocks instead of holding the others up. A block writes only its
own rows. The candidate scan keeps mentor heaps per worker, which hold whatever rows the
worker happened to take; each heap keeps the best of what it was offered under a strict
order (score, then rank, and ranks are distinct), so merging them gives each mentor's
best over all rows whichever worker scanned which block, and results do not depend on
the number of threads or on timing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numba
import numpy as np
import numpy.typing as npt
from numba import prange, types
from numba.extending import intrinsic

from tandem.matching.engine.features import Arrays
from tandem.matching.engine.pairs import (
    BIG_RANK,
    BOUND_SLACK,
    NEG,
    above_max_classed,
    above_min_classed,
    accumulate,
    drain,
    fast_profile,
    first_broken_rule,
    gaps,
    mark,
    offer,
    profile_classes,
    reset,
    runs,
    tables,
    worse,
)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B1 = npt.NDArray[np.bool_]

# Mentors scanned between refreshes of a heap's floor.
CHUNK = 512
THREADS = max(1, len(os.sched_getaffinity(0)))
# Rows per block a worker takes at a time: enough blocks that a slow worker takes fewer
# of them, big enough that taking one costs nothing next to scanning it.
BLOCK_ROWS = 256


def _in_threads(calls: list[Callable[[], None]]) -> None:
    if THREADS == 1 or len(calls) == 1:
        for call in calls:
            call()
        return
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for future in [pool.submit(call) for call in calls]:
            future.result()


def _ranges(n: int, blocks: int) -> list[tuple[int, int]]:
    return [(b * n // blocks, (b + 1) * n // blocks) for b in range(blocks)]


def run_blocks(kernel: Callable[..., None], n: int, blocks: int, *args: object) -> None:
    """Call ``kernel(*args, lo, hi)`` over ``blocks`` contiguous ranges of ``range(n)``."""
    _in_threads([partial(kernel, *args, lo, hi) for lo, hi in _ranges(n, blocks)])


def block_count(n: int) -> int:
    """Return how many ranges to split n rows into: a few per thread, for balance."""
    return max(1, min(n, 4 * THREADS))


@intrinsic
def _take(typingctx, counter):  # type: ignore[no-untyped-def]
    """Add one to ``counter[0]`` atomically and return its value before: the next block."""
    if not (isinstance(counter, types.Array) and counter.dtype == types.int64):
        return None
    signature = types.int64(counter)

    def codegen(context, builder, sig, args):  # type: ignore[no-untyped-def]
        array = context.make_array(sig.args[0])(context, builder, args[0])
        one = context.get_constant(types.int64, 1)
        return builder.atomic_rmw("add", array.data, one, "monotonic")

    return signature, codegen


def _workers(n: int, rows: int) -> int:
    return max(1, min(THREADS, -(-n // rows)))


@numba.njit(inline="always")
def _consider(a, m, found, n_found, acc, banned, hs, hr, hp, bs, br, bp, thr, mode_part, sen_part):  # type: ignore[no-untyped-def]
    """Offer one chunk's surviving mentors to m's heap and to their own heaps."""
    me_rank = a.me_rank[m]
    for t in range(n_found):
        r = found[t]
        s = np.float64(acc[r]) + fast_profile(a, m, r, mode_part, sen_part)
        if s < a.min_score:
            continue
        for_mentee = worse(hs[0], hr[0], s, a.mr_rank[r])
        # thr[r] is bs[r, 0]: read the heap itself only on a tie.
        for_mentor = s > thr[r] or (s == thr[r] and br[r, 0] > me_rank)
        if not (for_mentee or for_mentor):
            continue
        if first_broken_rule(a, m, r, banned[r]) >= 0:
            continue
        if for_mentee:
            offer(hs, hr, hp, s, a.mr_rank[r], r)
        if for_mentor:
            offer(bs[r], br[r], bp[r], s, me_rank, m)
            thr[r] = bs[r, 0]


@numba.njit(inline="always")
def _candidate_block(a, k, mentees, out, bs, br, bp, thr, cls, lo, hi):  # type: ignore[no-untyped-def]
    """Keep each listed mentee's k best mentors and, in this worker, each mentor's best.

    ``thr`` is the score of each mentor's worst kept mentee in this worker's heaps: a
    floor for the filter, kept up to date here. ``cls`` is each mentor's profile class,
    which tightens the bound by what the mentor's modes and seniority cannot give.
    """
    out_idx, out_s, out_n = out
    n_mr = a.mr_tin.shape[0]
    n_seg = a.seg_tz.shape[0]
    acc = np.zeros(n_mr, np.float32)
    banned = np.zeros(n_mr, np.bool_)
    run_lo = np.empty(n_seg, np.int64)
    run_hi = np.empty(n_seg, np.int64)
    run_top = np.empty(n_seg)
    found = np.empty(CHUNK, np.int64)
    mode_part = np.empty(a.mode_masks.shape[0])
    sen_part = np.empty(a.sen_val.shape[1])
    gap = np.empty(mode_part.shape[0] * sen_part.shape[0])
    hs = np.empty(k)
    hr = np.empty(k, np.int64)
    hp = np.empty(k, np.int64)
    for i in range(lo, hi):
        m = mentees[i]
        n_runs = runs(a, m, run_lo, run_hi, run_top)
        accumulate(a, m, acc, run_lo, run_hi, n_runs)
        tables(a, m, mode_part, sen_part)
        gaps(a, m, mode_part, sen_part, gap)
        mark(a, m, banned, True)
        reset(hs, hr, hp)
        for g in range(n_runs):
            top = run_top[g] + BOUND_SLACK
            # Chunks keep the heap floor fresh while the mentee's heap fills up.
            for start in range(run_lo[g], run_hi[g], CHUNK):
                end = min(start + CHUNK, run_hi[g])
                n_found = above_min_classed(
                    acc[start:end], thr[start:end], cls[start:end], gap, top, hs[0], start, found
                )
                _consider(
                    a,
                    m,
                    found,
                    n_found,
                    acc,
                    banned,
                    hs,
                    hr,
                    hp,
                    bs,
                    br,
                    bp,
                    thr,
                    mode_part,
                    sen_part,
                )
        mark(a, m, banned, False)
        out_n[i] = drain(hs, hr, hp, out_idx[i], out_s[i])


@numba.njit(cache=True, nogil=True)
def merge_mentor_heaps(bs, br, bp, out_idx, out_s, out_n, lo, hi):  # type: ignore[no-untyped-def]
    """Merge the blocks' heaps of mentors lo..hi into one best-first list per mentor."""
    n_blocks, _, kr = bs.shape
    hs = np.empty(kr)
    hr = np.empty(kr, np.int64)
    hp = np.empty(kr, np.int64)
    for r in range(lo, hi):
        reset(hs, hr, hp)
        for b in range(n_blocks):
            for i in range(kr):
                if bp[b, r, i] >= 0:
                    offer(hs, hr, hp, bs[b, r, i], br[b, r, i], bp[b, r, i])
        out_n[r] = drain(hs, hr, hp, out_idx[r], out_s[r])


@numba.njit(inline="always")
def _extend_block(a, mentees, cursor, threshold, out, cls, lo, hi):  # type: ignore[no-untyped-def]
    """Find, per listed mentee, its next mentors after a cursor that would accept it.

    ``cursor`` = (scores, ranks) per listed mentee: only mentors strictly after it in the
    mentee's order qualify. ``threshold`` = (scores, ranks) per mentor: the mentor must
    prefer the mentee to it (``-inf`` for a mentor with room, ``+inf`` for none).
    """
    after_s, after_rank = cursor
    thr_s, thr_rank = threshold
    out_idx, out_s, out_n = out
    k = out_idx.shape[1]
    n_mr = a.mr_tin.shape[0]
    n_seg = a.seg_tz.shape[0]
    acc = np.zeros(n_mr, np.float32)
    banned = np.zeros(n_mr, np.bool_)
    run_lo = np.empty(n_seg, np.int64)
    run_hi = np.empty(n_seg, np.int64)
    run_top = np.empty(n_seg)
    found = np.empty(CHUNK, np.int64)
    mode_part = np.empty(a.mode_masks.shape[0])
    sen_part = np.empty(a.sen_val.shape[1])
    hs = np.empty(k)
    hr = np.empty(k, np.int64)
    hp = np.empty(k, np.int64)
    gap = np.empty(mode_part.shape[0] * sen_part.shape[0])
    for i in range(lo, hi):
        m = mentees[i]
        n_runs = runs(a, m, run_lo, run_hi, run_top)
        accumulate(a, m, acc, run_lo, run_hi, n_runs)
        tables(a, m, mode_part, sen_part)
        gaps(a, m, mode_part, sen_part, gap)
        mark(a, m, banned, True)
        reset(hs, hr, hp)
        me_rank = a.me_rank[m]
        for g in range(n_runs):
            top = run_top[g] + BOUND_SLACK
            for start in range(run_lo[g], run_hi[g], CHUNK):
                end = min(start + CHUNK, run_hi[g])
                n_found = above_max_classed(
                    acc[start:end], thr_s[start:end], cls[start:end], gap, top, hs[0], start, found
                )
                for t in range(n_found):
                    r = found[t]
                    s = np.float64(acc[r]) + fast_profile(a, m, r, mode_part, sen_part)
                    if s < a.min_score or not worse(hs[0], hr[0], s, a.mr_rank[r]):
                        continue
                    if not worse(s, a.mr_rank[r], after_s[i], after_rank[i]):
                        continue
                    if not worse(thr_s[r], thr_rank[r], s, me_rank):
                        continue
                    if first_broken_rule(a, m, r, banned[r]) >= 0:
                        continue
                    offer(hs, hr, hp, s, a.mr_rank[r], r)
        mark(a, m, banned, False)
        out_n[i] = drain(hs, hr, hp, out_idx[i], out_s[i])


@numba.njit(inline="always")
def _audit_block(a, mentees, me_thr, held, mr_thr, out, cls, lo, hi):  # type: ignore[no-untyped-def]
    """Count, per listed mentee, eligible mentors with room and blocking pairs.

    ``me_thr``/``mr_thr``: the worst held score of a full mentee/mentor, ``-inf`` with
    room, ``+inf`` for a mentor without capacity. ``held`` = (ptr, mentor indexes) of
    each mentee's pairs. A blocking pair is an eligible pair, not held, that both people
    score strictly above their threshold; the scan skips every pair that cannot be one.
    """
    held_ptr, held_idx = held
    n_mr = a.mr_tin.shape[0]
    n_seg = a.seg_tz.shape[0]
    acc = np.zeros(n_mr, np.float32)
    banned = np.zeros(n_mr, np.bool_)
    is_held = np.zeros(n_mr, np.bool_)
    run_lo = np.empty(n_seg, np.int64)
    run_hi = np.empty(n_seg, np.int64)
    run_top = np.empty(n_seg)
    found = np.empty(CHUNK, np.int64)
    mode_part = np.empty(a.mode_masks.shape[0])
    sen_part = np.empty(a.sen_val.shape[1])
    gap = np.empty(mode_part.shape[0] * sen_part.shape[0])
    for i in range(lo, hi):
        m = mentees[i]
        n_runs = runs(a, m, run_lo, run_hi, run_top)
        accumulate(a, m, acc, run_lo, run_hi, n_runs)
        tables(a, m, mode_part, sen_part)
        gaps(a, m, mode_part, sen_part, gap)
        mark(a, m, banned, True)
        for j in range(held_ptr[m], held_ptr[m + 1]):
            is_held[held_idx[j]] = True
        for g in range(n_runs):
            top = run_top[g] + BOUND_SLACK
            for start in range(run_lo[g], run_hi[g], CHUNK):
                end = min(start + CHUNK, run_hi[g])
                limit = mr_thr[start:end]
                n_found = above_max_classed(
                    acc[start:end], limit, cls[start:end], gap, top, me_thr[m], start, found
                )
                for t in range(n_found):
                    r = found[t]
                    if is_held[r] or first_broken_rule(a, m, r, banned[r]) >= 0:
                        continue
                    s = np.float64(acc[r]) + fast_profile(a, m, r, mode_part, sen_part)
                    if s < a.min_score:
                        continue
                    if mr_thr[r] == NEG:
                        out[i, 0] += 1
                    if s > me_thr[m] and s > mr_thr[r]:
                        out[i, 1] += 1
        for j in range(held_ptr[m], held_ptr[m + 1]):
            is_held[held_idx[j]] = False
        mark(a, m, banned, False)


@numba.njit(cache=True, parallel=True)
def _candidate_kernel(a, k, mentees, out, bs, br, bp, thr, cls, rows, counter):  # type: ignore[no-untyped-def]
    n = mentees.shape[0]
    for w in prange(bs.shape[0]):
        while True:
            lo = _take(counter) * rows  # type: ignore[call-arg]
            if lo >= n:
                break
            hi = min(lo + rows, n)
            _candidate_block(a, k, mentees, out, bs[w], br[w], bp[w], thr[w], cls, lo, hi)


@numba.njit(cache=True, parallel=True)
def _extend_kernel(a, mentees, cursor, threshold, out, cls, workers, rows, counter):  # type: ignore[no-untyped-def]
    n = mentees.shape[0]
    for _ in prange(workers):
        while True:
            lo = _take(counter) * rows  # type: ignore[call-arg]
            if lo >= n:
                break
            hi = min(lo + rows, n)
            _extend_block(a, mentees, cursor, threshold, out, cls, lo, hi)


@numba.njit(cache=True, parallel=True)
def _audit_kernel(a, mentees, me_thr, held, mr_thr, out, cls, workers, rows, counter):  # type: ignore[no-untyped-def]
    n = mentees.shape[0]
    for _ in prange(workers):
        while True:
            lo = _take(counter) * rows  # type: ignore[call-arg]
            if lo >= n:
                break
            hi = min(lo + rows, n)
            _audit_block(a, mentees, me_thr, held, mr_thr, out, cls, lo, hi)


def scan_candidates(
    a: Arrays, k: int, kr: int, rows: int = BLOCK_ROWS
) -> tuple[I64, F64, I64, I64, F64, I64]:
    """Return each mentee's k best mentors and each mentor's kr best mentees, best first.

    ``rows`` is how many mentees a worker takes at a time; it changes nothing but speed.
    """
    mentees = np.arange(a.me_tin.shape[0], dtype=np.int64)
    n, n_mr = mentees.shape[0], a.mr_tin.shape[0]
    workers = _workers(n, rows)
    out = (np.full((n, k), -1, np.int64), np.full((n, k), NEG), np.zeros(n, np.int64))
    bs = np.full((workers, n_mr, kr), NEG)
    br = np.full((workers, n_mr, kr), BIG_RANK, np.int64)
    bp = np.full((workers, n_mr, kr), -1, np.int64)
    thr = np.full((workers, n_mr), NEG)
    # Each worker keeps its own mentor heaps, merged below.
    counter = np.zeros(1, np.int64)
    _candidate_kernel(a, k, mentees, out, bs, br, bp, thr, profile_classes(a), rows, counter)
    mr_idx = np.full((n_mr, kr), -1, np.int64)
    mr_s = np.full((n_mr, kr), NEG)
    mr_n = np.zeros(n_mr, np.int64)
    run_blocks(merge_mentor_heaps, n_mr, block_count(n_mr), bs, br, bp, mr_idx, mr_s, mr_n)
    return out[0], out[1], out[2], mr_idx, mr_s, mr_n


def scan_extend(
    a: Arrays,
    mentees: I64,
    cursor: tuple[F64, I64],
    threshold: tuple[F64, I64],
    k: int,
    rows: int = BLOCK_ROWS,
) -> tuple[I64, F64, I64]:
    """Return, per listed mentee, up to k next mentors that would accept it, best first."""
    n = mentees.shape[0]
    out_idx = np.full((n, k), -1, np.int64)
    out_s = np.full((n, k), NEG)
    out_n = np.zeros(n, np.int64)
    counter = np.zeros(1, np.int64)
    cls = profile_classes(a)
    workers = _workers(n, rows)
    out = (out_idx, out_s, out_n)
    _extend_kernel(a, mentees, cursor, threshold, out, cls, workers, rows, counter)
    return out_idx, out_s, out_n


def scan_audit(
    a: Arrays,
    mentees: I64,
    me_thr: F64,
    held: tuple[I64, I64],
    mr_thr: F64,
    rows: int = BLOCK_ROWS,
) -> I64:
    """Return (unheld eligible mentors with room, blocking pairs) per listed mentee."""
    n = mentees.shape[0]
    out = np.zeros((n, 2), np.int64)
    counter = np.zeros(1, np.int64)
    cls = profile_classes(a)
    _audit_kernel(a, mentees, me_thr, held, mr_thr, out, cls, _workers(n, rows), rows, counter)
    return out
