"""The engine's entry point: one call from an instance and a policy to explained proposals."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from tandem.matching.engine.audit import audit_matching
from tandem.matching.engine.candidates import Candidates, generate_candidates
from tandem.matching.engine.explain import Reason, Shortfall, pair_reasons, unmatched_reasons
from tandem.matching.engine.features import Features, build_features, exclusion_lists
from tandem.matching.engine.instance import COMPONENTS, Instance, Policy
from tandem.matching.engine.pairs import RULES
from tandem.matching.engine.quality import QualityReport, build_report
from tandem.matching.engine.scoring import rule_exclusions, score_pairs
from tandem.matching.engine.solve_optimal import solve_optimal
from tandem.matching.engine.solve_stable import solve_stable
from tandem.matching.engine.stages import Stages

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Solver = Literal["optimal", "stable"]


class LockedPairError(ValueError):
    """A locked pair names someone unknown, breaks a hard rule or overfills someone."""


@dataclass(frozen=True, slots=True)
class ProposedPair:
    """A proposed (or locked) pair with its score, components and reasons."""

    mentee: int
    mentor: int
    score: float
    # Raw component values in [0, 1], by name.
    components: Mapping[str, float]
    reasons: tuple[Reason, ...]
    locked: bool = False


@dataclass(frozen=True, slots=True)
class UnmatchedMentee:
    """A mentee who got fewer mentors than wanted, and why."""

    mentee: int
    wanted: int
    matched: int
    code: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Everything one run produced; mentees and mentors are named by their keys."""

    solver: Solver
    seed: int
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[UnmatchedMentee, ...]
    quality: QualityReport
    # Seconds per stage, and counts describing the search (arcs, extension rounds).
    timings: Mapping[str, float]
    stats: Mapping[str, int]


def _locked_indexes(
    features: Features, locked: Iterable[tuple[int, int]], banned: set[tuple[int, int]]
) -> tuple[I64, I64]:
    pairs = sorted(set(locked))
    for mentee, mentor in pairs:
        if mentee not in features.mentee_index or mentor not in features.mentor_index:
            raise LockedPairError(f"Locked pair ({mentee}, {mentor}) names someone not in the run.")
        if (mentee, mentor) in banned:
            raise LockedPairError(f"Locked pair ({mentee}, {mentor}) is excluded from matching.")
    mi = np.array([features.mentee_index[m] for m, _ in pairs], np.int64)
    ri = np.array([features.mentor_index[r] for _, r in pairs], np.int64)
    return mi, ri


def _check_locked(features: Features, mi: I64, ri: I64, broken: I64) -> None:
    a = features.arrays
    for i in np.flatnonzero(broken >= 0):
        mentee, mentor = features.mentees[mi[i]].key, features.mentors[ri[i]].key
        rule = RULES[broken[i]].replace("_", " ")
        raise LockedPairError(f"Locked pair ({mentee}, {mentor}) breaks the {rule} rule.")
    over_mr = np.flatnonzero(np.bincount(ri, minlength=a.capacity.shape[0]) > a.capacity)
    over_me = np.flatnonzero(np.bincount(mi, minlength=a.wanted.shape[0]) > a.wanted)
    if over_mr.size:
        raise LockedPairError(
            f"Locked pairs exceed the capacity of mentor {features.mentors[over_mr[0]].key}."
        )
    if over_me.size:
        raise LockedPairError(
            f"Locked pairs exceed what mentee {features.mentees[over_me[0]].key} wants."
        )


def _without_locked(features: Features, mi: I64, ri: I64, extra: set[tuple[int, int]]) -> Features:
    """Return features for solving around locked pairs: places taken, pairs not repeated."""
    a = features.arrays
    keys = {(features.mentees[m].key, features.mentors[r].key) for m, r in zip(mi, ri, strict=True)}
    ex_ptr, ex_idx = exclusion_lists(features, extra | keys)
    arrays = a._replace(
        capacity=a.capacity - np.bincount(ri, minlength=a.capacity.shape[0]),
        wanted=a.wanted - np.bincount(mi, minlength=a.wanted.shape[0]),
        ex_ptr=ex_ptr,
        ex_idx=ex_idx,
    )
    return replace(features, arrays=arrays)


def _shortfalls(
    features: Features, solving: Features, candidates: Candidates, got: I64, with_room: I64
) -> list[Shortfall]:
    a = features.arrays
    short = np.flatnonzero(got < a.wanted)
    no_eligible = short[(candidates.mentee_n[short] == 0) & (got[short] == 0)]
    totals, sole = rule_exclusions(solving.arrays, no_eligible)
    by_mentee = {int(m): i for i, m in enumerate(no_eligible)}
    out = []
    for m in short.tolist():
        i = by_mentee.get(m)
        out.append(
            Shortfall(
                mentee=m,
                has_eligible=i is None,
                with_room=int(with_room[m]),
                rule_totals=None if i is None else totals[i].tolist(),
                rule_sole=None if i is None else sole[i].tolist(),
            )
        )
    return out


