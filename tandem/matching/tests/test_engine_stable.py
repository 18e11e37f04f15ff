"""The stable solver leaves no blocking pair anywhere in the market, not only in its lists."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching.engine.candidates import generate_candidates
from tandem.matching.engine.solve_stable import solve_stable
from tandem.matching.tests.engine_support import eligible_pairs, features_for


def _blocking(features, solution, mi, ri, s):
    a = features.arrays
    held = set(zip(solution.mentee.tolist(), solution.mentor.tolist(), strict=True))
    pair_score = {(m, r): v for m, r, v in zip(mi.tolist(), ri.tolist(), s.tolist(), strict=True)}

    def worst(side, who, limit):
        if limit == 0:
            return (float("inf"), 0)
        mine = [(pair_score[p], p) for p in held if p[side] == who]
        if len(mine) < limit:
            return None
        rank = a.mr_rank if side == 0 else a.me_rank
        return min((v, -rank[p[1 - side]]) for v, p in mine)

    blocking = []
    for m, r, v in zip(mi.tolist(), ri.tolist(), s.tolist(), strict=True):
        if (m, r) in held:
            continue
        mentee_worst = worst(0, m, a.wanted[m])
        mentor_worst = worst(1, r, a.capacity[r])
        mentee_wants = mentee_worst is None or (v, -a.mr_rank[r]) > mentee_worst
        mentor_wants = mentor_worst is None or (v, -a.me_rank[m]) > mentor_worst
        if mentee_wants and mentor_wants:
            blocking.append((m, r))
    return blocking


def _greedy(features, mi, ri, s):
    """The unique stable matching when both sides rank by the same pair score."""
    a = features.arrays
    got = np.zeros(features.n_mentees, np.int64)
    load = np.zeros(features.n_mentors, np.int64)
    chosen = set()
    for i in np.lexsort((a.mr_rank[ri], a.me_rank[mi], -s)):
        m, r = mi[i], ri[i]
        if got[m] < a.wanted[m] and load[r] < a.capacity[r]:
            got[m] += 1
            load[r] += 1
            chosen.add((int(m), int(r)))
    return chosen


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3))
def test_no_eligible_pair_blocks_the_stable_matching(seed, k):
    # Lists of 1-3 force lazy extension on most instances.
    features = features_for(seed)
    solution = solve_stable(features, generate_candidates(features, k, 1))
    mi, ri, s = eligible_pairs(features)
    assert _blocking(features, solution, mi, ri, s) == []
    held = set(zip(solution.mentee.tolist(), solution.mentor.tolist(), strict=True))
    assert held == _greedy(features, mi, ri, s)


def test_lazy_extension_reaches_mentors_beyond_the_lists():
    features = features_for(7)
    a = features.arrays
    solution = solve_stable(features, generate_candidates(features, 1, 1))
    mi, ri, s = eligible_pairs(features)
    assert _blocking(features, solution, mi, ri, s) == []
    assert solution.mentee.size == len(_greedy(features, mi, ri, s))
    assert (np.bincount(solution.mentor, minlength=features.n_mentors) <= a.capacity).all()
