"""One pair at a time: the score, the hard rules and the bounded heaps the scans share.

Everything here is inlined into the compiled scans (``scans.py``), which is what keeps
them fast: a call that is not inlined would copy the whole ``Arrays`` tuple per pair.

Scores are computed with the same operations in the same order everywhere, so a pair's
score read by one scan is bit-for-bit the score read by another; stability and the
blocking-pair counts rely on that. The sparse part (focus coverage plus lexical
similarity) is a float32 sum over the mentee's features in index order; the profile
part is ``((attributes + time zone) + modes) + seniority``, each already weighted.

Preference order is (score descending, tie-break rank ascending); mentees rank mentors
by the mentor's rank, mentors rank mentees by the mentee's rank.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from tandem.matching.engine.features import Arrays

NEG = -np.inf
# Added to a bound built from a different order of the score's operations than the
# score's own, so that rounding can never put the bound below the score.
BOUND_SLACK = 1e-9
BIG_RANK = np.iinfo(np.int64).max
# Names of the hard rules, by the code first_broken_rule returns.
RULES = (
    "reporting_line",
    "excluded_pair",
    "department",
    "language",
    "location",
    "time_zone",
    "must_focus",
    "must_attributes",
    "must_modes",
    "min_score",
    "no_capacity",
)
N_RULES = len(RULES)
MIN_SCORE_RULE = RULES.index("min_score")
NO_CAPACITY_RULE = RULES.index("no_capacity")


@numba.njit(inline="always")
def bits(x: int) -> int:
    count = 0
    while x:
        x &= x - 1
        count += 1
    return count


@numba.njit(inline="always")
def worse(s1: float, r1: int, s2: float, r2: int) -> bool:
    return s1 < s2 or (s1 == s2 and r1 > r2)


@numba.njit(inline="always")
def sift_down(hs, hr, hp, i):  # type: ignore[no-untyped-def]
    n = hs.shape[0]
    while True:
        low = i
        left = 2 * i + 1
        right = left + 1
        if left < n and worse(hs[left], hr[left], hs[low], hr[low]):
            low = left
        if right < n and worse(hs[right], hr[right], hs[low], hr[low]):
            low = right
        if low == i:
            return
        hs[i], hs[low] = hs[low], hs[i]
        hr[i], hr[low] = hr[low], hr[i]
        hp[i], hp[low] = hp[low], hp[i]
        i = low


@numba.njit(inline="always")
def offer(hs, hr, hp, s, rank, payload):  # type: ignore[no-untyped-def]
    """Keep the best entries of a fixed-size heap whose root is its worst entry."""
    if worse(hs[0], hr[0], s, rank):
        hs[0] = s
        hr[0] = rank
        hp[0] = payload
        sift_down(hs, hr, hp, 0)


@numba.njit(inline="always")
def reset(hs, hr, hp):  # type: ignore[no-untyped-def]
    hs[:] = NEG
    hr[:] = BIG_RANK
    hp[:] = -1


@numba.njit(inline="always")
def drain(hs, hr, hp, out_p, out_s):  # type: ignore[no-untyped-def]
    """Write heap entries best first into out_p/out_s and return how many are real."""
    n = hs.shape[0]
    for end in range(n - 1, -1, -1):
        # Pop the worst to the back: heap-sort in place.
        hs[0], hs[end] = hs[end], hs[0]
        hr[0], hr[end] = hr[end], hr[0]
        hp[0], hp[end] = hp[end], hp[0]
        sift_down(hs[:end], hr[:end], hp[:end], 0)
    count = 0
    for i in range(n):
        if hp[i] >= 0:
            out_p[count] = hp[i]
            out_s[count] = hs[i]
            count += 1
    return count


@numba.njit(inline="always")
def axpy(y, x, scale) -> None:  # type: ignore[no-untyped-def]
    for i in range(y.shape[0]):
        y[i] += scale * x[i]


@numba.njit(inline="always")
def runs(a: Arrays, m: int, run_lo, run_hi, run_top) -> int:  # type: ignore[no-untyped-def]
    """Merge m's eligible mentor segments into runs sharing one profile bound.

    A segment is eligible when the time-zone gap and language rules allow it; the bound
    is the largest profile part any mentor of the segment could add to the score.
    """
    w = a.me_w
    n_runs = 0
    for g in range(a.seg_tz.shape[0]):
        if not a.tz_ok[a.me_tz[m], a.seg_tz[g]] or (
            a.rule_lang and (a.me_lang[m] & a.seg_lang[g]) == 0
        ):
            continue
        tz = a.tz_val[a.me_tz[m], a.seg_tz[g]]
        top = w[m, 2] * 1.0 + w[m, 3] * tz + w[m, 4] * 1.0 + w[m, 5] * 1.0
        lo = a.seg_ptr[g]
        if n_runs > 0 and run_hi[n_runs - 1] == lo and run_top[n_runs - 1] == top:
            run_hi[n_runs - 1] = a.seg_ptr[g + 1]
        else:
            run_lo[n_runs] = lo
            run_hi[n_runs] = a.seg_ptr[g + 1]
            run_top[n_runs] = top
            n_runs += 1
    return n_runs


@numba.njit(inline="always")
def accumulate(a: Arrays, m: int, acc, run_lo, run_hi, n_runs) -> None:  # type: ignore[no-untyped-def]
    """Fill acc with the sparse part of m's score for every mentor in m's runs."""
    for g in range(n_runs):
        acc[run_lo[g] : run_hi[g]] = 0.0
    for j in range(a.fptr[m], a.fptr[m + 1]):
        f = a.fidx[j]
        x = a.fval[j]
        row = a.dense_row[f]
        if row >= 0:
            values = a.dense[row]
            for g in range(n_runs):
                lo = run_lo[g]
                hi = run_hi[g]
                axpy(acc[lo:hi], values[lo:hi], x)
        else:
            # Postings also land outside the runs; those entries are never read.
            for p in range(a.pptr[f], a.pptr[f + 1]):
                acc[a.pidx[p]] += x * a.pval[p]


@numba.njit(inline="always")
def tables(a: Arrays, m: int, mode_part, sen_part) -> None:  # type: ignore[no-untyped-def]
    """Tabulate m's weighted modes and seniority parts per mentor mode mask and grade."""
    w = a.me_w
    for c in range(mode_part.shape[0]):
        modes = 0.0
        if a.me_modes[m] != 0:
            modes = bits(a.me_modes[m] & a.mode_masks[c]) / bits(a.me_modes[m])
        mode_part[c] = w[m, 4] * modes
    for c in range(sen_part.shape[0]):
        sen_part[c] = w[m, 5] * a.sen_val[a.me_sen[m], c]


