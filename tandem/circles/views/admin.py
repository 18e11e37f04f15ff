"""A program's circles for its admins: who is in them, their state and pulse, never content."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.circles import selectors, services
from tandem.circles.forms import CloseForm, ReplacementForm
from tandem.circles.models import Circle, CircleMembership
from tandem.core.errors import DomainError
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access import (
    circle_get_for_admin,
    circle_membership_get_for_admin,
    program_get_for_admin,
)

State = CircleMembership.State


@login_required
def program_circles(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """List a program's circles: state, size, pulse and what waits for an admin."""
    program = program_get_for_admin(user=request.user, program_id=program_id)
    circles = list(
        program.circles.annotate(
            size=Count("memberships", filter=Q(memberships__state__in=CircleMembership.IN_CIRCLE)),
            waiting=Count("memberships", filter=Q(memberships__state=State.REQUESTED)),
            invited=Count("memberships", filter=Q(memberships__state=State.PROPOSED)),
        ).order_by("state", "name", "pk")
    )
    pulses = selectors.circles_pulse(circles)
    requests = list(
        CircleMembership.objects.filter(circle__program=program, state=State.REQUESTED)
        .select_related("circle", "enrollment__user")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "circles/admin_program.html",
        {
            "program": program,
            "rows": [(circle, pulses[circle.pk]) for circle in circles],
            "requests": requests,
            "to_approve": [
                c for c in circles if c.state == Circle.State.PROPOSED and c.approved_at is None
            ],
            "min_authors": selectors.MIN_AUTHORS,
        },
    )


def _manage_page(
    request: AuthenticatedHttpRequest,
    circle: Circle,
    *,
    close_form: CloseForm | None = None,
    replacement_form: ReplacementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "circles/admin_circle.html",
        {
            "circle": circle,
            "places": circle.memberships.filter(state__in=CircleMembership.LIVE)
            .select_related("enrollment__user")
            .order_by("created_at", "pk"),
            "pulse": selectors.circle_pulse(circle),
            "close_form": close_form or CloseForm(),
            "replacement_form": replacement_form or ReplacementForm(circle=circle),
            "min_authors": selectors.MIN_AUTHORS,
        },
        status=status,
    )


@login_required
def circle_manage(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    """Show one circle to an admin of its program, with what they may change."""
    circle = circle_get_for_admin(user=request.user, circle_id=circle_id)
    return _manage_page(request, circle)


@login_required
@require_POST
def circle_approve(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    circle = circle_get_for_admin(user=request.user, circle_id=circle_id)
    try:
        services.circle_approve(circle=circle, by=request.user)
        messages.success(request, f"{circle.name} is approved.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("circles:admin_program", circle.program_id)


@login_required
@require_POST
def join_answer(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """Approve or refuse a request to join a circle."""
    place = circle_membership_get_for_admin(user=request.user, membership_id=membership_id)
    answer = request.POST.get("answer")
    name = place.enrollment.user.display_name
    try:
        if answer == "approve":
            services.circle_join_approve(membership=place, by=request.user)
            messages.success(request, f"{name} is in {place.circle.name}.")
        elif answer == "refuse":
            services.circle_join_refuse(membership=place, by=request.user)
            messages.success(request, f"You turned down {name}'s request; they are told kindly.")
        else:
            messages.error(request, "Choose to approve or refuse the request.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("circles:admin_program", place.circle.program_id)


@login_required
@require_POST
def circle_pause(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    circle = circle_get_for_admin(user=request.user, circle_id=circle_id)
    try:
        services.circle_pause(circle=circle, by=request.user)
        messages.success(request, f"{circle.name} is paused; its planned sessions are cancelled.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("circles:manage", circle.pk)


@login_required
@require_POST
def circle_resume(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    circle = circle_get_for_admin(user=request.user, circle_id=circle_id)
    try:
        services.circle_resume(circle=circle, by=request.user)
        messages.success(request, f"{circle.name} is meeting again.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("circles:manage", circle.pk)


@login_required
@require_POST
def circle_close(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    circle = circle_get_for_admin(user=request.user, circle_id=circle_id)
    form = CloseForm(posted(request))
    if form.is_valid():
        closed = run_service(
            form,
            services.circle_close,
            circle=circle,
            by=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        if closed is not None:
            messages.success(request, f"{circle.name} has closed. Its members are told.")
            return redirect("circles:manage", circle.pk)
    return _manage_page(request, circle, close_form=form, status=400)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    place = circle_membership_get_for_admin(user=request.user, membership_id=membership_id)
    try:
        services.circle_member_remove(membership=place, by=request.user)
        messages.success(request, f"{place.enrollment.user.display_name} is out of the circle.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("circles:manage", place.circle_id)


@login_required
@require_POST
def replacement_add(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    """Offer someone enrolled in the program a place; the eligibility policy decides."""
    circle = circle_get_for_admin(user=request.user, circle_id=circle_id)
    form = ReplacementForm(posted(request), circle=circle)
    if form.is_valid():
        enrollment = form.cleaned_data["enrollment"]
        place = run_service(
            form,
            services.circle_replacement_add,
            circle=circle,
            enrollment=enrollment,
            by=request.user,
        )
        if place is not None:
            messages.success(
                request, f"{enrollment.user.display_name} is invited to {circle.name}."
            )
            return redirect("circles:manage", circle.pk)
    return _manage_page(request, circle, replacement_form=form, status=400)
