"""A mentor's own legacy page, and the program admins' view of every mentor's figures."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from tandem.core.errors import NotFound
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, Row, file_name, spreadsheet_response
from tandem.insights.impact import selectors
from tandem.policy.access import program_get_for_admin
from tandem.security.exports import program_export

PAGE_SIZE = 50
SORT_LABELS = [
    ("hours", "most hours"),
    ("people", "most people helped"),
    ("commitments", "most commitments completed"),
    ("name", "name"),
]
FIGURE_HEADERS = [
    "People helped",
    "Hours given",
    "Meetings held",
    "Commitments mentees completed",
    "Requests answered",
    "Requests that became mentoring",
]


def _figures(figures: selectors.Figures) -> list[str | int | float]:
    return [
        figures.people_helped,
        # A number, so that a spreadsheet adds the hours up.
        round(float(figures.hours_given), 1),
        figures.meetings_held,
        figures.commitments_completed,
        figures.requests_answered,
        figures.requests_became_mentoring,
    ]


def _sort(request: AuthenticatedHttpRequest) -> str:
    sort = request.GET.get("sort", "hours")
    return sort if sort in selectors.SORTS else "hours"


@login_required
def legacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.mentor_programs(request.user).exists():
        raise NotFound("You do not mentor in any program.")
    return render(
        request,
        "insights/legacy.html",
        {"legacy": selectors.legacy_for_mentor(user=request.user)},
    )


@login_required
def legacy_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    if file_format not in FORMATS or not selectors.mentor_programs(request.user).exists():
        raise NotFound("No such download.")
    mine = selectors.legacy_for_mentor(user=request.user)
    rows: list[Row] = [[program.name, *_figures(figures)] for program, figures in mine.programs]
    rows.append(["All programs", *_figures(mine.total)])
    return spreadsheet_response(
        headers=["Program", *FIGURE_HEADERS],
        rows=rows,
        file_format=file_format,
        name=file_name(slug="my", what="mentoring-impact", file_format=file_format),
        title="My mentoring impact",
    )


@login_required
def program_impact(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    impact = selectors.program_impact(program=program, sort=_sort(request))
    page = Paginator(impact.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/impact.html",
        {
            "program": program,
            "impact": impact,
            "page": page,
            "sort": _sort(request),
            "sorts": SORT_LABELS,
        },
    )


@login_required
def program_impact_export(
    request: AuthenticatedHttpRequest, program_id: int, file_format: str
) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    impact = selectors.program_impact(program=program, sort=_sort(request))
    rows: list[Row] = [[row.name, *_figures(row.figures)] for row in impact.rows]
    rows.append(["All mentors", *_figures(impact.total)])
    return program_export(
        request,
        program=program,
        what="mentor-impact",
        title="Mentor impact",
        headers=["Mentor", *FIGURE_HEADERS],
        rows=rows,
        file_format=file_format,
    )
