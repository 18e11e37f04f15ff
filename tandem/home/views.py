from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tandem.home.selectors import my_circles, my_engagements, needs_for_user
from tandem.policy.access import (
    organizations_administered_by,
    organizations_where_may_create_programs,
)
from tandem.policy.access.coaching import engagements_sponsored_by
from tandem.programs.models import Program
from tandem.programs.selectors import home_programs


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home/landing.html")
    admin_orgs = list(organizations_administered_by(request.user))
    data = home_programs(user=request.user)
    # Circles are asked about only of those enrolled in a circles program.
    circles = (
        my_circles(request.user)
        if any(e.program.format == Program.Format.CIRCLES for e in data.enrolled)
        else []
    )
    # Likewise engagements, of those enrolled in a coaching program.
    engagements = (
        my_engagements(request.user)
        if any(e.program.format == Program.Format.COACHING for e in data.enrolled)
        else []
    )
    return render(
        request,
        "home/home.html",
        {
            "needs": needs_for_user(
                user=request.user,
                administered=[p.pk for p in data.administered],
                circles=circles,
            ),
            "data": data,
            "circles": circles,
            "engagements": engagements,
            # A coach keeps an hours log across their engagements.
            "coaches": any(e.is_coach for e in data.enrolled),
            # Whoever mentors in a program gets one link to what their mentoring did.
            # A sponsor sees their engagements' numbers; most people sponsor nothing.
            "sponsors": engagements_sponsored_by(request.user).exists(),
            "mentors": any(e.is_mentor and e.program.format != "peer" for e in data.enrolled),
            # Admins may; asking the rule only for others saves everyone else a query.
            "can_create": bool(admin_orgs)
            or organizations_where_may_create_programs(request.user).exists(),
            "admin_orgs": admin_orgs,
            "today": timezone.localdate(),
        },
    )
