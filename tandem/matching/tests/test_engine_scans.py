"""The compiled scans give what scoring every pair gives, however their rows are split.

Workers take blocks of rows from a shared counter, so which worker scans which mentee
changes from run to run; the lists, counts and blocking pairs must not.
"""

import numpy as np
import pytest

from tandem.matching.engine.features import build_features
from tandem.matching.engine.scans import scan_audit, scan_candidates, scan_extend
from tandem.matching.tests.engine_support import eligible_pairs, random_instance, random_policy

SEEDS = range(6)
# One row a block (many blocks, taken in turns), a few rows, and the default.
ROWS = (1, 3, 256)


def _features(seed):
    instance = random_instance(seed, max_mentees=70, max_mentors=40)
    return build_features(instance, random_policy(seed, instance), seed=seed)


def _top(owner, other, rank, scores, n, k):
    """Each owner's k best others by (score descending, rank ascending), scored pair by pair."""
    lists = []
    for o in range(n):
        pick = np.flatnonzero(owner == o)
        order = np.lexsort((rank[pick], -scores[pick]))[:k]
        lists.append((other[pick][order].tolist(), scores[pick][order].tolist()))
    return lists


def _lists(idx, s, n):
    return [(idx[i, : n[i]].tolist(), s[i, : n[i]].tolist()) for i in range(idx.shape[0])]


@pytest.mark.parametrize("seed", SEEDS)
def test_candidate_lists_are_the_best_pairs_scored_one_by_one_whatever_the_blocks(seed):
    features = _features(seed)
    a = features.arrays
    mi, ri, s = eligible_pairs(features)
    k, kr = 4, 3
    want_me = _top(mi, ri, a.mr_rank[ri], s, features.n_mentees, k)
    want_mr = _top(ri, mi, a.me_rank[mi], s, features.n_mentors, kr)
    for rows in ROWS:
        me_idx, me_s, me_n, mr_idx, mr_s, mr_n = scan_candidates(a, k, kr, rows=rows)
        assert _lists(me_idx, me_s, me_n) == want_me
        assert _lists(mr_idx, mr_s, mr_n) == want_mr


def _worse(s1, r1, s2, r2):
    return s1 < s2 or (s1 == s2 and r1 > r2)


@pytest.mark.parametrize("seed", SEEDS)
def test_extension_finds_the_next_mentors_that_would_accept_whatever_the_blocks(seed):
    features = _features(seed)
    a = features.arrays
    mi, ri, s = eligible_pairs(features)
    rng = np.random.default_rng(seed)
    n_me, n_mr = features.n_mentees, features.n_mentors
    mentees = np.arange(n_me, dtype=np.int64)
    cursor = (rng.choice([np.inf, 0.5, 0.3], n_me), rng.integers(0, n_mr, n_me))
    threshold = (rng.choice([-np.inf, 0.2, np.inf], n_mr), rng.integers(0, n_me, n_mr))
    k = 3
    want = []
    for m in range(n_me):
        found = [
            j
            for j in np.flatnonzero(mi == m)
            if _worse(s[j], a.mr_rank[ri[j]], cursor[0][m], cursor[1][m])
            and _worse(threshold[0][ri[j]], threshold[1][ri[j]], s[j], a.me_rank[m])
        ]
        pick = np.array(found, np.int64)
        order = np.lexsort((a.mr_rank[ri[pick]], -s[pick]))[:k] if pick.size else pick
        want.append((ri[pick][order].tolist(), s[pick][order].tolist()))
    for rows in ROWS:
        idx, sc, n = scan_extend(a, mentees, cursor, threshold, k, rows=rows)
        assert _lists(idx, sc, n) == want


@pytest.mark.parametrize("seed", SEEDS)
def test_audit_counts_blocking_pairs_one_by_one_whatever_the_blocks(seed):
    features = _features(seed)
    a = features.arrays
    mi, ri, s = eligible_pairs(features)
    rng = np.random.default_rng(seed)
    n_me, n_mr = features.n_mentees, features.n_mentors
    mentees = np.arange(n_me, dtype=np.int64)
    # At most one held pair per mentee, every other mentee's first eligible one.
    _, first = np.unique(mi, return_index=True)
    held = np.sort(first[::2])
    ptr = np.concatenate([[0], np.cumsum(np.bincount(mi[held], minlength=n_me))])
    me_thr = rng.choice([-np.inf, 0.2, 0.4], n_me)
    mr_thr = rng.choice([-np.inf, 0.3, np.inf], n_mr)
    unheld = np.ones(mi.shape[0], bool)
    unheld[held] = False
    blocking = unheld & (s > me_thr[mi]) & (s > mr_thr[ri])
    want = np.bincount(mi[blocking], minlength=n_me)
    for rows in ROWS:
        out = scan_audit(a, mentees, me_thr, (ptr, ri[held]), mr_thr, rows=rows)
        assert out[:, 1].tolist() == want.tolist()
    # With no thresholds every unheld eligible pair has room and blocks.
    free = np.full(n_me, -np.inf), np.full(n_mr, -np.inf)
    out = scan_audit(a, mentees, free[0], (ptr, ri[held]), free[1], rows=1)
    count = np.bincount(mi[unheld], minlength=n_me).tolist()
    assert out[:, 0].tolist() == count
    assert out[:, 1].tolist() == count
