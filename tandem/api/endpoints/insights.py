"""A program's insights pages for its admins: health, stalled pairs, fairness, mentor impact.

Each endpoint calls the selector its page calls, with the page's defaults, and returns what
the page shows: a figure the page hides (fewer than five people behind it) is null here.
Health, fairness and impact read the program's stored figures, as their pages do; until a
big program's first computation is done they answer 202 with Retry-After.
Reaching a program goes through the same access helper as the pages, so anyone but its
admins (or a service token of its organization) is told it does not exist.
"""

import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from tandem.api.auth import caller_of
from tandem.api.endpoints.ids import RowId
from tandem.api.endpoints.scope import check_within
from tandem.api.errors import error_responses
from tandem.api.idempotency import idempotent
from tandem.api.pagination import PageIn
from tandem.api.schemas import InSchema
from tandem.insights.fairness import selectors as fairness
from tandem.insights.health import DEFAULT_PERIOD, MIN_GROUP, PERIODS, Chart
from tandem.insights.impact import selectors as impact
from tandem.insights.impact.formats import HelpFigures
from tandem.insights.impact.interviews import InterviewFigures
from tandem.insights.models import Snapshot
from tandem.insights.snapshots.selectors import (
    StoredRow,
    figures_of,
    stored_fairness,
    stored_health,
    stored_help_figures,
    stored_impact,
    stored_mentor_rows,
)
from tandem.insights.snapshots.services import snapshot_for_page, snapshot_request
from tandem.insights.stalled import selectors as stalled
from tandem.policy.access import program_get_for_admin
from tandem.programs.models import Program

router = Router(tags=["admin: rounds, import, insights"])

READ_ERRORS = error_responses(401, 403, 404, 422, 429)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422, 429)
# How long a caller waits before asking again for figures still being computed.
RETRY_AFTER_SECONDS = 30


class SnapshotOut(Schema):
    """The state of a program's stored figures."""

    program_id: int
    ready: bool = Field(description="Whether figures have been computed at least once.")
    computed_at: datetime.datetime | None = Field(
        description="When the figures the pages and this API show were computed."
    )
    computing: bool = Field(description="Whether a new computation is asked for and not done.")
    requested_at: datetime.datetime | None

    @staticmethod
    def of(snapshot: Snapshot) -> "SnapshotOut":
        return SnapshotOut(
            program_id=snapshot.program_id,
            ready=snapshot.computed_at is not None,
            computed_at=snapshot.computed_at,
            computing=snapshot.pending,
            requested_at=snapshot.requested_at,
        )


class ComputingOut(Schema):
    """Figures not computed yet: ask again after Retry-After seconds."""

    detail: str
    snapshot: SnapshotOut
    retry_after: int = Field(description="Seconds to wait, as in the Retry-After header.")


def _computing(response: HttpResponse, snapshot: Snapshot) -> Status[ComputingOut]:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return Status(
        202,
        ComputingOut(
            detail="The program's figures are being computed; ask again shortly.",
            snapshot=SnapshotOut.of(snapshot),
            retry_after=RETRY_AFTER_SECONDS,
        ),
    )


def _program(request: HttpRequest, program_id: int) -> Program:
    caller = caller_of(request)
    program = program_get_for_admin(user=caller.user, program_id=program_id)
    check_within(caller, program.organization_id, "No such program.")
    return program


# Health.


class HealthIn(InSchema):
    months: int = Field(
        DEFAULT_PERIOD,
        description="The last 6, 12 or 24 months.",
        json_schema_extra={"enum": list(PERIODS)},
    )

    @field_validator("months")
    @classmethod
    def _offered(cls, value: int) -> int:
        if value not in PERIODS:
            raise ValueError(f"Choose one of {', '.join(str(p) for p in PERIODS)} months.")
        return value


class SeriesOut(Schema):
    name: str
    values: list[float | None] = Field(
        description="One value per label; null where the page leaves the cell blank."
    )
    plotted: bool = Field(description="Whether the page draws it, or only lists it.")


