"""Quality report of a matching run: plain data the review screen can show as is."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

# Groups smaller than this are left out of the fairness table, so nobody is singled out.
MIN_GROUP = 5
# The dimension of self-described groups: private, so small cells are suppressed too.
PRIVATE_DIMENSION = "group"
HISTOGRAM_BINS = 10


@dataclass(frozen=True, slots=True)
class FairnessRow:
    """Matched share and mean score of one department or self-described group."""

    dimension: str
    group: str
    mentees: int
    # None where showing it would let a reader pick out fewer than MIN_GROUP people.
    matched: int | None
    matched_share: float | None
    mean_score: float | None


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Who got matched, how well, how loaded mentors are, and how fair and stable it is."""

    mentees: int
    mentees_matched: int
    mentees_partly_matched: int
    matched_share: float
    pairs: int
    locked_pairs: int
    places_wanted: int
    total_score: float
    mean_score: float
    score_quantiles: Mapping[str, float]
    # Counts of pairs per score bin [0, 0.1), [0.1, 0.2), ... [0.9, 1.0].
    score_histogram: tuple[int, ...]
    mentors: int
    mentors_used: int
    mentors_full: int
    places_offered: int
    utilization: float
    # Number of mentors by how many mentees they got.
    mentor_load: Mapping[int, int]
    # Eligible pairs not proposed that both people would prefer to one of their own.
    blocking_pairs: int
    unmatched_reasons: Mapping[str, int]
    fairness: tuple[FairnessRow, ...]

    def to_dict(self) -> dict[str, object]:
        """Return the report as JSON-ready data."""
        return asdict(self)


def _quantiles(scores: F64) -> dict[str, float]:
    if scores.size == 0:
        return {}
    points = {"p10": 10, "p25": 25, "median": 50, "p75": 75, "p90": 90}
    return {name: round(float(np.percentile(scores, q)), 4) for name, q in points.items()}


def _cell_safe(inside: int, outside: int) -> bool:
    """Whether a count of group members among named people singles nobody out.

    Admins see who was matched and who was not, by name. Saying that `inside` of those
    people belong to a private group is safe when none do (not belonging is never
    certain, since anyone may keep it private), or when at least MIN_GROUP do and at
    least MIN_GROUP of the same people do not.
    """
    return inside == 0 or (inside >= MIN_GROUP and outside >= MIN_GROUP)


def _fairness_rows(
    dimension: str,
    groups: Sequence[Iterable[str]],
    got: I64,
    score_sum: F64,
    seeking: npt.NDArray[np.bool_],
) -> list[FairnessRow]:
    members: dict[str, list[int]] = {}
    for i, names in enumerate(groups):
        if seeking[i]:
            for name in names:
                members.setdefault(name, []).append(i)
    private = dimension == PRIVATE_DIMENSION
    n_seeking = int(seeking.sum())
    n_matched = int(((got > 0) & seeking).sum())
    rows = []
    for name in sorted(members):
        idx = np.array(members[name], np.int64)
        if not _cell_safe(idx.size, n_seeking - idx.size if private else MIN_GROUP):
            continue
        matched = int((got[idx] > 0).sum())
        pairs = int(got[idx].sum())
        unmatched = int(idx.size) - matched
        shown = not private or (
            _cell_safe(matched, n_matched - matched)
            and _cell_safe(unmatched, n_seeking - n_matched - unmatched)
        )
        rows.append(
            FairnessRow(
                dimension=dimension,
                group=name,
                mentees=int(idx.size),
                matched=matched if shown else None,
                matched_share=round(matched / idx.size, 4) if shown else None,
                mean_score=(
                    round(float(score_sum[idx].sum()) / pairs, 4) if pairs and shown else None
                ),
            )
        )
    return rows


def build_report(
    *,
    mentee_idx: I64,
    mentor_idx: I64,
    scores: F64,
    locked: int,
    wanted: I64,
    capacity: I64,
    departments: Sequence[str | None],
    groups: Sequence[Iterable[str]],
    blocking_pairs: int,
    unmatched_codes: Iterable[str],
) -> QualityReport:
    """Summarize one matching: pairs given by index with their scores."""
    n_me, n_mr = wanted.shape[0], capacity.shape[0]
    got = np.bincount(mentee_idx, minlength=n_me)
    load = np.bincount(mentor_idx, minlength=n_mr)
    score_sum = np.bincount(mentee_idx, weights=scores, minlength=n_me).astype(np.float64)
    seeking = wanted > 0
    histogram = np.histogram(np.clip(scores, 0, 1), bins=HISTOGRAM_BINS, range=(0, 1))[0]
    fairness = _fairness_rows(
        "department", [[d] if d else [] for d in departments], got, score_sum, seeking
    ) + _fairness_rows(PRIVATE_DIMENSION, groups, got, score_sum, seeking)
    n_seeking = int(seeking.sum())
    matched = int(((got > 0) & seeking).sum())
    return QualityReport(
        mentees=n_seeking,
        mentees_matched=matched,
        mentees_partly_matched=int(((got > 0) & (got < wanted)).sum()),
        matched_share=round(matched / n_seeking, 4) if n_seeking else 0.0,
        pairs=int(mentee_idx.size),
        locked_pairs=locked,
        places_wanted=int(wanted.sum()),
        total_score=round(float(scores.sum()), 4),
        mean_score=round(float(scores.mean()), 4) if scores.size else 0.0,
        score_quantiles=_quantiles(scores),
        score_histogram=tuple(int(c) for c in histogram),
        mentors=n_mr,
        mentors_used=int((load > 0).sum()),
        mentors_full=int(((load >= capacity) & (capacity > 0)).sum()),
        places_offered=int(capacity.sum()),
        utilization=round(float(load.sum()) / max(int(capacity.sum()), 1), 4),
        mentor_load={int(k): int(v) for k, v in sorted(Counter(load.tolist()).items())},
        blocking_pairs=blocking_pairs,
        unmatched_reasons=dict(sorted(Counter(unmatched_codes).items())),
        fairness=tuple(fairness),
    )


@dataclass(frozen=True, slots=True)
class Tradeoff:
    """How a stable matching compares with the optimal one on the same instance."""

    stable_total: float
    optimal_total: float
    total_ratio: float
    stable_matched: int
    optimal_matched: int
    stable_blocking_pairs: int
    optimal_blocking_pairs: int


def tradeoff(stable: QualityReport, optimal: QualityReport) -> Tradeoff:
    """Compare a stable run with an optimal run, for the admin choosing a solver."""
    ratio = stable.total_score / optimal.total_score if optimal.total_score else 1.0
    return Tradeoff(
        stable_total=stable.total_score,
        optimal_total=optimal.total_score,
        total_ratio=round(ratio, 4),
        stable_matched=stable.mentees_matched,
        optimal_matched=optimal.mentees_matched,
        stable_blocking_pairs=stable.blocking_pairs,
        optimal_blocking_pairs=optimal.blocking_pairs,
    )
