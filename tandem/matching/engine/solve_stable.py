"""Stable matching: mentee-proposing deferred acceptance with lazy extension.

Mentees propose down their candidate lists, best first; a mentor holds the best offers
that fit its capacity and releases the worst when a better one arrives. Both sides rank
by the pair score, ties broken by the seeded ranks, so the outcome is deterministic.

The candidate lists are exact prefixes of each mentee's preferences over every eligible
mentor. A mentee who runs out while still short gets the next mentors after the end of
its list, scored over the whole market, keeping only those who would accept it right now:
a mentor's worst held offer only improves, so a mentor who would reject it now would
reject it later too. A mentee for whom no such mentor is left is done. The result is the
matching deferred acceptance gives on the full preference lists: no eligible pair, in
the candidate lists or not, blocks it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from tandem.matching.engine.candidates import Candidates
from tandem.matching.engine.features import Features
from tandem.matching.engine.pairs import BIG_RANK, NEG, offer, worse
from tandem.matching.engine.scans import scan_extend

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B1 = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class StableSolution:
    """Held pairs (mentee index, mentor index, score) and how much extension it took."""

    mentee: I64
    mentor: I64
    score: F64
    extension_rounds: int
    extended_mentees: int


@numba.njit(cache=True)
def _propose(  # type: ignore[no-untyped-def]
    lists,
    scores,
    lengths,
    ptr,
    wanted,
    held,
    queue,
    me_rank,
    mr_rank,
    slot_ptr,
    slot_s,
    slot_r,
    slot_m,
):
    """Run deferred acceptance from the queued mentees; return who ran out while short."""
    n_me = wanted.shape[0]
    queued = np.zeros(n_me, np.bool_)
    ring = np.empty(n_me + 1, np.int64)
    head = 0
    tail = 0
    for m in queue:
        ring[tail] = m
        tail += 1
        queued[m] = True
    exhausted = np.zeros(n_me, np.bool_)
    while head != tail:
        m = ring[head]
        head = (head + 1) % (n_me + 1)
        queued[m] = False
        while held[m] < wanted[m] and ptr[m] < lengths[m]:
            r = lists[m, ptr[m]]
            s = scores[m, ptr[m]]
            ptr[m] += 1
            lo, hi = slot_ptr[r], slot_ptr[r + 1]
            if hi == lo or not worse(slot_s[lo], slot_r[lo], s, me_rank[m]):
                continue
            evicted = slot_m[lo]
            offer(slot_s[lo:hi], slot_r[lo:hi], slot_m[lo:hi], s, me_rank[m], m)
            held[m] += 1
            if evicted >= 0:
                held[evicted] -= 1
                if not queued[evicted]:
                    queued[evicted] = True
                    ring[tail] = evicted
                    tail = (tail + 1) % (n_me + 1)
    for m in range(n_me):
        exhausted[m] = held[m] < wanted[m] and ptr[m] >= lengths[m]
    return exhausted


def _thresholds(slot_ptr: I64, slot_s: F64, slot_r: I64) -> tuple[F64, I64]:
    """Return each mentor's worst held offer (-inf with room, +inf without capacity)."""
    n_mr = slot_ptr.shape[0] - 1
    has = slot_ptr[1:] > slot_ptr[:-1]
    root = np.minimum(slot_ptr[:-1], max(slot_s.shape[0] - 1, 0))
    thr_s = np.where(has, slot_s[root] if slot_s.size else np.inf, np.inf)
    thr_r = np.where(has, slot_r[root] if slot_r.size else 0, 0).astype(np.int64)
    return thr_s.reshape(n_mr), thr_r.reshape(n_mr)


def solve_stable(features: Features, candidates: Candidates) -> StableSolution:
    """Run mentee-proposing deferred acceptance, extending lists until nobody can gain."""
    a = features.arrays
    k = candidates.mentee_idx.shape[1]
    lists = candidates.mentee_idx.copy()
    scores = candidates.mentee_s.copy()
    lengths = candidates.mentee_n.copy()
    # A list shorter than k already holds every eligible mentor.
    complete = lengths < k
    ptr = np.zeros_like(lengths)
    held = np.zeros_like(lengths)
    slot_ptr = np.zeros(a.capacity.shape[0] + 1, np.int64)
    np.cumsum(a.capacity, out=slot_ptr[1:])
    slot_s = np.full(int(slot_ptr[-1]), NEG)
    slot_r = np.full(int(slot_ptr[-1]), BIG_RANK, np.int64)
    slot_m = np.full(int(slot_ptr[-1]), -1, np.int64)
    queue = np.flatnonzero(a.wanted > 0)
    rounds = 0
    extended = np.zeros(lengths.shape[0], np.bool_)
    while queue.size:
        exhausted = _propose(
            lists,
            scores,
            lengths,
            ptr,
            a.wanted,
            held,
            queue,
            a.me_rank,
            a.mr_rank,
            slot_ptr,
            slot_s,
            slot_r,
            slot_m,
        )
        need = np.flatnonzero(exhausted & ~complete)
        if need.size == 0:
            break
        rounds += 1
        extended[need] = True
        last = np.maximum(lengths[need] - 1, 0)
        after_s = np.where(lengths[need] > 0, scores[need, last], np.inf)
        after_rank = np.where(lengths[need] > 0, a.mr_rank[lists[need, last]], 0)
        thr_s, thr_r = _thresholds(slot_ptr, slot_s, slot_r)
        idx, sc, n = scan_extend(a, need, (after_s, after_rank.astype(np.int64)), (thr_s, thr_r), k)
        lists[need], scores[need], lengths[need] = idx, sc, n
        ptr[need] = 0
        complete[need] = n < k
        queue = need[n > 0]
    taken = slot_m >= 0
    mentor = np.repeat(np.arange(a.capacity.shape[0]), a.capacity)[taken]
    return StableSolution(
        mentee=slot_m[taken],
        mentor=mentor,
        score=slot_s[taken],
        extension_rounds=rounds,
        extended_mentees=int(extended.sum()),
    )
