"""The program health pages, each chart's SVG image and its numbers as CSV or Excel.

Every chart is read from the stored snapshot (insights/snapshots/), the program's own or,
for all of an organization's programs together, the organization's.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from tandem.core.errors import NotFound
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, file_name, spreadsheet_response
from tandem.insights.charts import chart_svg
from tandem.insights.health import DEFAULT_PERIOD, PERIODS, Chart, period_months
from tandem.insights.snapshots.selectors import (
    stored_health,
    stored_help_figures,
    stored_organization_health,
)
from tandem.insights.snapshots.services import (
    organization_snapshot_for_page,
    snapshot_for_page,
)
from tandem.insights.snapshots.views import status_poll
from tandem.policy.access import organization_get_for_admin, program_get_for_admin

# An SVG opened on its own is a document: let it style itself, and nothing else.
SVG_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'none'"],
    "script-src": ["'none'"],
}


def _period(request: AuthenticatedHttpRequest) -> tuple[int, str]:
    """Return the months asked for, or the default with a note when the ask was not valid."""
    asked = request.GET.get("months")
    if asked is None:
        return DEFAULT_PERIOD, ""
    months = period_months(asked)
    if months is None:
        choices = ", ".join(str(p) for p in PERIODS)
        return DEFAULT_PERIOD, (
            f"The period must be one of {choices} months; showing the last {DEFAULT_PERIOD}."
        )
    return months, ""


def _download(chart: Chart, *, slug: str, months: int, file_format: str) -> HttpResponse:
    if file_format == "svg":
        response = HttpResponse(chart_svg(chart), content_type="image/svg+xml")
        response._csp_replace = SVG_POLICY  # type: ignore[attr-defined]
        return response
    return spreadsheet_response(
        headers=chart.headers,
        rows=chart.rows(),
        file_format=file_format,
        name=file_name(slug=slug, what=f"{chart.slug}-{months}-months", file_format=file_format),
        title=chart.title,
    )


def _find(charts: list[Chart], slug: str) -> Chart:
    chart = next((chart for chart in charts if chart.slug == slug), None)
    if chart is None:
        raise NotFound("No such chart.")
    return chart


def _check_format(file_format: str, *, image: bool = True) -> None:
    if file_format not in ((*FORMATS, "svg") if image else FORMATS):
        raise NotFound("No such chart.")


@login_required
def program_health(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    months, period_note = _period(request)
    snapshot = snapshot_for_page(program=program, reads="health")
    if polled := status_poll(request, snapshot):
        return polled
    return render(
        request,
        "insights/health_program.html",
        {
            "program": program,
            "snapshot": snapshot,
            "snapshot_page": "health",
            "charts": stored_health(snapshot=snapshot, months=months),
            "figures": stored_help_figures(snapshot=snapshot),
            "months": months,
            "periods": PERIODS,
            "period_note": period_note,
        },
    )


@login_required
def program_health_chart(
    request: AuthenticatedHttpRequest, program_id: int, chart: str, file_format: str
) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    _check_format(file_format)
    months, _ = _period(request)
    # The same stored charts as the page, so that the page and the files agree.
    charts = stored_health(
        snapshot=snapshot_for_page(program=program, reads="health"), months=months
    )
    if charts is None:
        return redirect("insights:program_health", program.pk)
    slug = slugify(program.name)[:40] or f"program-{program.pk}"
    return _download(_find(charts, chart), slug=slug, months=months, file_format=file_format)


@login_required
def organization_health(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    months, period_note = _period(request)
    snapshot = organization_snapshot_for_page(organization=organization)
    if polled := status_poll(request, snapshot):
        return polled
    stored = stored_organization_health(snapshot=snapshot, months=months)
    return render(
        request,
        "insights/health_organization.html",
        {
            "organization": organization,
            "snapshot": snapshot,
            "table": stored.table if stored else None,
            "charts": stored.charts if stored else None,
            "figures": stored_help_figures(snapshot=snapshot),
            "months": months,
            "periods": PERIODS,
            "period_note": period_note,
        },
    )


@login_required
def organization_health_chart(
    request: AuthenticatedHttpRequest, organization_id: int, chart: str, file_format: str
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    # The table of programs is numbers only: no image of it.
    _check_format(file_format, image=chart != "programs")
    months, _ = _period(request)
    stored = stored_organization_health(
        snapshot=organization_snapshot_for_page(organization=organization), months=months
    )
    if stored is None:
        return redirect("insights:organization_health", organization.pk)
    built = stored.table if chart == "programs" else _find(stored.charts, chart)
    return _download(built, slug=organization.slug, months=months, file_format=file_format)