@numba.njit(inline="always")
def gaps(a: Arrays, m: int, mode_part, sen_part, gap) -> None:  # type: ignore[no-untyped-def]
    """Tabulate, per mentor class (``profile_classes``), how far m's modes and seniority
    parts fall below the most they could be (``w[m, 4] + w[m, 5]``): never negative."""
    w = a.me_w
    n_sen = sen_part.shape[0]
    for c in range(mode_part.shape[0]):
        for g in range(n_sen):
            gap[c * n_sen + g] = (w[m, 4] - mode_part[c]) + (w[m, 5] - sen_part[g])


def profile_classes(a: Arrays) -> npt.NDArray[np.int32]:
    """Code each mentor's (modes mask, seniority level) as one class, for ``gaps``."""
    n_sen = a.sen_val.shape[1]
    return (a.mr_mode * n_sen + a.mr_sen).astype(np.int32)


@numba.njit(inline="always")
def above_min_classed(acc, thr, cls, gap, top: float, floor: float, lo: int, out) -> int:  # type: ignore[no-untyped-def]
    """Collect lo+i whose bound reaches min(floor, thr[i]); return how many.

    The bound is acc[i]+top lowered by the gap of mentor i's class (``gaps``). ``top``
    must carry ``BOUND_SLACK``: the lowered bound is above the score in exact arithmetic,
    and the slack keeps it above the score as rounded.
    """
    count = 0
    for i in range(acc.shape[0]):
        bound = np.float64(acc[i]) + top - gap[cls[i]]
        if bound >= floor or bound >= thr[i]:
            out[count] = lo + i
            count += 1
    return count


@numba.njit(inline="always")
def above_max_classed(acc, thr, cls, gap, top: float, floor: float, lo: int, out) -> int:  # type: ignore[no-untyped-def]
    """Collect lo+i whose bound reaches max(floor, thr[i]); return how many.

    The bound is that of ``above_min_classed``.
    """
    count = 0
    for i in range(acc.shape[0]):
        bound = np.float64(acc[i]) + top - gap[cls[i]]
        if bound >= floor and bound >= thr[i]:
            out[count] = lo + i
            count += 1
    return count


