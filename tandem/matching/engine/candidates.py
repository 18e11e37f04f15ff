"""Candidate graph: each mentee's best mentors plus each mentor's best mentees.

The mentee lists are exact prefixes of each mentee's preference order over every
eligible mentor (hard rules applied exactly), which the stable solver extends lazily.
The mentor lists make sure no mentor is left without candidates because more popular
mentors crowd every mentee's list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.matching.engine.features import Features
from tandem.matching.engine.scans import scan_candidates

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Candidates:
    """Best-first candidate lists on both sides; -1 pads unused slots."""

    mentee_idx: I64  # (mentees, k) mentor indexes, best first
    mentee_s: F64
    mentee_n: I64
    mentor_idx: I64  # (mentors, kr) mentee indexes, best first
    mentor_s: F64
    mentor_n: I64

    def edges(self) -> tuple[I64, I64, F64]:
        """Return the union of both sides' lists as (mentee, mentor, score), deduplicated."""
        k = self.mentee_idx.shape[1]
        kr = self.mentor_idx.shape[1]
        n_mentors = self.mentor_idx.shape[0]
        keep_me = np.arange(k)[None, :] < self.mentee_n[:, None]
        keep_mr = np.arange(kr)[None, :] < self.mentor_n[:, None]
        mi = np.concatenate([np.nonzero(keep_me)[0], self.mentor_idx[keep_mr]]).astype(np.int64)
        ri = np.concatenate([self.mentee_idx[keep_me], np.nonzero(keep_mr)[0]]).astype(np.int64)
        s = np.concatenate([self.mentee_s[keep_me], self.mentor_s[keep_mr]])
        _, first = np.unique(mi * n_mentors + ri, return_index=True)
        return mi[first], ri[first], s[first]


def generate_candidates(features: Features, k: int, kr: int) -> Candidates:
    """Score every pair once, keeping the k best per mentee and kr best per mentor."""
    return Candidates(*scan_candidates(features.arrays, max(k, 1), max(kr, 1)))