class ChartOut(Schema):
    slug: str
    title: str
    summary: str
    axis: str
    label_header: str
    labels: list[str]
    series: list[SeriesOut]
    kind: str = Field(description="How the page draws it: line, bar or hbar.")
    note: str

    @staticmethod
    def of(chart: Chart) -> "ChartOut":
        return ChartOut(
            slug=chart.slug,
            title=chart.title,
            summary=chart.summary,
            axis=chart.axis,
            label_header=chart.label_header,
            labels=list(chart.labels),
            series=[
                SeriesOut(name=s.name, values=list(s.values), plotted=s.plotted)
                for s in chart.series
            ],
            kind=chart.kind,
            note=chart.note,
        )


class HelpFiguresOut(Schema):
    """What every format of the program gave since the start; null where a figure is hidden."""

    hours_given: float | None = Field(
        description="Held meetings and coaching sessions, held informational interviews and "
        "held circle sessions, to a tenth of an hour; hidden with the people helped."
    )
    people_helped: int | None = Field(
        description="Distinct people helped: mentees and clients with a held meeting, both "
        "peers of a peer pair, askers of a held interview, askers an introduction connected; "
        "hidden when fewer than min_group and not none."
    )
    became_mentoring: int | None = Field(
        description="Interviews after which a relationship started, and introductions that "
        "led to an interview or an accepted mentoring request."
    )
    coaching_engagements: int | None
    coaching_hours_used: float | None = Field(
        description="Held coaching sessions' hours; hidden below min_group engagements."
    )
    coaching_hours_contracted: float | None

    @staticmethod
    def of(figures: HelpFigures) -> "HelpFiguresOut":
        return HelpFiguresOut(
            hours_given=figures.hours_given,
            people_helped=figures.people_helped,
            became_mentoring=figures.became_mentoring,
            coaching_engagements=figures.coaching_engagements,
            coaching_hours_used=figures.coaching_hours_used,
            coaching_hours_contracted=figures.coaching_hours_contracted,
        )


class HealthOut(Schema):
    program_id: int
    computed_at: datetime.datetime = Field(description="When these stored figures were computed.")
    months: int
    min_group: int = Field(description="No figure stands for fewer people than this.")
    charts: list[ChartOut]
    figures: HelpFiguresOut | None = Field(
        None, description="Every format's figures; null in figures computed before them."
    )


@router.get(
    "/programs/{program_id}/insights/health",
    response={200: HealthOut, 202: ComputingOut, **READ_ERRORS},
)
def program_health(
    request: HttpRequest, response: HttpResponse, program_id: RowId, query: Query[HealthIn]
) -> HealthOut | Status[ComputingOut]:
    """Return the program health page's charts as tables, from the program's stored figures:
    every series, month by month."""
    program = _program(request, program_id)
    snapshot = snapshot_for_page(program=program, reads="health")
    charts = stored_health(snapshot=snapshot, months=query.months)
    if charts is None or snapshot.computed_at is None:
        return _computing(response, snapshot)
    figures = stored_help_figures(snapshot=snapshot)
    return HealthOut(
        program_id=program.pk,
        computed_at=snapshot.computed_at,
        months=query.months,
        min_group=MIN_GROUP,
        charts=[ChartOut.of(chart) for chart in charts],
        figures=HelpFiguresOut.of(figures) if figures else None,
    )


# Stalled pairs.


class StalledIn(InSchema):
    weeks: int | None = Field(
        None,
        ge=1,
        le=stalled.MAX_WEEKS,
        description="No meeting held for this many weeks; by default three times the "
        "program's agreed rhythm.",
    )
    days: int = Field(
        stalled.DEFAULT_DAYS,
        ge=1,
        le=stalled.MAX_DAYS,
        description="Agreements and proposals waiting for this many days.",
    )
    kind: Literal["", "no_meeting", "agreement", "proposal", "request"] = Field(
        "", description="One kind of item, or every kind."
    )
    sort: Literal["waiting", "recent", "kind"] = "waiting"


class StalledOut(Schema):
    kind: str
    kind_label: str
    object_id: int
    waiting_since: datetime.datetime
    waiting_days: int
    mentor: str
    mentee: str
    focus: str
    last_nudged_at: datetime.datetime | None
    last_nudged_by: str
    may_nudge: bool = Field(description="Whether no nudge went out for it in the last week.")

    @staticmethod
    def of(item: stalled.StalledItem) -> "StalledOut":
        return StalledOut(
            kind=item.kind,
            kind_label=item.kind_label,
            object_id=item.object_id,
            waiting_since=item.since,
            waiting_days=item.waiting_days,
            mentor=item.mentor,
            mentee=item.mentee,
            focus=item.focus,
            last_nudged_at=item.last_nudged_at,
            last_nudged_by=item.last_nudged_by,
            may_nudge=item.may_nudge,
        )


