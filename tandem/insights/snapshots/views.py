"""Ask for insights to be computed again, and follow the computation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from tandem.core.http import AuthenticatedHttpRequest
from tandem.insights.models import OrganizationSnapshot, Snapshot
from tandem.insights.snapshots.services import organization_snapshot_request, snapshot_request
from tandem.policy.access import organization_get_for_admin, program_get_for_admin

# The pages that read a program's snapshot, and so may ask for it to be computed again.
PAGES = {
    "fairness": "insights:fairness",
    "impact": "insights:impact",
    "health": "insights:program_health",
}
STATUS = "snapshot-status"


def status_poll(
    request: AuthenticatedHttpRequest, snapshot: Snapshot | OrganizationSnapshot
) -> HttpResponse | None:
    """Answer the status card's polling: itself while computing, then reload the page."""
    if not request.htmx or request.htmx.target != STATUS or request.htmx.history_restore_request:
        return None
    if not snapshot.pending:
        return HttpResponseClientRefresh()
    return render(request, "insights/_snapshot_status.html", {"snapshot": snapshot})


@login_required
@require_POST
def recompute(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_admin(user=request.user, program_id=program_id)
    page = request.POST.get("page", "")
    snapshot_request(program=program)
    messages.success(request, "Asked for the figures to be computed again.")
    return redirect(PAGES.get(page, PAGES["fairness"]), program.pk)


@login_required
@require_POST
def organization_recompute(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    organization_snapshot_request(organization=organization)
    messages.success(request, "Asked for the figures to be computed again.")
    return redirect("insights:organization_health", organization.pk)
