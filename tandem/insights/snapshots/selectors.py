"""Read stored insights in the shapes the pages and downloads show."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from tandem.insights.health import Chart, Series
from tandem.insights.impact.formats import HelpFigures, help_figures_of
from tandem.insights.impact.interviews import InterviewFigures
from tandem.insights.impact.selectors import TOP_N, Bucket, Figures
from tandem.insights.models import MentorFigures, OrganizationSnapshot, Snapshot

# Each order the impact table offers, as the columns its index holds.
ORDERS = {
    "name": ("name_key", "id"),
    "hours": ("-minutes_given", "name_key", "id"),
    "people": ("-people_helped", "name_key", "id"),
    "commitments": ("-commitments_completed", "name_key", "id"),
}


@dataclass(frozen=True)
class StoredRow:
    """One fairness row as it was shown: a hidden figure is None."""

    dimension: str
    group: str
    shown: bool
    people: int | None
    matched: int | None
    match_rate: float | None
    median_days: float | None
    other_department_share: float | None
    other_level_share: float | None
    flags: list[str] = field(default_factory=list)


@dataclass
class StoredTable:
    window: str
    source: str
    total: StoredRow
    rows: list[StoredRow]
    cohorts: list[StoredRow]

    @property
    def flagged(self) -> list[StoredRow]:
        return [row for row in self.rows if row.flags]


def _row(values: dict[str, Any]) -> StoredRow:
    return StoredRow(**values)


def stored_fairness(*, snapshot: Snapshot, window: str, source: str) -> StoredTable | None:
    """Return the stored table of one period and source, or None before the first computation."""
    view = snapshot.fairness.get(f"{window}:{source}")
    if view is None:
        return None
    return StoredTable(
        window=window,
        source=source,
        total=_row(view["total"]),
        rows=[_row(row) for row in view["rows"]],
        cohorts=[_row(row) for row in view["cohorts"]],
    )


@dataclass
class StoredImpact:
    total: Figures
    mentors: int
    people_distribution: list[Bucket]
    hours_distribution: list[Bucket]
    median_hours: float
    top_by_hours: list[MentorFigures]
    top_by_people: list[MentorFigures]
    # Informational interviews, all hosts together; zeros in a snapshot older than them.
    interviews: InterviewFigures = field(default_factory=InterviewFigures)


def stored_impact(*, snapshot: Snapshot) -> StoredImpact:
    """Return the stored totals and distributions, and the top mentors read by index."""
    impact = snapshot.impact
    rows = snapshot.mentor_rows.all()
    return StoredImpact(
        total=Figures(**impact.get("total", {})),
        mentors=snapshot.mentors,
        people_distribution=[Bucket(**b) for b in impact.get("people_distribution", [])],
        hours_distribution=[Bucket(**b) for b in impact.get("hours_distribution", [])],
        median_hours=impact.get("median_hours", 0.0),
        top_by_hours=list(rows.filter(minutes_given__gt=0).order_by(*ORDERS["hours"])[:TOP_N]),
        top_by_people=list(rows.filter(people_helped__gt=0).order_by(*ORDERS["people"])[:TOP_N]),
        interviews=InterviewFigures(**impact.get("interviews", {})),
    )


def stored_mentor_rows(*, snapshot: Snapshot, sort: str) -> QuerySet[MentorFigures]:
    """Return the stored mentors in the order asked for, for the database to page."""
    return snapshot.mentor_rows.order_by(*ORDERS.get(sort, ORDERS["hours"]))


def figures_of(row: MentorFigures) -> Figures:
    return Figures(
        people_helped=row.people_helped,
        meetings_held=row.meetings_held,
        minutes_given=row.minutes_given,
        commitments_completed=row.commitments_completed,
        requests_answered=row.requests_answered,
        requests_became_mentoring=row.requests_became_mentoring,
    )


def chart_of(values: dict[str, Any]) -> Chart:
    """Return a stored chart as it was shown, hidden cells still None."""
    return Chart(**{**values, "series": [Series(**series) for series in values["series"]]})


def stored_health(*, snapshot: Snapshot, months: int) -> list[Chart] | None:
    """Return the stored health charts of one period, or None before they were computed."""
    view = snapshot.health.get(str(months))
    if view is None:
        return None
    return [chart_of(chart) for chart in view["charts"]]


@dataclass
class StoredOrganizationHealth:
    table: Chart
    charts: list[Chart]


def stored_organization_health(
    *, snapshot: OrganizationSnapshot, months: int
) -> StoredOrganizationHealth | None:
    """Return an organization's stored table of programs and charts of one period."""
    view = snapshot.health.get(str(months))
    if view is None:
        return None
    return StoredOrganizationHealth(
        table=chart_of(view["table"]), charts=[chart_of(chart) for chart in view["charts"]]
    )


def stored_help_figures(*, snapshot: Snapshot | OrganizationSnapshot) -> HelpFigures | None:
    """Return the stored figures of every format, or None before they were first computed."""
    return help_figures_of(snapshot.figures)
