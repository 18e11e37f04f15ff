"""Peers scanned against everyone: how many could still pair with them, and why not.

Explaining why someone was left short counts, over every other peer, those a pair with
them would be eligible with (both directions pass the hard rules and the mean score
reaches the program's minimum), those of them with places left, and the first rule each
other peer breaks. Scoring those pairs one by one (``score_edges``) costs microseconds
each, millions of pairs at 15,000 peers; here each person's row is scanned at once: the
sparse part of their score as a seeker is accumulated over every giver from the
posting lists, as the candidate scan does, and their record as a giver is spread into a
dense vector that each other seeker's features read directly. The sums are the
kernels' float32 sums in the same order, so every count is the one ``score_edges``
gives.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from tandem.matching.engine.features import Arrays
from tandem.matching.engine.pairs import (
    MIN_SCORE_RULE,
    N_RULES,
    NO_CAPACITY_RULE,
    feature_value,
    first_broken_rule,
    mark,
    profile,
    sparse_part,
)
from tandem.matching.engine.scans import block_count, run_blocks

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B1 = npt.NDArray[np.bool_]


@numba.njit(cache=True, nogil=True)
def _shortfall_block(  # type: ignore[no-untyped-def]
    a, me, mr, complete, free, people, part_ptr, part_idx, min_score, out, lo, hi
):
    n, n_mr = me.shape[0], a.mr_tin.shape[0]
    n_features = a.dense_row.shape[0]
    acc = np.zeros(n_mr, np.float32)
    gives = np.zeros(n_features, np.float32)
    banned = np.zeros(n_mr, np.bool_)
    partner = np.zeros(n, np.bool_)
    for i in range(lo, hi):
        p = people[i]
        m, r = me[p], mr[p]
        # p seeking from every giver: the sparse part, accumulated feature by feature.
        acc[:] = 0.0
        for j in range(a.fptr[m], a.fptr[m + 1]):
            f = a.fidx[j]
            x = a.fval[j]
            row = a.dense_row[f]
            if row >= 0:
                values = a.dense[row]
                for g in range(n_mr):
                    acc[g] += x * values[g]
            else:
                for k in range(a.pptr[f], a.pptr[f + 1]):
                    acc[a.pidx[k]] += x * a.pval[k]
        # p giving: their value on every feature, for the other seekers to read.
        for f in range(n_features):
            gives[f] = feature_value(a, f, r)
        mark(a, m, banned, True)
        for k in range(part_ptr[i], part_ptr[i + 1]):
            partner[part_idx[k]] = True
        for q in range(n):
            if q == p:
                continue
            if not complete[q]:
                out[i, 2 + NO_CAPACITY_RULE] += 1
                continue
            mq, rq = me[q], mr[q]
            rule = first_broken_rule(a, m, rq, banned[rq])
            if rule < 0:
                excluded = False
                for j in range(a.ex_ptr[mq], a.ex_ptr[mq + 1]):
                    excluded = excluded or a.ex_idx[j] == r
                rule = first_broken_rule(a, mq, r, excluded)
            if rule < 0:
                back = np.float32(0.0)
                for j in range(a.fptr[mq], a.fptr[mq + 1]):
                    back += a.fval[j] * gives[a.fidx[j]]
                forward = np.float64(acc[rq]) + profile(a, m, rq)
                weight = (forward + (np.float64(back) + profile(a, mq, r))) / 2
                if weight < min_score:
                    rule = MIN_SCORE_RULE
            if rule >= 0:
                out[i, 2 + rule] += 1
                continue
            out[i, 0] += 1
            if free[q] and not partner[q]:
                out[i, 1] += 1
        mark(a, m, banned, False)
        for k in range(part_ptr[i], part_ptr[i + 1]):
            partner[part_idx[k]] = False


def scan_shortfalls(
    a: Arrays,
    me: I64,
    mr: I64,
    free: B1,
    people: I64,
    partners: tuple[I64, I64],
    min_score: float,
) -> npt.NDArray[np.int64]:
    """Scan each listed person against every other: one row per person.

    ``me``/``mr`` give everyone's mentee and mentor index (-1 when not on that list),
    ``free`` who has places left, ``partners`` (CSR over ``people``) whom each is already
    paired with. A row holds the eligible peers, those of them free and not yet partners,
    then per rule in ``RULES`` order how many peers break it first (either direction;
    peers not on both lists count as without places).
    """
    complete = (me >= 0) & (mr >= 0)
    listed = np.ascontiguousarray(people, np.int64)
    out = np.zeros((listed.shape[0], 2 + N_RULES), np.int64)
    run_blocks(
        _shortfall_block,
        listed.shape[0],
        block_count(listed.shape[0]),
        a,
        np.ascontiguousarray(me, np.int64),
        np.ascontiguousarray(mr, np.int64),
        complete,
        np.ascontiguousarray(free, np.bool_),
        listed,
        np.ascontiguousarray(partners[0], np.int64),
        np.ascontiguousarray(partners[1], np.int64),
        float(min_score),
        out,
    )
    return out


@numba.njit(cache=True, nogil=True)
def _edge_block(a, mu, ru, mv, rv, min_score, weight, broken, lo, hi):  # type: ignore[no-untyped-def]
    for i in range(lo, hi):
        m, r = mu[i], rv[i]
        excluded = False
        for j in range(a.ex_ptr[m], a.ex_ptr[m + 1]):
            excluded = excluded or a.ex_idx[j] == r
        rule = first_broken_rule(a, m, r, excluded)
        if rule < 0:
            m, r = mv[i], ru[i]
            excluded = False
            for j in range(a.ex_ptr[m], a.ex_ptr[m + 1]):
                excluded = excluded or a.ex_idx[j] == r
            rule = first_broken_rule(a, m, r, excluded)
        if rule < 0:
            forward = np.float64(sparse_part(a, mu[i], rv[i])) + profile(a, mu[i], rv[i])
            back = np.float64(sparse_part(a, mv[i], ru[i])) + profile(a, mv[i], ru[i])
            weight[i] = (forward + back) / 2
            if weight[i] < min_score:
                rule = MIN_SCORE_RULE
        broken[i] = rule


def edge_weights(a: Arrays, me: I64, mr: I64, u: I64, v: I64, min_score: float) -> tuple[F64, I64]:
    """Score pairs (u, v) of people on both lists as ``peer_graph.score_edges`` does.

    Returns the pair's weight (the mean of its two directed scores; 0 when a rule other
    than the minimum score excludes it) and the first rule it breaks (-1 for none),
    without the component values explanations need.
    """
    n = u.shape[0]
    weight = np.zeros(n)
    broken = np.full(n, -1, np.int64)
    run_blocks(
        _edge_block,
        n,
        block_count(n),
        a,
        np.ascontiguousarray(me[u], np.int64),
        np.ascontiguousarray(mr[u], np.int64),
        np.ascontiguousarray(me[v], np.int64),
        np.ascontiguousarray(mr[v], np.int64),
        float(min_score),
        weight,
        broken,
    )
    return weight, broken
