"""A circle's pages for its members: thin views over the access policy and the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tandem.circles import calendar, selectors, services
from tandem.circles.models import Circle, CircleMembership, CircleSignature
from tandem.circles.views.sessions import sessions_card
from tandem.core.errors import DomainError
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access import (
    circle_agreement_get_for_member,
    circle_get_for_member,
    circle_membership_get_own,
    circle_session_get_for_member,
)


def _people(circle: Circle) -> list[CircleMembership]:
    """Return the people in the circle and those proposed a place, in the order they came."""
    return list(
        circle.memberships.filter(
            state__in=(*CircleMembership.IN_CIRCLE, CircleMembership.State.PROPOSED)
        )
        .select_related("enrollment__user")
        .order_by("created_at", "pk")
    )


@login_required
@require_GET
def circle_detail(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    circle = circle_get_for_member(user=request.user, circle_id=circle_id)
    people = _people(circle)
    mine = next(m for m in people if m.enrollment.user_id == request.user.pk)
    current = selectors.circle_agreement_current(circle)
    signed: set[int] = set()
    if current is not None:
        signed = set(
            CircleSignature.objects.filter(agreement=current).values_list(
                "membership_id", flat=True
            )
        )
    agreed = selectors.circle_is_agreed(circle)
    return render(
        request,
        "circles/detail.html",
        {
            "circle": circle,
            "people": people,
            "mine": mine,
            "current": current,
            "signed": signed,
            "may_sign": current is not None
            and mine.state in CircleMembership.IN_CIRCLE
            and mine.pk not in signed
            and circle.is_open,
            "agreed": agreed,
            "left": circle.memberships.filter(state=CircleMembership.State.LEFT)
            .select_related("enrollment__user")
            .order_by("-left_at"),
            **sessions_card(circle, mine, agreed),
        },
    )


@login_required
@require_POST
def agreement_sign(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    agreement = circle_agreement_get_for_member(user=request.user, agreement_id=agreement_id)
    try:
        services.circle_agreement_sign(agreement=agreement, by=request.user)
        messages.success(request, f"You signed version {agreement.version}.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("circles:detail", agreement.circle_id)


@login_required
@require_POST
def place_answer(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    place = circle_membership_get_own(user=request.user, membership_id=membership_id)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, "Choose to join the circle or not.")
        return redirect("circles:detail", place.circle_id)
    try:
        place = services.circle_membership_answer(
            membership=place, by=request.user, accept=answer == "accept"
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("circles:detail", place.circle_id)
    if place.state == CircleMembership.State.DECLINED:
        messages.success(request, "You said no to this circle. Thank you for answering.")
        return redirect("home")
    if place.state == CircleMembership.State.ACTIVE:
        messages.success(request, "Welcome to the circle. Read its agreement and sign it.")
    else:
        messages.success(request, "You are in. The circle starts once everyone has answered.")
    return redirect("circles:detail", place.circle_id)


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def session_ics(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)
    return _ics(calendar.circle_session_ics(session=session), f"circle-session-{session.pk}.ics")


@login_required
@require_GET
def sessions_ics(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    circle = circle_get_for_member(user=request.user, circle_id=circle_id)
    return _ics(calendar.circle_sessions_ics(circle=circle), f"circle-{circle.pk}-sessions.ics")
