"""Peers as one set of people, and the score of an unordered pair of them.

Each peer is a ``Mentee`` and a ``Mentor`` under one key; a pair {a, b} is scored in both
directions with the one-to-one engine's kernels (a seeking from b, b seeking from a).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from tandem.matching.engine.features import Features, exclusion_lists
from tandem.matching.engine.instance import Instance
from tandem.matching.engine.pairs import MIN_SCORE_RULE
from tandem.matching.engine.peer_explain import Side
from tandem.matching.engine.scoring import PairScores, score_pairs

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class People:
    """Everyone in the run by position (sorted by key), with their engine-side indexes."""

    keys: I64
    sides: tuple[Side | None, ...]
    mentee: I64  # index in features.mentees, -1 when absent
    mentor: I64  # index in features.mentors, -1 when absent
    limit: I64

    @property
    def n(self) -> int:
        return int(self.keys.shape[0])

    def side(self, i: int) -> Side:
        """Return person i's two records; they must be on both lists."""
        side = self.sides[i]
        if side is None:
            raise ValueError(f"Peer {int(self.keys[i])} is not on both lists.")
        return side


@dataclass(frozen=True, slots=True)
class EdgeScores:
    """Scores of unordered pairs (u, v): both directions, their mean and rules broken."""

    weight: F64
    forward: PairScores  # u seeks, v gives
    back: PairScores  # v seeks, u gives
    broken: I64  # the first rule broken in either direction, or -1


def people_of(instance: Instance, features: Features) -> People:
    seekers = {m.key: m for m in instance.mentees}
    givers = {r.key: r for r in instance.mentors}
    keys = np.array(sorted(seekers.keys() | givers.keys()), np.int64)
    sides: list[Side | None] = []
    limit = np.zeros(keys.shape[0], np.int64)
    for i, key in enumerate(keys.tolist()):
        seeks, gives = seekers.get(key), givers.get(key)
        if seeks is None or gives is None:
            sides.append(None)
            continue
        if seeks.person != gives.person:
            raise ValueError(f"Peer {key} is listed as two different people.")
        sides.append(Side(seeks, gives))
        limit[i] = max(min(seeks.mentors_wanted, gives.capacity), 0)
    me = np.array([features.mentee_index.get(k, -1) for k in keys.tolist()], np.int64)
    mr = np.array([features.mentor_index.get(k, -1) for k in keys.tolist()], np.int64)
    return People(keys, tuple(sides), me, mr, limit)


def with_limits(
    features: Features, people: People, limit: I64, extra: set[tuple[int, int]]
) -> Features:
    """Give each person ``limit`` places on both sides and exclude the ``extra`` key pairs."""
    a = features.arrays
    wanted, capacity = np.zeros_like(a.wanted), np.zeros_like(a.capacity)
    has_me, has_mr = people.mentee >= 0, people.mentor >= 0
    wanted[people.mentee[has_me]] = limit[has_me]
    capacity[people.mentor[has_mr]] = limit[has_mr]
    ex_ptr, ex_idx = exclusion_lists(features, extra)
    arrays = a._replace(wanted=wanted, capacity=capacity, ex_ptr=ex_ptr, ex_idx=ex_idx)
    return replace(features, arrays=arrays)


def score_edges(features: Features, people: People, u: I64, v: I64) -> EdgeScores:
    """Score pairs of people who are both on both lists, in both directions."""
    forward = score_pairs(features, people.mentee[u], people.mentor[v])
    back = score_pairs(features, people.mentee[v], people.mentor[u])
    weight = (forward.score + back.score) / 2
    # The directed min-score check is off (see run_peer_matching); the mean decides.
    fb = np.where(forward.broken == MIN_SCORE_RULE, -1, forward.broken)
    bb = np.where(back.broken == MIN_SCORE_RULE, -1, back.broken)
    broken = np.where(fb >= 0, fb, bb)
    low = weight < features.policy.rules.min_score
    broken = np.where((broken < 0) & low, MIN_SCORE_RULE, broken)
    return EdgeScores(weight, forward, back, broken)
