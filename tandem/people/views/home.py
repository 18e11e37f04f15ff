"""Organization admins' pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from tandem.core.http import AuthenticatedHttpRequest
from tandem.people import selectors
from tandem.policy.access import organization_get_for_admin


@login_required
def organization_home(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    return render(
        request,
        "people/home.html",
        {"organization": organization, "counts": selectors.organization_counts(organization)},
    )
