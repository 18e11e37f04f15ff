"""A sponsor's pages: the engagements they pay for, each in aggregate only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from tandem.coaching.selectors.sponsor import sponsor_view, sponsored_list
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access.coaching import engagement_get_for_sponsor


@login_required
def sponsored(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "coaching/sponsored.html", {"engagements": sponsored_list(user=request.user)}
    )


@login_required
def sponsor_detail(request: AuthenticatedHttpRequest, engagement_id: int) -> HttpResponse:
    engagement = engagement_get_for_sponsor(user=request.user, engagement_id=engagement_id)
    return render(
        request, "coaching/sponsor_view.html", {"view": sponsor_view(engagement=engagement)}
    )