class StalledPage(Schema):
    items: list[StalledOut]
    count: int = Field(description="How many items the whole list holds.")
    limit: int
    offset: int
    weeks: int
    days: int


@router.get("/programs/{program_id}/insights/stalled", response={200: StalledPage, **READ_ERRORS})
def program_stalled(
    request: HttpRequest, program_id: RowId, filters: Query[StalledIn], page: Query[PageIn]
) -> dict[str, Any]:
    """List what has waited too long in the program, as its stalled page does."""
    program = _program(request, program_id)
    thresholds = stalled.Thresholds(
        weeks=filters.weeks or stalled.default_weeks(program), days=filters.days
    )
    keys = stalled.stalled_keys(
        program=program, thresholds=thresholds, kind=filters.kind, sort=filters.sort
    )
    rows = list(keys[page.offset : page.offset + page.limit])
    count = len(rows) if page.offset == 0 and len(rows) < page.limit else keys.count()
    return {
        "items": [
            StalledOut.of(item) for item in stalled.stalled_items(program=program, keys=rows)
        ],
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "weeks": thresholds.weeks,
        "days": thresholds.days,
    }


# Fairness.


class FairnessIn(InSchema):
    period: Literal["all", "12", "6"] = Field(
        "all", description="Everyone, or those who joined in the last 12 or 6 months."
    )
    source: Literal["all", "rounds", "choice"] = Field(
        "all", description="Any way of matching, matching rounds, or mentees' requests."
    )


class FairnessRowOut(Schema):
    dimension: str = Field(description="total, department, level, group or cohort.")
    group: str
    shown: bool = Field(description="False where the group is too small: its figures are null.")
    people: int | None
    matched: int | None
    match_rate: float | None
    median_days: float | None
    other_department_share: float | None
    other_level_share: float | None
    flags: list[str]

    @staticmethod
    def of(row: StoredRow) -> "FairnessRowOut":
        return FairnessRowOut(
            dimension=row.dimension,
            group=row.group,
            shown=row.shown,
            people=row.people,
            matched=row.matched,
            match_rate=row.match_rate,
            median_days=row.median_days,
            other_department_share=row.other_department_share,
            other_level_share=row.other_level_share,
            flags=list(row.flags),
        )


class FairnessOut(Schema):
    program_id: int
    computed_at: datetime.datetime = Field(description="When these stored figures were computed.")
    period: str
    source: str
    min_group: int
    flag_rule: str
    total: FairnessRowOut
    rows: list[FairnessRowOut]
    cohorts: list[FairnessRowOut]


@router.get(
    "/programs/{program_id}/insights/fairness",
    response={200: FairnessOut, 202: ComputingOut, **READ_ERRORS},
)
def program_fairness(
    request: HttpRequest, response: HttpResponse, program_id: RowId, query: Query[FairnessIn]
) -> FairnessOut | Status[ComputingOut]:
    """Return the fairness table the page shows, from the program's stored figures."""
    program = _program(request, program_id)
    snapshot = snapshot_for_page(program=program, reads="fairness")
    table = (
        stored_fairness(snapshot=snapshot, window=query.period, source=query.source)
        if snapshot.computed_at is not None
        else None
    )
    if table is None or snapshot.computed_at is None:
        return _computing(response, snapshot)
    return FairnessOut(
        program_id=program.pk,
        computed_at=snapshot.computed_at,
        period=table.window,
        source=table.source,
        min_group=fairness.MIN_GROUP,
        flag_rule=fairness.FLAG_RULE,
        total=FairnessRowOut.of(table.total),
        rows=[FairnessRowOut.of(row) for row in table.rows],
        cohorts=[FairnessRowOut.of(row) for row in table.cohorts],
    )


# Mentor impact.


class ImpactIn(InSchema):
    sort: Literal["hours", "people", "commitments", "name"] = "hours"