def _unmatched(
    features: Features, shortfalls: list[Shortfall], got: I64, solver: Solver
) -> tuple[UnmatchedMentee, ...]:
    offered = {t for r in features.mentors for t in r.expertise}
    out = []
    for shortfall in shortfalls:
        mentee = features.mentees[shortfall.mentee]
        uncovered = sorted(t for t in mentee.focus if t not in offered)
        code, reasons = unmatched_reasons(features, shortfall, uncovered, solver)
        out.append(
            UnmatchedMentee(
                mentee=mentee.key,
                wanted=mentee.mentors_wanted,
                matched=int(got[shortfall.mentee]),
                code=code,
                reasons=reasons,
            )
        )
    return tuple(out)


def _pairs(
    features: Features, mi: I64, ri: I64, locked: npt.NDArray[np.bool_]
) -> tuple[tuple[ProposedPair, ...], F64]:
    """Score and explain the final pairs; return them with their scores."""
    scored = score_pairs(features, mi, ri)
    reasons = pair_reasons(features, mi, ri, scored.parts)
    parts = np.round(scored.parts, 4).tolist()
    pairs = tuple(
        ProposedPair(
            mentee=features.mentees[mi[i]].key,
            mentor=features.mentors[ri[i]].key,
            score=round(float(scored.score[i]), 6),
            components=dict(zip(COMPONENTS, parts[i], strict=True)),
            reasons=reasons[i],
            locked=bool(locked[i]),
        )
        for i in range(mi.shape[0])
    )
    return pairs, scored.score


def run_matching(
    instance: Instance,
    policy: Policy | None = None,
    *,
    solver: Solver = "optimal",
    seed: int = 0,
    locked_pairs: Iterable[tuple[int, int]] = (),
    excluded_pairs: Iterable[tuple[int, int]] = (),
    progress: Callable[[str], None] | None = None,
) -> MatchResult:
    """Match mentees with mentors: candidates, solver, explanations and a quality report.

    ``locked_pairs`` and ``excluded_pairs`` are (mentee key, mentor key): locked pairs are
    kept as they are and the rest is solved around them; excluded pairs are never
    proposed. The same inputs and seed always give the same result.
    """
    policy = policy or Policy()
    stages = Stages(progress)
    lap = stages.lap

    excluded = set(excluded_pairs)
    features = build_features(instance, policy, seed=seed, excluded_pairs=excluded)
    # A locked pair against the mentee's asks is refused below, as an excluded pair.
    banned = excluded | set(policy.rules.do_not_match) | set(policy.rules.failed_pairs)
    lock_mi, lock_ri = _locked_indexes(features, locked_pairs, banned)
    _check_locked(features, lock_mi, lock_ri, score_pairs(features, lock_mi, lock_ri).broken)
    solving = _without_locked(features, lock_mi, lock_ri, excluded)
    lap("features")
    candidates = generate_candidates(
        solving, policy.candidates_per_mentee, policy.candidates_per_mentor
    )
    lap("candidates")
    stats = {"candidate_pairs": int(candidates.mentee_n.sum() + candidates.mentor_n.sum())}
    if solver == "optimal":
        optimal = solve_optimal(solving, candidates, participation_first=policy.participation_first)
        mi, ri, s = optimal.mentee, optimal.mentor, optimal.score
        stats |= {"flow_arcs": optimal.arcs, "flow_rounds": optimal.rounds}
    elif solver == "stable":
        stable = solve_stable(solving, candidates)
        mi, ri, s = stable.mentee, stable.mentor, stable.score
        stats |= {
            "extension_rounds": stable.extension_rounds,
            "extended_mentees": stable.extended_mentees,
        }
    else:
        raise ValueError(f"Unknown solver {solver!r}: use 'optimal' or 'stable'.")
    lap("solve")
    audit = audit_matching(solving, mi, ri, s)
    lap("audit")
    all_mi = np.concatenate([lock_mi, mi])
    all_ri = np.concatenate([lock_ri, ri])
    is_locked = np.arange(all_mi.shape[0]) < lock_mi.shape[0]
    order = np.lexsort((all_ri, all_mi))
    pairs, scores = _pairs(features, all_mi[order], all_ri[order], is_locked[order])
    got = np.bincount(all_mi, minlength=features.n_mentees)
    shortfalls = _shortfalls(features, solving, candidates, got, audit.with_room)
    unmatched = _unmatched(features, shortfalls, got, solver)
    lap("explanations")
    quality = build_report(
        mentee_idx=all_mi[order],
        mentor_idx=all_ri[order],
        scores=scores,
        locked=int(lock_mi.shape[0]),
        wanted=features.arrays.wanted,
        capacity=features.arrays.capacity,
        departments=[m.department for m in features.mentees],
        groups=[m.groups for m in features.mentees],
        blocking_pairs=audit.blocking_pairs,
        unmatched_codes=(u.code for u in unmatched),
    )
    lap("quality")
    return MatchResult(
        solver=solver,
        seed=seed,
        pairs=pairs,
        unmatched=unmatched,
        quality=quality,
        timings=stages.timings,
        stats=stats,
    )
