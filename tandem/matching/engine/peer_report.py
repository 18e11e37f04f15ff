"""Who a peer round left short and why, and the quality report of a peer round."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from tandem.matching.engine.features import Features
from tandem.matching.engine.peer_explain import PeerShortfall, peer_unmatched_reasons
from tandem.matching.engine.peer_graph import People
from tandem.matching.engine.peer_scan import scan_shortfalls
from tandem.matching.engine.quality import QualityReport, build_report
from tandem.matching.engine.run import UnmatchedMentee

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# Up to this many (peer left short, other peer) pairs are scored to explain shortfalls;
# past it the explanation rests on the candidate graph alone.
EXPLAIN_PAIRS = 4_000_000


def _adjacency(u: I64, v: I64, n: int) -> tuple[I64, I64]:
    """Return each person's neighbours in the graph of pairs (u, v) as CSR (ptr, idx)."""
    ends = np.concatenate([u, v])
    other = np.concatenate([v, u])
    order = np.argsort(ends, kind="stable")
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(ends, minlength=n), out=ptr[1:])
    return ptr, other[order]


def peer_unmatched(
    features: Features, people: People, u: I64, v: I64, cand: tuple[I64, I64]
) -> tuple[UnmatchedMentee, ...]:
    """Explain everyone left with fewer pairs than their limit (pairs u-v, candidates cand).

    The first ``EXPLAIN_PAIRS // people`` of them are scanned against every other peer
    (``peer_scan``); the others' counts rest on the candidate graph alone.
    """
    n = people.n
    got = np.bincount(np.concatenate([u, v]), minlength=n)
    short = np.flatnonzero(got < people.limit)
    free = got < people.limit
    part_ptr, part_idx = _adjacency(u, v, n)
    near_ptr, near_idx = _adjacency(cand[0], cand[1], n)
    scanned = short[: EXPLAIN_PAIRS // max(n, 1)]
    # The scanned people's partners, as CSR over the scanned list.
    sizes = part_ptr[scanned + 1] - part_ptr[scanned]
    ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    idx = np.concatenate(
        [part_idx[part_ptr[p] : part_ptr[p + 1]] for p in scanned.tolist()]
        or [np.zeros(0, np.int64)]
    )
    rows = scan_shortfalls(
        features.arrays,
        people.mentee,
        people.mentor,
        free,
        scanned,
        (ptr, idx),
        features.policy.rules.min_score,
    )
    offers: dict[int, int] = {}
    for record in people.sides:
        for t in record.gives.expertise if record else ():
            offers[t] = offers.get(t, 0) + 1
    out = []
    for i, p in enumerate(short.tolist()):
        side = people.side(p)
        mine = part_idx[part_ptr[p] : part_ptr[p + 1]]
        counts = None
        if i < scanned.shape[0]:
            eligible, with_room = int(rows[i, 0]), int(rows[i, 1])
            counts = rows[i, 2:].tolist()
        else:
            near = near_idx[near_ptr[p] : near_ptr[p + 1]]
            near = near[~np.isin(near, mine)]
            eligible, with_room = mine.shape[0] + near.shape[0], int(free[near].sum())
        uncovered = sorted(
            t for t in side.seeks.focus if offers.get(t, 0) - (t in side.gives.expertise) <= 0
        )
        shortfall = PeerShortfall(
            person=side,
            matched=int(got[p]),
            eligible=eligible,
            with_room=with_room,
            others=n - 1,
            rule_counts=counts,
        )
        code, reasons = peer_unmatched_reasons(features, shortfall, uncovered)
        out.append(
            UnmatchedMentee(
                mentee=int(people.keys[p]),
                wanted=int(people.limit[p]),
                matched=int(got[p]),
                code=code,
                reasons=reasons,
            )
        )
    return tuple(out)


def _blocking(people: People, u: I64, v: I64, scores: F64, cand: tuple[I64, I64, F64]) -> int:
    """Count candidate pairs not chosen that both people score above one of their pairs.

    Someone with room accepts any eligible pair; someone full only one scoring strictly
    above their worst pair. Counted over the final candidate graph, not every pair.
    """
    n = people.n
    load = np.bincount(np.concatenate([u, v]), minlength=n)
    worst = np.full(n, np.inf)
    np.minimum.at(worst, np.concatenate([u, v]), np.concatenate([scores, scores]))
    threshold = np.where(load < people.limit, -np.inf, worst)
    cu, cv, cw = cand
    unchosen = ~np.isin(cu * n + cv, u * n + v)
    return int((unchosen & (cw > threshold[cu]) & (cw > threshold[cv])).sum())


def peer_report(
    people: People,
    u: I64,
    v: I64,
    scores: F64,
    cand: tuple[I64, I64, F64],
    locked: int,
    unmatched: tuple[UnmatchedMentee, ...],
) -> QualityReport:
    """Summarize a peer round: people as both mentees and mentors, each pair counted once.

    Per-person figures (matched, load, places, fairness) count each pair for both of its
    people; pair figures (pairs, total, quantiles, histogram) count it once.
    """
    sides = people.sides
    common = {
        "locked": locked,
        "wanted": people.limit,
        "capacity": people.limit,
        "departments": [s.seeks.department if s else None for s in sides],
        "groups": [s.seeks.groups if s else frozenset() for s in sides],
        "blocking_pairs": _blocking(people, u, v, scores, cand),
    }
    by_person = build_report(
        mentee_idx=np.concatenate([u, v]),
        mentor_idx=np.concatenate([v, u]),
        scores=np.concatenate([scores, scores]),
        unmatched_codes=(x.code for x in unmatched),
        **common,  # type: ignore[arg-type]
    )
    by_pair = build_report(
        mentee_idx=u,
        mentor_idx=v,
        scores=scores,
        unmatched_codes=(),
        **common,  # type: ignore[arg-type]
    )
    return replace(
        by_person,
        pairs=by_pair.pairs,
        total_score=by_pair.total_score,
        mean_score=by_pair.mean_score,
        score_quantiles=by_pair.score_quantiles,
        score_histogram=by_pair.score_histogram,
    )
