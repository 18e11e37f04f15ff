"""Reads for the round pages: what an admin reviews before publishing."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Enrollment, Program

SORTS = {
    "score": "-score",
    "mentee": "mentee__user__full_name",
    "mentor": "mentor__user__full_name",
    "focus": "focus__name",
}
# The swap list is a convenience; the service checks the chosen mentor against the policy.
SWAP_LIST_LIMIT = 500


def rounds_of(program: Program) -> QuerySet[MatchingRound]:
    return MatchingRound.objects.filter(program=program)[:30]


@dataclass(frozen=True)
class RoundReview:
    pairs: QuerySet[RoundPair]
    report: dict[str, Any]
    unmatched: list[dict[str, Any]]
    swap_candidates: list[Enrollment]


def _givers(program: Program) -> QuerySet[Enrollment]:
    role = {"is_peer": True} if program.is_peer else {"is_mentor": True}
    return (
        Enrollment.objects.filter(
            program=program,
            status=Enrollment.Status.ACTIVE,
            accepting_now=True,
            profile_completed_at__isnull=False,
            **role,
        )
        .select_related("user")
        .order_by("user__full_name")
    )


def round_review(*, matching_round: MatchingRound, sort: str) -> RoundReview:
    """Return a round's pairs in the admin's order, who was left out and whom to swap in."""
    pairs = matching_round.pairs.select_related(
        "mentee__user",
        "mentor__user",
        "focus",
        "peer_focus",
        "mentee__membership__department",
        "mentor__membership__department",
    ).order_by(SORTS.get(sort, "-score"), "pk")
    report = matching_round.report or {}
    unmatched = report.get("unmatched", [])
    names = dict(
        Enrollment.objects.filter(pk__in=[u["mentee"] for u in unmatched]).values_list(
            "pk", "user__full_name"
        )
    )
    return RoundReview(
        pairs=pairs,
        report=report,
        unmatched=[{**u, "name": names.get(u["mentee"], "?")} for u in unmatched],
        swap_candidates=list(_givers(matching_round.program)[:SWAP_LIST_LIMIT]),
    )


def swap_candidate(*, matching_round: MatchingRound, enrollment_id: int) -> Enrollment | None:
    """Return the chosen person if they take part in the round's program."""
    return (
        Enrollment.objects.filter(program=matching_round.program, pk=enrollment_id)
        .select_related("user", "program")
        .first()
    )
