"""Cohorts by matching round: each published round's pairs, followed to today."""

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.utils import timezone

from tandem.insights.health.scope import MIN_GROUP, Chart, Scope, Series, _share
from tandem.matching.models import MatchingRound, RoundPair
from tandem.relationships.models import CheckIn, Relationship

# How long a pair must have been under way to count towards "still active at".
THREE_MONTHS = datetime.timedelta(days=91)
SIX_MONTHS = datetime.timedelta(days=182)
# A cohort chart shows the latest rounds; older ones are in the quarters chart.
MAX_ROUNDS = 12


def _round_of(relationship: str = "") -> Subquery:
    """Return the latest published round that proposed this pair before it formed."""
    prefix = f"{relationship}__" if relationship else ""
    return Subquery(
        RoundPair.objects.filter(
            round__program_id=OuterRef(f"{prefix}program_id"),
            round__status=MatchingRound.Status.PUBLISHED,
            round__published_at__lte=OuterRef(f"{prefix}created_at"),
            mentee_id=OuterRef(f"{prefix}mentee_id"),
            mentor_id=OuterRef(f"{prefix}mentor_id"),
        )
        .order_by("-round__published_at")
        .values("round_id")[:1]
    )


def _active_after(span: datetime.timedelta, now: datetime.datetime) -> tuple[Q, Q]:
    """Return who had started at least `span` ago, and who of them was still going then."""
    old_enough = Q(started_at__lte=now - span)
    lasted = old_enough & (Q(closed_at__isnull=True) | Q(lasted__gt=span))
    return old_enough, lasted


def round_cohorts(scope: Scope) -> Chart:
    rounds = list(
        MatchingRound.objects.filter(
            program_id__in=scope.round_program_ids,
            status=MatchingRound.Status.PUBLISHED,
            published_at__gte=scope.start,
        )
        .order_by("-published_at")
        .annotate(matched=Count("pairs"))
        .values_list("pk", "name", "program__name", "published_at", "matched")[:MAX_ROUNDS]
    )[::-1]
    slot = {pk: i for i, (pk, *_) in enumerate(rounds)}
    n = len(rounds)
    started, old3, active3, old6, active6, early = ([0.0] * n for _ in range(6))
    three, lasted_three = _active_after(THREE_MONTHS, scope.now)
    six, lasted_six = _active_after(SIX_MONTHS, scope.now)
    for round_id, *counts in (
        Relationship.objects.filter(
            program_id__in=scope.round_program_ids,
            origin=Relationship.Origin.PROPOSAL,
            started_at__isnull=False,
            created_at__gte=scope.start,
        )
        .annotate(
            cohort=_round_of(),
            lasted=ExpressionWrapper(F("closed_at") - F("started_at"), DurationField()),
        )
        .filter(cohort__in=list(slot))
        .values_list("cohort")
        .annotate(
            n=Count("id"),
            o3=Count("id", filter=three),
            a3=Count("id", filter=lasted_three),
            o6=Count("id", filter=six),
            a6=Count("id", filter=lasted_six),
            early=Count(
                "id",
                filter=Q(status=Relationship.Status.CLOSED, lasted__lt=SIX_MONTHS)
                & ~Q(close_reason=Relationship.CloseReason.COMPLETED),
            ),
        )
        .values_list("cohort", "n", "o3", "a3", "o6", "a6", "early")
    ):
        i = slot[round_id]
        started[i], old3[i], active3[i], old6[i], active6[i], early[i] = map(float, counts)
    going: list[float | None] = [None] * n
    for round_id, authors, score in (
        CheckIn.objects.filter(relationship__program_id__in=scope.round_program_ids)
        .annotate(cohort=_round_of("relationship"))
        .filter(cohort__in=list(slot))
        .values_list("cohort")
        .annotate(authors=Count("author", distinct=True), score=Avg("going"))
        .values_list("cohort", "authors", "score")
    ):
        # Fewer than five people could be picked out of an average: show nothing.
        if authors >= MIN_GROUP:
            going[slot[round_id]] = score
    several = len({program for _, _, program, _, _ in rounds}) > 1
    return Chart(
        slug="round-cohorts",
        title="Cohorts by matching round",
        summary="Each published round's pairs, followed to today: how many were proposed, "
        "how many started, how many were still meeting 3 and 6 months on, how many closed "
        "early.",
        axis="% of pairs started",
        label_header="Round",
        labels=[
            f"{name} ({program}, {timezone.localtime(published):%d %b %Y})"
            if several
            else f"{name} ({timezone.localtime(published):%d %b %Y})"
            for _, name, program, published, _ in rounds
        ],
        series=[
            Series(
                "Still active at 3 months (%)",
                [_share(a, o) for a, o in zip(active3, old3, strict=True)],
                decimals=1,
            ),
            Series(
                "Still active at 6 months (%)",
                [_share(a, o) for a, o in zip(active6, old6, strict=True)],
                decimals=1,
            ),
            Series(
                "Closed early (%)",
                [_share(e, s) for e, s in zip(early, started, strict=True)],
                decimals=1,
            ),
            Series("Pairs proposed", [float(r[4]) for r in rounds], plotted=False),
            Series("Pairs started", started, plotted=False),
            Series("Mean check-in score (1 to 5)", going, plotted=False, decimals=1),
        ],
        kind="bar",
        note="Still active counts only pairs that started at least 3 (or 6) months ago; "
        "closed early means closed within 6 months for a reason other than completing. "
        f"A round shows a check-in average only when at least {MIN_GROUP} different people "
        "checked in.",
    )
