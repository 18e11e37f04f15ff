"""Run the engine for a round: load from the database, solve, store pairs and the report."""

import logging
import time
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.core.bulk import rows_insert
from tandem.matching.circle_rounds import circle_round_run
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
from tandem.programs.models import EnrollmentTopic, Program
from tandem.webhooks.models import Endpoint
from tandem.webhooks.services import event_emit

logger = logging.getLogger(__name__)

# What the round page's progress card shows as each step ends: (percent, note). The
# engine names its stages (Stages.lap in tandem.matching.engine); "loaded", "comparing"
# (a stable round's second solve) and "storing" are this module's steps around it.
STAGES = {
    "loaded": (10, "Matching: describing everyone"),
    "features": (20, "Matching: finding each person's best candidates"),
    "candidates": (45, "Matching: choosing the pairs"),
    "solve": (70, "Matching: checking every rule"),
    "audit": (80, "Matching: writing the reasons"),
    "explanations": (90, "Matching: measuring the round's quality"),
    "quality": (93, "Matching: done"),
    "comparing": (94, "Comparing with the best-total matching"),
    "storing": (95, "Storing the pairs"),
}


def _progress(round_id: int) -> Any:
    def report(stage: str) -> None:
        percent, note = STAGES.get(stage, (50, "Matching"))
        MatchingRound.objects.filter(pk=round_id).update(progress=percent, progress_note=note)

    return report


def round_run(*, round_id: int) -> str:
    """Run the engine for a round and store what it proposes; return the new status."""
    matching_round = MatchingRound.objects.select_related("program").get(pk=round_id)
    program = matching_round.program
    if program.format == Program.Format.CIRCLES:
        # Groups of the program's sizes rather than pairs: the circle grouping engine.
        return circle_round_run(matching_round)
    locked = list(matching_round.pairs.filter(locked=True).values_list("mentee_id", "mentor_id"))
    progress = _progress(round_id)
    clock = time.perf_counter()
    try:
        instance = load_instance(program)
        policy = load_policy(
            program,
            weights=matching_round.weights,
            rules=matching_round.rules,
            participation_first=matching_round.participation_first,
        )
        loaded = time.perf_counter() - clock
        progress("loaded")
        if program.is_peer:
            # One set of people: each pair once, each person within their own limit.
            result = run_peer_matching(
                instance,
                policy,
                seed=matching_round.seed,
                locked_pairs=locked,
                progress=progress,
            )
        else:
            result = run_matching(
                instance,
                policy,
                solver=matching_round.solver,  # type: ignore[arg-type]
                seed=matching_round.seed,
                locked_pairs=locked,
                progress=progress,
            )
    except (LockedPairError, SolverError, HierarchyCycleError, ValueError) as error:
        logger.warning("Matching round %s failed: %s", round_id, error)
        return round_failed(round_id, str(error))
    comparison = None
    if matching_round.solver == MatchingRound.Solver.STABLE and not program.is_peer:
        # Show the admin what stability costs: the same instance solved for the best total.
        progress("comparing")
        optimal = run_matching(
            instance, policy, solver="optimal", seed=matching_round.seed, locked_pairs=locked
        )
        comparison = asdict(tradeoff(result.quality, optimal.quality))
    progress("storing")
    _store(matching_round, result, comparison, loaded=loaded)
    return MatchingRound.Status.READY


def round_failed(round_id: int, error: str) -> str:
    """Mark a round failed with the engine's words for the admin; return the new status."""
    MatchingRound.objects.filter(pk=round_id).update(
        status=MatchingRound.Status.FAILED, error=error, finished_at=timezone.now()
    )
    # A queryset update writes no history; the failure belongs in the audit trail.
    failed = MatchingRound.objects.select_related("program").get(pk=round_id)
    MatchingRound.history.bulk_history_create([failed], update=True)
    finished_emit(failed, organization_id=failed.program.organization_id, pairs=0)
    return MatchingRound.Status.FAILED


def finished_emit(matching_round: MatchingRound, *, organization_id: int, pairs: int) -> None:
    # The outcome and its size; not the engine's error, which may name people.
    event_emit(
        organization_id=organization_id,
        kind=Endpoint.Event.ROUND_FINISHED,
        data={
            "round": {
                "id": matching_round.pk,
                "program_id": matching_round.program_id,
                "status": matching_round.status,
                "pairs": pairs,
                "finished_at": matching_round.finished_at,
            }
        },
    )


