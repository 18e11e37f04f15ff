"""Whether pairs keep their rhythm: meetings planned, held and called for; check-ins."""

from django.db.models import (
    Avg,
    Count,
    OuterRef,
    Q,
    Subquery,
)

from tandem.insights.health.scope import (
    MIN_GROUP,
    Chart,
    Scope,
    Series,
    _month,
    _open_at,
    _relationships,
    _share,
)
from tandem.programs.models import CADENCE_DAYS
from tandem.relationships.models import (
    Agreement,
    CheckIn,
    Meeting,
    Relationship,
)

# Rhythm ----------------------------------------------------------------------------------


def _cadence() -> Subquery:
    signed = Agreement.objects.filter(
        relationship=OuterRef("pk"),
        mentor_signed_at__isnull=False,
        mentee_signed_at__isnull=False,
    ).order_by("-version")
    return Subquery(signed.values("cadence")[:1])


def meetings(scope: Scope) -> Chart:
    rows = (
        Meeting.objects.filter(
            relationship__program_id__in=scope.program_ids,
            starts_at__gte=scope.start,
            starts_at__lt=scope.now,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(m=_month("starts_at"))
        .values_list("m")
        .annotate(n=Count("id"), held=Count("id", filter=Q(status=Meeting.Status.HELD)))
        .values_list("m", "n", "held")
    )
    planned = [0.0] * len(scope.months)
    held = [0.0] * len(scope.months)
    for moment, n, h in rows:
        index = scope.index_of(moment)
        if index is not None:
            planned[index] += n
            held[index] += h
    # What the agreed rhythms ask for: each pair working at mid-month owes the month's
    # days divided by its cadence; a pair paused now is left out of this month.
    working = (
        _relationships(scope)
        .exclude(status=Relationship.Status.PAUSED, paused_at__lte=scope.now)
        .annotate(cadence=_cadence())
        .filter(cadence__isnull=False)
        .values("cadence")
        .annotate(
            **{
                f"m{i}": Count("id", filter=_open_at(scope.month_middle(i)))
                for i in range(len(scope.months))
            }
        )
    )
    expected = [0.0] * len(scope.months)
    for row in working:
        for i in range(len(scope.months)):
            expected[i] += row[f"m{i}"] * scope.days_in(i) / CADENCE_DAYS[row["cadence"]]
    return Chart(
        slug="meetings",
        title="Meetings planned and held",
        summary="Meetings planned for each month (not cancelled), those marked as held, and "
        "how many the pairs' agreed rhythms called for.",
        axis="meetings",
        label_header="Month",
        labels=scope.labels,
        series=[
            Series("Planned", planned),
            Series("Held", held),
            Series("Called for by the agreed rhythm", expected, decimals=1),
            Series(
                "Rhythm kept (% held of called for)",
                [_share(h, e) for h, e in zip(held, expected, strict=True)],
                plotted=False,
                decimals=1,
            ),
        ],
    )


def checkin_scores(scope: Scope) -> Chart:
    rows = (
        CheckIn.objects.filter(
            relationship__program_id__in=scope.program_ids, created_at__gte=scope.start
        )
        .annotate(m=_month("created_at"))
        .values_list("m")
        .annotate(
            authors=Count("author", distinct=True),
            going=Avg("going"),
            goals=Avg("meeting_goals"),
        )
        .values_list("m", "authors", "going", "goals")
    )
    going: list[float | None] = [None] * len(scope.months)
    goals: list[float | None] = [None] * len(scope.months)
    hidden = 0
    for moment, authors, g, m in rows:
        index = scope.index_of(moment)
        if index is None:
            continue
        # Fewer than five people could be picked out of an average: show nothing.
        if authors < MIN_GROUP:
            hidden += 1
            continue
        going[index], goals[index] = g, m
    return Chart(
        slug="checkins",
        title="Check-in scores",
        summary="Average answers to the private check-ins (1 to 5): how it is going, and "
        "whether it helps with the goals.",
        axis="average score (1 to 5)",
        label_header="Month",
        labels=scope.labels,
        series=[
            Series("How it is going", going, decimals=1),
            Series("Helping with the goals", goals, decimals=1),
        ],
        note=f"A month shows an average only when at least {MIN_GROUP} different people "
        "checked in; months with fewer are left blank.",
    )