@numba.njit(inline="always")
def fast_profile(a: Arrays, m: int, r: int, mode_part, sen_part) -> float:  # type: ignore[no-untyped-def]
    """Return exactly ``profile(a, m, r)``, reading m's tabulated modes and seniority parts."""
    attr = 0.0
    if a.me_req[m] != 0:
        attr = bits(a.me_req[m] & a.mr_attr[r]) / bits(a.me_req[m])
    tz = a.tz_val[a.me_tz[m], a.mr_tz[r]]
    return a.me_w[m, 2] * attr + a.me_w[m, 3] * tz + mode_part[a.mr_mode[r]] + sen_part[a.mr_sen[r]]


@numba.njit(inline="always")
def feature_value(a: Arrays, f: int, r: int) -> np.float32:
    row = a.dense_row[f]
    if row >= 0:
        return a.dense[row, r]
    # Binary search of r in the feature's sorted posting list.
    lo = a.pptr[f]
    hi = a.pptr[f + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if a.pidx[mid] < r:
            lo = mid + 1
        else:
            hi = mid
    if lo < a.pptr[f + 1] and a.pidx[lo] == r:
        return a.pval[lo]
    return np.float32(0.0)


@numba.njit(inline="always")
def sparse_part(a: Arrays, m: int, r: int) -> np.float32:
    acc = np.float32(0.0)
    for j in range(a.fptr[m], a.fptr[m + 1]):
        acc += a.fval[j] * feature_value(a, a.fidx[j], r)
    return acc


@numba.njit(inline="always")
def focus_part(a: Arrays, m: int, r: int) -> float:
    total = 0.0
    for j in range(a.fptr[m], a.fptr[m + 1]):
        f = a.fidx[j]
        if f >= a.n_topics:
            break
        total += a.fval[j] * feature_value(a, f, r)
    return total


@numba.njit(inline="always")
def lexical_part(a: Arrays, m: int, r: int) -> float:
    total = 0.0
    for j in range(a.fptr[m], a.fptr[m + 1]):
        f = a.fidx[j]
        if f >= a.n_topics:
            total += a.fval[j] * feature_value(a, f, r)
    return total


@numba.njit(inline="always")
def profile_values(a: Arrays, m: int, r: int) -> tuple[float, float, float, float]:
    attr = 0.0
    if a.me_req[m] != 0:
        attr = bits(a.me_req[m] & a.mr_attr[r]) / bits(a.me_req[m])
    tz = a.tz_val[a.me_tz[m], a.mr_tz[r]]
    modes = 0.0
    if a.me_modes[m] != 0:
        modes = bits(a.me_modes[m] & a.mr_modes[r]) / bits(a.me_modes[m])
    seniority = a.sen_val[a.me_sen[m], a.mr_sen[r]]
    return attr, tz, modes, seniority


@numba.njit(inline="always")
def profile(a: Arrays, m: int, r: int) -> float:
    attr, tz, modes, seniority = profile_values(a, m, r)
    w = a.me_w
    return w[m, 2] * attr + w[m, 3] * tz + w[m, 4] * modes + w[m, 5] * seniority


@numba.njit(inline="always")
def first_broken_rule(a: Arrays, m: int, r: int, banned: bool) -> int:
    """Return the code of the first structural rule (pair, person, program) broken, or -1."""
    if (a.me_tin[m] <= a.mr_tin[r] < a.me_tout[m]) or (a.mr_tin[r] <= a.me_tin[m] < a.mr_tout[r]):
        return 0
    if banned:
        return 1
    if a.rule_dept and a.me_dept[m] >= 0 and a.me_dept[m] == a.mr_dept[r]:
        return 2
    if a.rule_lang and (a.me_lang[m] & a.mr_lang[r]) == 0:
        return 3
    if a.rule_loc and (a.me_loc[m] < 0 or a.me_loc[m] != a.mr_loc[r]):
        return 4
    if not a.tz_ok[a.me_tz[m], a.mr_tz[r]]:
        return 5
    if a.must_focus and a.me_has_focus[m] and focus_part(a, m, r) <= 0.0:
        return 6
    if a.must_attr and a.me_req[m] != 0 and (a.me_req[m] & a.mr_attr[r]) == 0:
        return 7
    if (
        a.must_modes
        and (a.me_modes[m] & a.mode_meet) != 0
        and (a.me_modes[m] & a.mr_modes[r] & a.mode_meet) == 0
    ):
        return 8
    if a.capacity[r] <= 0:
        return NO_CAPACITY_RULE
    return -1


@numba.njit(inline="always")
def mark(a: Arrays, m: int, banned, value: bool) -> None:  # type: ignore[no-untyped-def]
    for j in range(a.ex_ptr[m], a.ex_ptr[m + 1]):
        banned[a.ex_idx[j]] = value
