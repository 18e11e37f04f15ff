"""The stalled list of a program, its downloads, and the nudge it sends."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from tandem.core.errors import NotFound
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, Row
from tandem.insights.stalled import selectors, services
from tandem.insights.stalled.forms import StalledFilterForm, parse_items
from tandem.policy.access import program_get_for_admin
from tandem.programs.models import Program
from tandem.security.exports import program_export

EXPORT_HEADERS = ["Waiting on", "Mentor", "Mentee", "Focus", "Waiting since", "Days", "Last nudge"]
FILTERS = ("weeks", "days", "kind", "sort")


def _filters(request: AuthenticatedHttpRequest, program: Program) -> StalledFilterForm:
    data = request.GET if any(name in request.GET for name in FILTERS) else None
    return StalledFilterForm(data, default_weeks=selectors.default_weeks(program))


@login_required
def stalled(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    form = _filters(request, program)
    page, items = selectors.stalled_page(
        program=program,
        thresholds=form.thresholds(),
        kind=form.kind_filter(),
        sort=form.sort_order(),
        page=request.GET.get("page"),
    )
    return render(
        request,
        "insights/stalled.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "items": items,
            "any_to_nudge": any(item.may_nudge for item in items),
            "thresholds": form.thresholds(),
            "kind": form.kind_filter(),
            "sort": form.sort_order(),
            "kept": {
                name: request.GET[name] for name in (*FILTERS, "page") if request.GET.get(name)
            },
        },
    )


@login_required
@require_POST
def stalled_nudge(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    one = request.POST.get("one")
    items = parse_items([one] if one else request.POST.getlist("item"))
    if not items:
        messages.error(request, "Choose at least one item to nudge.")
    else:
        result = services.nudges_send(program=program, admin=request.user, items=items)
        if result.sent:
            messages.success(
                request,
                f"Nudge sent for {result.sent} item{'s' if result.sent != 1 else ''}. "
                "It comes from the program, kindly worded, with nothing private in it.",
            )
        for reason in dict.fromkeys(result.refused):
            messages.error(request, reason)
    kept = {name: request.POST[name] for name in (*FILTERS, "page") if request.POST.get(name)}
    url = reverse("insights:stalled", args=[program.pk])
    return HttpResponseRedirect(f"{url}?{urlencode(kept)}" if kept else url)


@login_required
def stalled_export(
    request: AuthenticatedHttpRequest, program_id: int, file_format: str
) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    form = _filters(request, program)
    rows: list[Row] = [
        [
            item.kind_label,
            item.mentor,
            item.mentee,
            item.focus,
            f"{item.since:%Y-%m-%d}",
            item.waiting_days,
            f"{item.last_nudged_at:%Y-%m-%d}" if item.last_nudged_at else "",
        ]
        for item in selectors.stalled_all(
            program=program,
            thresholds=form.thresholds(),
            kind=form.kind_filter(),
            sort=form.sort_order(),
        )
    ]
    return program_export(
        request,
        program=program,
        what="stalled-pairs",
        title="Stalled pairs",
        headers=EXPORT_HEADERS,
        rows=rows,
        file_format=file_format,
    )
