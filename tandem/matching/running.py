"""Run the engine for a round: load from the database, solve, store pairs and the report."""

import logging
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.matching.engine import (
    HierarchyCycleError,
    LockedPairError,
    MatchResult,
    SolverError,
    run_matching,
    tradeoff,
)
from tandem.matching.engine.peers import run_peer_matching
from tandem.matching.loading import load_instance, load_policy
from tandem.matching.models import MatchingRound, RoundPair
from tandem.policy.eligibility import focuses_taken_in
from tandem.programs.models import Enrollment, EnrollmentTopic

logger = logging.getLogger(__name__)

STAGES = {
    "features": 20,
    "candidates": 45,
    "solve": 70,
    "extend": 80,
    "audit": 85,
    "explain": 92,
    "quality": 97,
}


def _progress(round_id: int) -> Any:
    def report(stage: str) -> None:
        MatchingRound.objects.filter(pk=round_id).update(
            progress=STAGES.get(stage, 50), progress_note=f"Done: {stage}"
        )

    return report


def round_run(*, round_id: int) -> str:
    """Run the engine for a round and store what it proposes; return the new status."""
    matching_round = MatchingRound.objects.select_related("program").get(pk=round_id)
    program = matching_round.program
    locked = list(matching_round.pairs.filter(locked=True).values_list("mentee_id", "mentor_id"))
    try:
        instance = load_instance(program)
        policy = load_policy(
            program,
            weights=matching_round.weights,
            rules=matching_round.rules,
            participation_first=matching_round.participation_first,
        )
        if program.is_peer:
            # One set of people: each pair once, each person within their own limit.
            result = run_peer_matching(
                instance,
                policy,
                seed=matching_round.seed,
                locked_pairs=locked,
                progress=_progress(round_id),
            )
        else:
            result = run_matching(
                instance,
                policy,
                solver=matching_round.solver,  # type: ignore[arg-type]
                seed=matching_round.seed,
                locked_pairs=locked,
                progress=_progress(round_id),
            )
    except (LockedPairError, SolverError, HierarchyCycleError, ValueError) as error:
        logger.warning("Matching round %s failed: %s", round_id, error)
        MatchingRound.objects.filter(pk=round_id).update(
            status=MatchingRound.Status.FAILED, error=str(error), finished_at=timezone.now()
        )
        # A queryset update writes no history; the failure belongs in the audit trail.
        MatchingRound.history.bulk_history_create(
            [MatchingRound.objects.get(pk=round_id)], update=True
        )
        return MatchingRound.Status.FAILED
    comparison = None
    if matching_round.solver == MatchingRound.Solver.STABLE and not program.is_peer:
        # Show the admin what stability costs: the same instance solved for the best total.
        optimal = run_matching(
            instance, policy, solver="optimal", seed=matching_round.seed, locked_pairs=locked
        )
        comparison = asdict(tradeoff(result.quality, optimal.quality))
    _store(matching_round, result, comparison)
    return MatchingRound.Status.READY


def _focus_of(mentee: Enrollment, mentor: Enrollment, used: set[int]) -> int | None:
    """Pick the mentee's most important focus the mentor offers, never one already covered."""
    wanted = sorted(
        (
            (t.level, -t.topic_id, t.topic_id)
            for t in mentee.topics.all()
            if t.kind == EnrollmentTopic.Kind.FOCUS
        ),
        reverse=True,
    )
    offered = {t.topic_id for t in mentor.topics.all() if t.kind == EnrollmentTopic.Kind.EXPERTISE}
    if not wanted:
        return None
    free = [topic_id for _, _, topic_id in wanted if topic_id not in used] or [wanted[0][2]]
    topic = next((t for t in free if t in offered), free[0])
    used.add(topic)
    return topic


@transaction.atomic
def _store(
    matching_round: MatchingRound, result: MatchResult, comparison: dict[str, Any] | None
) -> None:
    ids = {p.mentee for p in result.pairs} | {p.mentor for p in result.pairs}
    people = Enrollment.objects.prefetch_related("topics").in_bulk(ids)
    # Each of a mentee's mentors helps with a different focus, counting those she has.
    used = focuses_taken_in(matching_round.program)
    peer = matching_round.program.is_peer
    ordered = sorted(result.pairs, key=lambda p: (not p.locked, -p.score, p.mentee, p.mentor))
    rows = []
    for p in ordered:
        focus = _focus_of(people[p.mentee], people[p.mentor], used.setdefault(p.mentee, set()))
        if focus is None:  # the loader leaves out people without a focus
            raise ValueError(f"Enrollment {p.mentee} has no focus to be matched on.")
        rows.append(
            RoundPair(
                round=matching_round,
                mentee_id=p.mentee,
                mentor_id=p.mentor,
                focus_id=focus,
                # Peers each bring a focus: the second one's, offered by the first.
                peer_focus_id=_focus_of(people[p.mentor], people[p.mentee], set())
                if peer
                else None,
                score=round(p.score, 4),
                components={k: round(v, 3) for k, v in p.components.items() if k != "attributes"},
                # Admins review these and both people read them: a shared self-described
                # attribute is for the mentee who asked, in the directory, not for a round.
                reasons=[r.text for r in p.reasons if r.component != "attributes"],
                locked=p.locked,
            )
        )
    matching_round.pairs.all().delete()
    RoundPair.objects.bulk_create(rows)
    report = result.quality.to_dict()
    report["unmatched"] = [
        {
            "mentee": u.mentee,
            "wanted": u.wanted,
            "matched": u.matched,
            "code": u.code,
            "reasons": list(u.reasons),
        }
        for u in result.unmatched
    ]
    report["timings"] = dict(result.timings)
    report["tradeoff"] = comparison
    matching_round.report = report
    matching_round.status = MatchingRound.Status.READY
    matching_round.progress = 100
    matching_round.progress_note = "Ready for review"
    matching_round.finished_at = timezone.now()
    matching_round.save()
