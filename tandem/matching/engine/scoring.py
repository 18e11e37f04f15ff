"""Scores of given pairs, component by component, and which hard rules exclude whom.

These kernels look at pairs one by one (explanations, audits, tests); the scans in
``scans.py`` score whole rows. Both use the same per-pair code in ``pairs.py``, so a
pair gets the same score whichever path computed it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from tandem.matching.engine import pairs
from tandem.matching.engine.features import Arrays, Features
from tandem.matching.engine.pairs import MIN_SCORE_RULE, N_RULES, mark
from tandem.matching.engine.scans import block_count, run_blocks

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# Pair-level kernels call these rather than inlining them: they are not hot, and each
# inlined copy costs seconds of compilation.
sparse_part = numba.njit(cache=True)(pairs.sparse_part.py_func)
focus_part = numba.njit(cache=True)(pairs.focus_part.py_func)
lexical_part = numba.njit(cache=True)(pairs.lexical_part.py_func)
profile = numba.njit(cache=True)(pairs.profile.py_func)
profile_values = numba.njit(cache=True)(pairs.profile_values.py_func)
first_broken_rule = numba.njit(cache=True)(pairs.first_broken_rule.py_func)


@dataclass(frozen=True, slots=True)
class PairScores:
    """Score, raw component values (columns in COMPONENTS order) and first broken rule."""

    score: F64
    parts: F64
    broken: I64


@numba.njit(cache=True, nogil=True)
def _pair_block(a, mi, ri, scores, parts, broken, lo, hi):  # type: ignore[no-untyped-def]
    for i in range(lo, hi):
        m = mi[i]
        r = ri[i]
        s = np.float64(sparse_part(a, m, r)) + profile(a, m, r)
        scores[i] = s
        if a.me_w[m, 0] > 0:
            parts[i, 0] = focus_part(a, m, r) / a.me_w[m, 0]
        if a.me_w[m, 1] > 0:
            parts[i, 1] = lexical_part(a, m, r) / a.me_w[m, 1]
        attr, tz, modes, seniority = profile_values(a, m, r)
        parts[i, 2] = attr
        parts[i, 3] = tz
        parts[i, 4] = modes
        parts[i, 5] = seniority
        excluded = False
        for j in range(a.ex_ptr[m], a.ex_ptr[m + 1]):
            excluded = excluded or a.ex_idx[j] == r
        code = first_broken_rule(a, m, r, excluded)
        if code < 0 and s < a.min_score:
            code = MIN_SCORE_RULE
        broken[i] = code


@numba.njit(cache=True, nogil=True)
def _rule_block(a, mentees, totals, sole, lo, hi):  # type: ignore[no-untyped-def]
    n_mr = a.mr_tin.shape[0]
    banned = np.zeros(n_mr, np.bool_)
    flags = np.zeros(N_RULES, np.bool_)
    for i in range(lo, hi):
        m = mentees[i]
        mark(a, m, banned, True)
        for r in range(n_mr):
            flags[:] = False
            flags[0] = (a.me_tin[m] <= a.mr_tin[r] < a.me_tout[m]) or (
                a.mr_tin[r] <= a.me_tin[m] < a.mr_tout[r]
            )
            flags[1] = banned[r]
            flags[2] = a.rule_dept and a.me_dept[m] >= 0 and a.me_dept[m] == a.mr_dept[r]
            flags[3] = a.rule_lang and (a.me_lang[m] & a.mr_lang[r]) == 0
            flags[4] = a.rule_loc and (a.me_loc[m] < 0 or a.me_loc[m] != a.mr_loc[r])
            flags[5] = not a.tz_ok[a.me_tz[m], a.mr_tz[r]]
            flags[6] = a.must_focus and a.me_has_focus[m] and focus_part(a, m, r) <= 0.0
            flags[7] = a.must_attr and a.me_req[m] != 0 and (a.me_req[m] & a.mr_attr[r]) == 0
            flags[8] = (
                a.must_modes
                and (a.me_modes[m] & a.mode_meet) != 0
                and (a.me_modes[m] & a.mr_modes[r] & a.mode_meet) == 0
            )
            flags[9] = np.float64(sparse_part(a, m, r)) + profile(a, m, r) < a.min_score
            flags[10] = a.capacity[r] <= 0
            count = 0
            last = -1
            for c in range(N_RULES):
                if flags[c]:
                    totals[i, c] += 1
                    count += 1
                    last = c
            if count == 1:
                sole[i, last] += 1
        mark(a, m, banned, False)


def score_pairs(features: Features, mentee_idx: I64, mentor_idx: I64) -> PairScores:
    """Score the given pairs exactly as the scans do, with components and rule checks."""
    mi = np.ascontiguousarray(mentee_idx, np.int64)
    ri = np.ascontiguousarray(mentor_idx, np.int64)
    n = mi.shape[0]
    scores = np.zeros(n)
    parts = np.zeros((n, 6))
    broken = np.full(n, -1, np.int64)
    run_blocks(_pair_block, n, block_count(n), features.arrays, mi, ri, scores, parts, broken)
    return PairScores(scores, parts, broken)


def rule_exclusions(a: Arrays, mentee_idx: I64) -> tuple[I64, I64]:
    """Per listed mentee, count mentors each rule excludes, in all and as the only reason."""
    mentees = np.ascontiguousarray(mentee_idx, np.int64)
    n = mentees.shape[0]
    totals = np.zeros((n, N_RULES), np.int64)
    sole = np.zeros((n, N_RULES), np.int64)
    run_blocks(_rule_block, n, block_count(n), a, mentees, totals, sole)
    return totals, sole