class FiguresOut(Schema):
    people_helped: int
    hours_given: float = Field(
        description="To a tenth of an hour; a total is the sum of its mentors' rounded hours."
    )
    meetings_held: int
    commitments_completed: int
    requests_answered: int
    requests_became_mentoring: int

    @staticmethod
    def of(figures: impact.Figures) -> "FiguresOut":
        return FiguresOut(
            people_helped=figures.people_helped,
            hours_given=figures.hours_given,
            meetings_held=figures.meetings_held,
            commitments_completed=figures.commitments_completed,
            requests_answered=figures.requests_answered,
            requests_became_mentoring=figures.requests_became_mentoring,
        )


class MentorImpactOut(Schema):
    name: str
    figures: FiguresOut


class BucketOut(Schema):
    label: str
    mentors: int


class InterviewFiguresOut(Schema):
    """The program's informational interviews, everyone who offers them added up."""

    held: int = Field(description="Conversations whose agreed time is over.")
    people_helped: int = Field(description="Distinct people who asked for those conversations.")
    hours_given: float = Field(description="Their 30 or 45 minutes each, to a tenth of an hour.")
    became_mentoring: int = Field(
        description="Relationships started after both people chose to continue."
    )

    @staticmethod
    def of(figures: InterviewFigures) -> "InterviewFiguresOut":
        return InterviewFiguresOut(
            held=figures.held,
            people_helped=figures.people_helped,
            hours_given=figures.hours_given,
            became_mentoring=figures.became_mentoring,
        )


class ImpactPage(Schema):
    computed_at: datetime.datetime = Field(description="When these stored figures were computed.")
    people: Literal["mentors", "peers"] = Field(
        description="Whom the figures are about. In a peer program each peer counts as a "
        "mentor would: the people they worked with, and every meeting of their pairs (so a "
        "pair's meetings count for both peers); their commitments completed are the ones "
        "their partner kept."
    )
    items: list[MentorImpactOut]
    count: int = Field(description="How many mentors (or peers) the whole list holds.")
    limit: int
    offset: int
    total: FiguresOut = Field(description="Every mentor (or peer) of the program added up.")
    median_hours: float
    people_distribution: list[BucketOut]
    hours_distribution: list[BucketOut]
    interviews: InterviewFiguresOut = Field(
        description="Informational interviews, counted apart from the mentors' figures above."
    )


@router.get(
    "/programs/{program_id}/insights/impact",
    response={200: ImpactPage, 202: ComputingOut, **READ_ERRORS},
)
def program_impact(
    request: HttpRequest,
    response: HttpResponse,
    program_id: RowId,
    query: Query[ImpactIn],
    page: Query[PageIn],
) -> dict[str, Any] | Status[ComputingOut]:
    """List the program's mentors (a peer program's peers) with what they gave, from the
    stored figures."""
    program = _program(request, program_id)
    snapshot = snapshot_for_page(program=program, reads="impact")
    if snapshot.computed_at is None:
        return _computing(response, snapshot)
    found = stored_impact(snapshot=snapshot)
    rows = stored_mentor_rows(snapshot=snapshot, sort=query.sort)
    return {
        "computed_at": snapshot.computed_at,
        "people": "peers" if program.is_peer else "mentors",
        "items": [
            MentorImpactOut(name=row.name, figures=FiguresOut.of(figures_of(row)))
            for row in rows[page.offset : page.offset + page.limit]
        ],
        "count": found.mentors,
        "limit": page.limit,
        "offset": page.offset,
        "total": FiguresOut.of(found.total),
        "median_hours": found.median_hours,
        "people_distribution": [
            BucketOut(label=b.label, mentors=b.mentors) for b in found.people_distribution
        ],
        "hours_distribution": [
            BucketOut(label=b.label, mentors=b.mentors) for b in found.hours_distribution
        ],
        "interviews": InterviewFiguresOut.of(found.interviews),
    }


# Computing the figures again.


@router.post(
    "/programs/{program_id}/insights/recompute",
    response={202: SnapshotOut, **WRITE_ERRORS},
)
@idempotent
def program_insights_recompute(request: HttpRequest, program_id: RowId) -> Status[SnapshotOut]:
    """Ask for the program's health, fairness and impact figures to be computed again, as
    the pages' "Recompute now" does; the answer is the stored figures' state."""
    program = _program(request, program_id)
    return Status(202, SnapshotOut.of(snapshot_request(program=program)))
