"""A circle's life outside sessions, for its members: agreement, check-ins, forming, leaving."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST

from tandem.circles import selectors, services
from tandem.circles.forms import (
    CheckInForm,
    CircleAgreementForm,
    CircleFormForm,
    FreeHoursForm,
    LeaveForm,
    free_hours_grid,
)
from tandem.circles.models import Circle, CircleAgreement, CircleMembership, Weekday
from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access import (
    circle_checkins_of_author,
    circle_get_for_member,
    circle_get_to_join,
    circle_membership_get_own,
    enrollment_get_own,
    program_get_for_user,
)
from tandem.policy.eligibility import circle_place_refusal
from tandem.programs.models import Enrollment, MeetingMode, Program
from tandem.programs.services import enrollment_free_hours_set


@login_required
def agreement_write(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    """Write the first draft or propose a new version, prefilled; show every version."""
    circle = circle_get_for_member(user=request.user, circle_id=circle_id)
    versions = list(circle.agreements.select_related("last_edited_by").order_by("-version"))
    current = versions[0] if versions else None
    base = (
        {term: getattr(current, term) for term in CircleAgreement.TERMS}
        if current is not None
        else services.circle_agreement_template(circle)
    )
    mine = circle.memberships.filter(
        enrollment__user=request.user, state__in=CircleMembership.IN_CIRCLE
    ).first()
    may_write = mine is not None and circle.is_open
    form = CircleAgreementForm(posted(request) if may_write else None, initial=base)
    if may_write and form.is_bound and form.is_valid():
        written = run_service(
            form,
            services.circle_agreement_write,
            circle=circle,
            by=request.user,
            terms=form.cleaned_data,
        )
        if written is not None:
            messages.success(
                request,
                f"Version {written.version} is written. Every member is asked to sign it.",
            )
            return redirect("circles:detail", circle.pk)
    history = [
        (
            v,
            _changes(versions[i + 1] if i + 1 < len(versions) else None, v),
        )
        for i, v in enumerate(versions)
    ]
    return render(
        request,
        "circles/agreement.html",
        {
            "circle": circle,
            "current": current,
            "form": form if may_write else None,
            "history": history,
        },
    )


def _shown(term: str, value: object) -> object:
    """Return a term's value as a person reads it: a day's name, channels' labels."""
    if term == "weekday" and isinstance(value, int):
        return Weekday(value).label
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if term == "channels" and isinstance(value, list):
        return ", ".join(MeetingMode(c).label for c in value if c in MeetingMode.values)
    return value


def _changes(old: CircleAgreement | None, new: CircleAgreement) -> list[tuple[str, object, object]]:
    """Return (label, before, after) for each term that changed, labelled as the form is."""
    labels = CircleAgreementForm.Meta.labels
    return [
        (labels.get(term, term), _shown(term, before), _shown(term, after))
        for term, before, after in selectors.circle_agreement_changes(old, new)
    ]


def _own_place(request: AuthenticatedHttpRequest, circle: Circle) -> CircleMembership | None:
    return circle.memberships.filter(
        enrollment__user=request.user, state=CircleMembership.State.ACTIVE
    ).first()


