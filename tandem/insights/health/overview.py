"""Every chart of the health page, and the one table of an organization's programs."""

from collections.abc import Callable, Sequence

from django.db.models import (
    Count,
    Q,
)

from tandem.insights.health.endings import closure_reasons, cohorts, pauses_and_closures, rematches
from tandem.insights.health.matching import (
    _median,
    acceptance,
    agreement_times,
    enrolment,
    match_rate,
    time_to_match,
)
from tandem.insights.health.rhythm import checkin_scores, meetings
from tandem.insights.health.rounds import round_cohorts
from tandem.insights.health.scope import Chart, Scope, Series, _open_at, _relationships, _share
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import (
    Meeting,
)

CHARTS: dict[str, Callable[[Scope], Chart]] = {
    "enrolment": enrolment,
    "match-rate": match_rate,
    "time-to-match": time_to_match,
    "acceptance": acceptance,
    "meetings": meetings,
    "checkins": checkin_scores,
    "pauses-closures": pauses_and_closures,
    "closure-reasons": closure_reasons,
    "rematches": rematches,
    "cohorts": cohorts,
    "round-cohorts": round_cohorts,
}


def health_charts(scope: Scope) -> list[Chart]:
    """Return every chart of the health page for this scope.

    Programs that run matching rounds compare each round's pairs as well as each quarter's;
    for programs where mentees choose, a round means nothing and the chart is left out.
    """
    return [
        build(scope)
        for slug, build in CHARTS.items()
        if slug != "round-cohorts" or scope.round_program_ids
    ]


def program_table(scope: Scope, programs: Sequence[Program]) -> Chart:
    """Return one row per program: who takes part, who is matched, and how pairs fare."""
    enrollments = {
        row["program_id"]: row
        for row in Enrollment.objects.filter(
            program_id__in=scope.program_ids, status=Enrollment.Status.ACTIVE
        )
        .values("program_id")
        .annotate(n=Count("id"), seeking=Count("id", filter=Q(is_mentee=True) | Q(is_peer=True)))
    }
    pairs = {
        row["program_id"]: row
        for row in _relationships(scope)
        .values("program_id")
        .annotate(
            open=Count("id", filter=_open_at(scope.now)),
            matched=Count("mentee", distinct=True, filter=_open_at(scope.now)),
            peers=Count("mentor", distinct=True, filter=_open_at(scope.now)),
            closed=Count("id", filter=Q(closed_at__gte=scope.start)),
        )
    }
    held = dict(
        Meeting.objects.filter(
            relationship__program_id__in=scope.program_ids,
            status=Meeting.Status.HELD,
            starts_at__gte=scope.start,
        )
        .values_list("relationship__program_id")
        .annotate(n=Count("id"))
        .values_list("relationship__program_id", "n")
    )
    waits: dict[int, list[float]] = {}
    for program_id, _, days in agreement_times(scope):
        waits.setdefault(program_id, []).append(days)
    labels: list[str] = []
    columns: list[list[float | None]] = [[] for _ in range(7)]
    for program in programs:
        people = enrollments.get(program.pk, {})
        pair = pairs.get(program.pk, {})
        seeking = people.get("seeking", 0)
        matched = pair.get("matched", 0)
        if program.format == Program.Format.PEER:
            matched += pair.get("peers", 0)
        matched = min(matched, seeking)
        labels.append(program.name)
        for column, value in zip(
            columns,
            (
                people.get("n", 0),
                seeking,
                _share(matched, seeking),
                pair.get("open", 0),
                _median(waits.get(program.pk, [])),
                held.get(program.pk, 0),
                pair.get("closed", 0),
            ),
            strict=True,
        ):
            column.append(None if value is None else float(value))
    names = (
        ("Taking part", 0),
        ("Seeking", 0),
        ("Matched now (%)", 1),
        ("Open pairs", 0),
        ("Median days to agreement", 1),
        ("Meetings held", 0),
        ("Closed", 0),
    )
    return Chart(
        slug="programs",
        title="Programs",
        summary="Each program today, and over the period shown.",
        axis="",
        label_header="Program",
        labels=labels,
        series=[
            Series(name, column, plotted=False, decimals=decimals)
            for (name, decimals), column in zip(names, columns, strict=True)
        ],
        kind="table",
    )
