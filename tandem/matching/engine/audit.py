"""Audit any matching against the whole market: blocking pairs and free places left.

Works for the engine's own results and for anyone else's (the benchmark audits the
baselines with it), over every eligible pair rather than a candidate list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.matching.engine.features import Features
from tandem.matching.engine.scans import scan_audit

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Audit:
    """Per mentee: unheld eligible mentors with room, and blocking pairs."""

    with_room: I64
    blocking: I64

    @property
    def blocking_pairs(self) -> int:
        return int(self.blocking.sum())


def _worst(idx: I64, scores: F64, n: int) -> F64:
    worst = np.full(n, np.inf)
    np.minimum.at(worst, idx, scores)
    return worst


def audit_matching(features: Features, mentee: I64, mentor: I64, score: F64) -> Audit:
    """Count blocking pairs and free eligible places around a matching given by index.

    A mentee or mentor with room accepts any eligible pair; a full one only a pair it
    scores strictly above its worst current pair. Places and wants are those of
    ``features`` (after any locked pairs are taken out).
    """
    a = features.arrays
    n_me, n_mr = a.wanted.shape[0], a.capacity.shape[0]
    order = np.lexsort((mentor, mentee))
    mentee, mentor, score = mentee[order], mentor[order], score[order]
    got = np.bincount(mentee, minlength=n_me)
    load = np.bincount(mentor, minlength=n_mr)
    ptr = np.zeros(n_me + 1, np.int64)
    np.cumsum(got, out=ptr[1:])
    me_thr = np.where(got >= a.wanted, _worst(mentee, score, n_me), -np.inf)
    mr_thr = np.where(
        a.capacity <= 0, np.inf, np.where(load >= a.capacity, _worst(mentor, score, n_mr), -np.inf)
    )
    seeking = np.flatnonzero(a.wanted > 0)
    out = scan_audit(a, seeking, me_thr, (ptr, np.ascontiguousarray(mentor)), mr_thr)
    with_room = np.zeros(n_me, np.int64)
    blocking = np.zeros(n_me, np.int64)
    with_room[seeking], blocking[seeking] = out[:, 0], out[:, 1]
    return Audit(with_room=with_room, blocking=blocking)