def _focus_of(wanted: list[tuple[int, int]], offered: set[int], used: set[int]) -> int | None:
    """Pick the mentee's most important focus the mentor offers, never one already covered.

    ``wanted`` is the mentee's focuses as (level, topic id), ``offered`` the mentor's
    expertise topic ids.
    """
    ranked = sorted(((level, -topic, topic) for level, topic in wanted), reverse=True)
    if not ranked:
        return None
    free = [topic for _, _, topic in ranked if topic not in used] or [ranked[0][2]]
    topic = next((t for t in free if t in offered), free[0])
    used.add(topic)
    return topic


def _topics(
    program_id: int, ids: set[int]
) -> tuple[dict[int, list[tuple[int, int]]], dict[int, set[int]]]:
    """Return each enrollment's focuses as (level, topic id) and its expertise topic ids."""
    focus: dict[int, list[tuple[int, int]]] = {}
    expertise: dict[int, set[int]] = {}
    rows = EnrollmentTopic.objects.filter(enrollment__program_id=program_id).order_by()
    for enrollment, topic, level, kind in rows.values_list(
        "enrollment_id", "topic_id", "level", "kind"
    ):
        if enrollment not in ids:
            continue
        if kind == EnrollmentTopic.Kind.FOCUS:
            focus.setdefault(enrollment, []).append((level, topic))
        else:
            expertise.setdefault(enrollment, set()).add(topic)
    return focus, expertise


@transaction.atomic
def _store(
    matching_round: MatchingRound,
    result: MatchResult,
    comparison: dict[str, Any] | None,
    *,
    loaded: float,
) -> None:
    clock = time.perf_counter()
    ids = {p.mentee for p in result.pairs} | {p.mentor for p in result.pairs}
    focus, expertise = _topics(matching_round.program_id, ids)
    # Each of a mentee's mentors helps with a different focus, counting those she has.
    used = focuses_taken_in(matching_round.program)
    peer = matching_round.program.is_peer
    ordered = sorted(result.pairs, key=lambda p: (not p.locked, -p.score, p.mentee, p.mentor))
    rows = []
    for p in ordered:
        chosen = _focus_of(
            focus.get(p.mentee, []),
            expertise.get(p.mentor, set()),
            used.setdefault(p.mentee, set()),
        )
        if chosen is None:  # the loader leaves out people without a focus
            raise ValueError(f"Enrollment {p.mentee} has no focus to be matched on.")
        rows.append(
            {
                "round_id": matching_round.pk,
                "mentee_id": p.mentee,
                "mentor_id": p.mentor,
                "focus_id": chosen,
                # Peers each bring a focus: the second one's, offered by the first.
                "peer_focus_id": _focus_of(
                    focus.get(p.mentor, []), expertise.get(p.mentee, set()), set()
                )
                if peer
                else None,
                "score": round(p.score, 4),
                "components": {
                    k: round(v, 3) for k, v in p.components.items() if k != "attributes"
                },
                # Admins review these and both people read them: a shared self-described
                # attribute is for the mentee who asked, in the directory, not for a round.
                "reasons": [r.text for r in p.reasons if r.component != "attributes"],
                "locked": p.locked,
            }
        )
    matching_round.pairs.all().delete()
    # Plain rows: building and preparing 15,000 model instances cost seconds.
    rows_insert(RoundPair, rows)
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
    report["timings"] = {
        "load": round(loaded, 4),
        **result.timings,
        "store": round(time.perf_counter() - clock, 4),
    }
    report["tradeoff"] = comparison
    # How the solver got there: for peers, whether the total is proved within the
    # program's tolerance of the best possible, and how close (millionths).
    report["solver"] = {key: float(value) for key, value in result.stats.items()}
    matching_round.report = report
    matching_round.status = MatchingRound.Status.READY
    matching_round.progress = 100
    matching_round.progress_note = "Ready for review"
    matching_round.finished_at = timezone.now()
    matching_round.save()
    # In the same transaction as the pairs: an event for a round that is stored, once.
    finished_emit(
        matching_round, organization_id=matching_round.program.organization_id, pairs=len(rows)
    )
