"""The fairness table of a program, and its download."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.core.errors import NotFound
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, Row
from tandem.insights.fairness import selectors
from tandem.insights.snapshots.selectors import StoredRow, stored_fairness
from tandem.insights.snapshots.services import snapshot_for_page
from tandem.insights.snapshots.views import status_poll
from tandem.policy.access import program_get_for_admin
from tandem.security.exports import program_export

HEADERS = [
    "Dimension",
    "Group",
    "People",
    "Matched",
    "Match rate %",
    "Median days to match",
    "Matched across departments %",
    "Matched across levels %",
    "Flag",
]
# The page's own word: a figure is hidden when its group is small or another figure would
# give it away by subtraction, so the file does not claim the group is small.
SUPPRESSED = "hidden"
DIMENSION_LABELS = dict(selectors.DIMENSIONS) | {"total": "All", "cohort": "Joined in"}


def _choices(request: AuthenticatedHttpRequest) -> tuple[str, str, list[str]]:
    window = request.GET.get("period", "all")
    source = request.GET.get("source", "all")
    problems = []
    if window not in selectors.WINDOWS:
        problems.append("That period is not one of the choices; showing every period.")
        window = "all"
    if source not in selectors.SOURCES:
        problems.append("That way of matching is not one of the choices; showing all of them.")
        source = "all"
    return window, source, problems


def _cell(value: float | int | None, shown: bool) -> str | int:
    if not shown:
        return SUPPRESSED
    return "" if value is None else (f"{value:.1f}" if isinstance(value, float) else value)


def export_row(row: selectors.Row | StoredRow) -> Row:
    return [
        DIMENSION_LABELS[row.dimension],
        row.group,
        _cell(row.people, row.shown),
        _cell(row.matched, row.shown),
        _cell(row.match_rate, row.shown),
        _cell(row.median_days, row.shown),
        # A share is missing where it is hidden: the stored row keeps no count behind it.
        _cell(row.other_department_share, row.shown and row.other_department_share is not None),
        _cell(row.other_level_share, row.shown and row.other_level_share is not None),
        "; ".join(row.flags),
    ]


@login_required
def fairness(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    window, source, problems = _choices(request)
    snapshot = snapshot_for_page(program=program, reads="fairness")
    if polled := status_poll(request, snapshot):
        return polled
    return render(
        request,
        "insights/fairness.html",
        {
            "program": program,
            "snapshot": snapshot,
            "snapshot_page": "fairness",
            "table": stored_fairness(snapshot=snapshot, window=window, source=source),
            "window": window,
            "source": source,
            "problems": problems,
            "windows": [(key, label) for key, (label, _) in selectors.WINDOWS.items()],
            "sources": list(selectors.SOURCES.items()),
            "dimensions": selectors.DIMENSIONS,
            "flag_rule": selectors.FLAG_RULE,
            "min_group": selectors.MIN_GROUP,
        },
    )


@login_required
def fairness_export(
    request: AuthenticatedHttpRequest, program_id: int, file_format: str
) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    window, source, _ = _choices(request)
    # The same stored figures as the page, so that the page and the download agree.
    table = stored_fairness(
        snapshot=snapshot_for_page(program=program, reads="fairness"), window=window, source=source
    )
    if table is None:
        return redirect("insights:fairness", program.pk)
    rows = [export_row(row) for row in (table.total, *table.rows, *table.cohorts)]
    return program_export(
        request,
        program=program,
        what="fairness",
        title="Fairness",
        headers=HEADERS,
        rows=rows,
        file_format=file_format,
        detail={"filters": {"period": window, "source": source}},
    )
