"""Who a peer round left short and why, and the quality report of a peer round."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from tandem.matching.engine.features import Features
from tandem.matching.engine.pairs import N_RULES, NO_CAPACITY_RULE
from tandem.matching.engine.peer_explain import PeerShortfall, peer_unmatched_reasons
from tandem.matching.engine.peer_graph import People, score_edges
from tandem.matching.engine.quality import QualityReport, build_report
from tandem.matching.engine.run import UnmatchedMentee

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# Up to this many (peer left short, other peer) pairs are scored to explain shortfalls;
# past it the explanation rests on the candidate graph alone.
EXPLAIN_PAIRS = 4_000_000


def _partners(u: I64, v: I64, n: int) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for a, b in zip(u.tolist(), v.tolist(), strict=True):
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out


def _scan(
    features: Features, people: People, p: int, got: I64, partners: set[int]
) -> tuple[int, int, list[int]]:
    """Score p against every other peer: (eligible, eligible with room, first rules)."""
    others = np.array([q for q in range(people.n) if q != p], np.int64)
    complete = others[[people.sides[q] is not None for q in others.tolist()]]
    counts = np.zeros(N_RULES, np.int64)
    counts[NO_CAPACITY_RULE] += others.shape[0] - complete.shape[0]
    scored = score_edges(features, people, np.full(complete.shape[0], p, np.int64), complete)
    ok = scored.broken < 0
    np.add.at(counts, scored.broken[~ok], 1)
    free = got[complete] < people.limit[complete]
    taken = np.isin(complete, np.array(sorted(partners), np.int64))
    return int(ok.sum()), int((ok & free & ~taken).sum()), counts.tolist()


def _from_candidates(
    people: People, p: int, got: I64, partners: set[int], cand: tuple[I64, I64]
) -> tuple[int, int]:
    cu, cv = cand
    near = np.concatenate([cv[cu == p], cu[cv == p]])
    near = near[~np.isin(near, np.array(sorted(partners), np.int64))]
    return len(partners) + near.shape[0], int((got[near] < people.limit[near]).sum())


def peer_unmatched(
    features: Features, people: People, u: I64, v: I64, cand: tuple[I64, I64]
) -> tuple[UnmatchedMentee, ...]:
    """Explain everyone left with fewer pairs than their limit (pairs u-v, candidates cand)."""
    got = np.bincount(np.concatenate([u, v]), minlength=people.n)
    short = np.flatnonzero(got < people.limit).tolist()
    partners = _partners(u, v, people.n)
    offers: dict[int, int] = {}
    for record in people.sides:
        for t in record.gives.expertise if record else ():
            offers[t] = offers.get(t, 0) + 1
    budget = EXPLAIN_PAIRS
    out = []
    for p in short:
        side = people.side(p)
        mine = partners.get(p, set())
        counts = None
        if budget >= people.n:
            budget -= people.n
            eligible, with_room, counts = _scan(features, people, p, got, mine)
        else:
            eligible, with_room = _from_candidates(people, p, got, mine, cand)
        uncovered = sorted(
            t for t in side.seeks.focus if offers.get(t, 0) - (t in side.gives.expertise) <= 0
        )
        shortfall = PeerShortfall(
            person=side,
            matched=int(got[p]),
            eligible=eligible,
            with_room=with_room,
            others=people.n - 1,
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
