"""A mentor's own legacy page, and the program admins' view of every mentor's figures."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.core.errors import NotFound
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, Row, file_name, spreadsheet_response
from tandem.insights.impact import selectors
from tandem.insights.impact.interviews import InterviewFigures
from tandem.insights.snapshots.selectors import (
    figures_of,
    stored_impact,
    stored_mentor_rows,
)
from tandem.insights.snapshots.services import snapshot_for_page
from tandem.insights.snapshots.views import status_poll
from tandem.policy.access import program_get_for_admin
from tandem.programs.models import Program
from tandem.security.exports import program_export

PAGE_SIZE = 50
SORT_LABELS = [
    ("hours", "most hours"),
    ("people", "most people helped"),
    ("commitments", "most commitments completed"),
    ("name", "name"),
]
INTERVIEWS_ROW = "Informational interviews (everyone who offers them)"
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


def _interviews_row(figures: InterviewFigures) -> Row:
    """Informational interviews under the same headers: conversations in place of meetings,
    and those that became mentoring in the last column; nothing for what they have not."""
    return [
        INTERVIEWS_ROW,
        figures.people_helped,
        round(float(figures.hours_given), 1),
        figures.held,
        "",
        "",
        figures.became_mentoring,
    ]


def _words(program: Program) -> dict[str, str]:
    """Name the people the impact figures are about: mentors, peers or coaches."""
    if program.is_peer:
        return {
            "title": "Peer impact",
            "who": "peers",
            "one": "Peer",
            "export_label": "every peer's figures",
        }
    if program.is_coaching:
        return {
            "title": "Coach impact",
            "who": "coaches",
            "one": "Coach",
            "export_label": "every coach's figures",
        }
    return {
        "title": "Mentor impact",
        "who": "mentors",
        "one": "Mentor",
        "export_label": "every mentor's figures",
    }


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
    snapshot = snapshot_for_page(program=program, reads="impact")
    if polled := status_poll(request, snapshot):
        return polled
    ready = snapshot.computed_at is not None
    # The database pages the stored rows by the index of the order asked for.
    rows = stored_mentor_rows(snapshot=snapshot, sort=_sort(request))
    paginator = Paginator(rows, PAGE_SIZE)
    return render(
        request,
        "insights/impact.html",
        {
            "program": program,
            "snapshot": snapshot,
            "snapshot_page": "impact",
            "impact": stored_impact(snapshot=snapshot) if ready else None,
            "page": paginator.get_page(request.GET.get("page")) if ready else None,
            "sort": _sort(request),
            "sorts": SORT_LABELS,
            **_words(program),
        },
    )


@login_required
def program_impact_export(
    request: AuthenticatedHttpRequest, program_id: int, file_format: str
) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    # The same stored figures as the page, so that the page and the download agree.
    snapshot = snapshot_for_page(program=program, reads="impact")
    if snapshot.computed_at is None:
        return redirect("insights:impact", program.pk)
    rows: list[Row] = [
        [row.name, *_figures(figures_of(row))]
        for row in stored_mentor_rows(snapshot=snapshot, sort=_sort(request))
    ]
    words = _words(program)
    stored = stored_impact(snapshot=snapshot)
    rows.append([f"All {words['who']}", *_figures(stored.total)])
    if stored.interviews.any:
        rows.append(_interviews_row(stored.interviews))
    return program_export(
        request,
        program=program,
        what="mentor-impact",
        title=words["title"],
        headers=[words["one"], *FIGURE_HEADERS],
        rows=rows,
        file_format=file_format,
    )
