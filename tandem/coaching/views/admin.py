"""A coaching program's engagements for its admins: numbers and states, and a next coach."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tandem.coaching.forms.admin import CoachChoiceForm
from tandem.coaching.selectors.admin import (
    client_coached_elsewhere,
    coaches_to_propose,
    engagement_rows,
    engagement_totals,
    row_of,
)
from tandem.coaching.services.admin import engagement_coach_propose
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access.coaching import engagement_get_for_admin, engagements_for_admin
from tandem.relationships.models import Relationship

PAGE_SIZE = 50


@login_required
def engagements(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    program, found = engagements_for_admin(user=request.user, program_id=program_id)
    page = Paginator(engagement_rows(found), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coaching/admin_engagements.html",
        {
            "program": program,
            "page": page,
            "rows": [row_of(engagement) for engagement in page],
            "totals": engagement_totals(found),
        },
    )


@login_required
def propose_coach(
    request: AuthenticatedHttpRequest, program_id: int, engagement_id: int
) -> HttpResponse:
    engagement = engagement_get_for_admin(
        user=request.user, program_id=program_id, engagement_id=engagement_id
    )
    ended = engagement.relationship.status == Relationship.Status.CLOSED
    # While this or a later engagement runs, the client has a coach: nobody is proposed.
    coached = ended and client_coached_elsewhere(engagement)
    coaches = coaches_to_propose(engagement) if ended and not coached else []
    form = CoachChoiceForm(posted(request), coaches=coaches)
    if (
        form.is_bound
        and form.is_valid()
        and run_service(
            form,
            engagement_coach_propose,
            engagement=engagement,
            admin=request.user,
            coach=form.cleaned_data["coach"],
        )
        is not None
    ):
        messages.success(request, "Proposed; the client and the coach are both asked.")
        return redirect("coaching:admin_engagements", program_id)
    return render(
        request,
        "coaching/admin_propose.html",
        {
            "program": engagement.relationship.program,
            "engagement": engagement,
            "coaches": coaches,
            "coached": coached,
            "ended": ended,
            "form": form,
        },
    )
