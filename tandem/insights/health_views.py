"""The program health pages, each chart's SVG image and its numbers as CSV or Excel."""

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from tandem.accounts.models import Organization
from tandem.core.errors import NotFound
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, file_name, spreadsheet_response
from tandem.insights.charts import chart_svg
from tandem.insights.health import (
    CHARTS,
    DEFAULT_PERIOD,
    PERIODS,
    Chart,
    health_charts,
    period_months,
    program_table,
    scope_for,
)
from tandem.policy.access import organization_get_for_admin, program_get_for_admin
from tandem.programs.models import Program

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


def _page(
    request: AuthenticatedHttpRequest,
    *,
    template: str,
    programs: Sequence[Program],
    context: dict[str, object],
) -> HttpResponse:
    months, period_note = _period(request)
    scope = scope_for(programs, months=months)
    return render(
        request,
        template,
        {
            **context,
            "charts": health_charts(scope),
            "months": months,
            "periods": PERIODS,
            "period_note": period_note,
            "scope": scope,
        },
        status=200,
    )


def _chart(
    request: AuthenticatedHttpRequest, programs: Sequence[Program], slug: str, file_format: str
) -> tuple[Chart, int]:
    build = CHARTS.get(slug)
    if build is None or file_format not in (*FORMATS, "svg"):
        raise NotFound("No such chart.")
    months, _ = _period(request)
    return build(scope_for(programs, months=months)), months


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


@login_required
def program_health(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    return _page(
        request,
        template="insights/health_program.html",
        programs=[program],
        context={"program": program},
    )


@login_required
def program_health_chart(
    request: AuthenticatedHttpRequest, program_id: int, chart: str, file_format: str
) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    built, months = _chart(request, [program], chart, file_format)
    slug = slugify(program.name)[:40] or f"program-{program.pk}"
    return _download(built, slug=slug, months=months, file_format=file_format)


def _organization_programs(
    request: AuthenticatedHttpRequest, organization_id: int
) -> tuple[Organization, list[Program]]:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    programs = list(organization.programs.order_by("name"))
    return organization, programs


@login_required
def organization_health(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization, programs = _organization_programs(request, organization_id)
    months, _ = _period(request)
    return _page(
        request,
        template="insights/health_organization.html",
        programs=programs,
        context={
            "organization": organization,
            "table": program_table(scope_for(programs, months=months), programs),
        },
    )


@login_required
def organization_health_chart(
    request: AuthenticatedHttpRequest, organization_id: int, chart: str, file_format: str
) -> HttpResponse:
    organization, programs = _organization_programs(request, organization_id)
    if chart == "programs":
        if file_format not in FORMATS:
            raise NotFound("No such chart.")
        months, _ = _period(request)
        built = program_table(scope_for(programs, months=months), programs)
    else:
        built, months = _chart(request, programs, chart, file_format)
    return _download(built, slug=organization.slug, months=months, file_format=file_format)