@login_required
def checkins(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    """Record a private check-in about the circle; list one's own, nobody else's."""
    circle = circle_get_for_member(user=request.user, circle_id=circle_id)
    form = CheckInForm(posted(request))
    if form.is_bound and form.is_valid():
        recorded = run_service(
            form,
            services.circle_checkin_record,
            circle=circle,
            by=request.user,
            score=form.cleaned_data["score"],
            note=form.cleaned_data["note"],
        )
        if recorded is not None:
            messages.success(request, "Check-in saved. Only you will ever read it.")
            return redirect("circles:checkins", circle.pk)
    return render(
        request,
        "circles/checkins.html",
        {
            "circle": circle,
            "form": form,
            "may_check_in": _own_place(request, circle) is not None
            and circle.state in (Circle.State.ACTIVE, Circle.State.PAUSED),
            "past": circle_checkins_of_author(request.user).filter(membership__circle=circle)[:50],
        },
    )


@login_required
def leave(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """Leave a circle, or take back a request to join, with an optional word to the others."""
    place = circle_membership_get_own(user=request.user, membership_id=membership_id)
    if not place.is_live or place.state == CircleMembership.State.PROPOSED:
        raise NotFound("No such place.")
    form = LeaveForm(posted(request))
    if form.is_bound and form.is_valid():
        left = run_service(
            form,
            services.circle_leave,
            membership=place,
            by=request.user,
            note=form.cleaned_data["note"],
        )
        if left is not None:
            messages.success(
                request, f"You left {place.circle.name}. Thank you for your part in it."
            )
            return redirect("circles:program", place.circle.program_id)
    return render(
        request, "circles/leave.html", {"place": place, "circle": place.circle, "form": form}
    )


def _enrollment_in(request: AuthenticatedHttpRequest, program: Program) -> Enrollment:
    """Return the person's active enrollment in a circles program, or raise NotFound."""
    enrollment = enrollment_get_own(user=request.user, program=program)
    if (
        enrollment is None
        or enrollment.status != Enrollment.Status.ACTIVE
        or program.format != Program.Format.CIRCLES
    ):
        raise NotFound("You are not in this program's circles.")
    return enrollment


@login_required
def program_circles(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """Show a member their circles in a program, and the circles they may ask to join."""
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = _enrollment_in(request, program)
    return render(
        request,
        "circles/program.html",
        {"program": program, **selectors.member_circles(enrollment=enrollment, user=request.user)},
    )


@login_required
def circle_new(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """Form a circle of one's own: a name and a rhythm; the program's admins approve it."""
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = _enrollment_in(request, program)
    refusal = circle_place_refusal(enrollment, reader=request.user.pk)
    form = CircleFormForm(
        posted(request), initial={"time_zone": _zone_of(enrollment), "cadence_weeks": 1}
    )
    if refusal is None and form.is_bound and form.is_valid():
        circle = run_service(
            form, services.circle_form, enrollment=enrollment, by=request.user, **form.cleaned_data
        )
        if circle is not None:
            messages.success(
                request,
                f"{circle.name} is formed. Others can ask to join; it starts once the "
                "program approves it and enough people are in.",
            )
            return redirect("circles:detail", circle.pk)
    return render(
        request,
        "circles/circle_new.html",
        {"program": program, "form": form, "refusal": refusal},
        status=400 if refusal is not None and form.is_bound else 200,
    )


def _zone_of(enrollment: Enrollment) -> str:
    return enrollment.membership.time_zone if enrollment.membership is not None else "UTC"


@login_required
@require_POST
def join_request(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    """Ask to join a circle open to the person; an admin of the program answers."""
    circle = circle_get_to_join(user=request.user, circle_id=circle_id)
    enrollment = _enrollment_in(request, circle.program)
    try:
        services.circle_join_request(circle=circle, enrollment=enrollment, by=request.user)
        messages.success(request, f"You asked to join {circle.name}. The program will answer.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("circles:program", circle.program_id)


@login_required
def free_hours(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    """Say which hours of the week one is free to meet a circle, in one's own time."""
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = _enrollment_in(request, program)
    form = FreeHoursForm(posted(request), initial={"hours": enrollment.free_hours})
    if form.is_bound and form.is_valid():
        saved = run_service(
            form,
            enrollment_free_hours_set,
            enrollment=enrollment,
            by=request.user,
            hours=form.cleaned_data["hours"],
        )
        if saved is not None:
            messages.success(request, "Saved. Circles are proposed at hours their members share.")
            return redirect("circles:program", program.pk)
    selected = (
        {int(h) for h in request.POST.getlist("hours") if h.isdigit()}
        if form.is_bound
        else set(enrollment.free_hours)
    )
    return render(
        request,
        "circles/free_hours.html",
        {
            "program": program,
            "form": form,
            "grid": free_hours_grid(selected),
            "zone": _zone_of(enrollment),
            "days": [(label[:3], label) for _, label in Weekday.choices],
        },
    )
