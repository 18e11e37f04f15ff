"""The structure pages: departments, partner organizations, who may run programs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.accounts.models import Department
from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.people.forms.structure import (
    DepartmentDeleteForm,
    DepartmentForm,
    PartnershipProposeForm,
    RunnerSearchForm,
)
from tandem.people.selectors import members as member_selectors
from tandem.people.selectors import structure as selectors
from tandem.people.services import members as member_services
from tandem.people.services import structure as services
from tandem.policy.access import (
    department_get_for_org_admin,
    membership_get_for_org_admin,
    organization_get_for_admin,
    partnership_request_get_for_org_admin,
)

# Departments


@login_required
def department_list(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = DepartmentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        department = run_service(
            form, services.department_create, organization=organization, **form.cleaned_data
        )
        if department is not None:
            messages.success(request, f"{department.name} is added.")
            return redirect("people:departments", organization.pk)
    return render(
        request,
        "people/structure/departments.html",
        {
            "organization": organization,
            "departments": selectors.departments_with_counts(organization),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def department_detail(
    request: AuthenticatedHttpRequest, organization_id: int, department_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    department = department_get_for_org_admin(
        user=request.user, organization_id=organization.pk, department_id=department_id
    )
    form = DepartmentForm(posted(request), initial={"name": department.name})
    delete_form = DepartmentDeleteForm(department=department)
    if request.method == "POST" and form.is_valid():
        old_name = department.name
        saved = run_service(
            form, services.department_rename, department=department, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, f"{old_name} is now called {saved.name}.")
            return redirect("people:departments", organization.pk)
        department.name = old_name
    return _department_page(request, department, form, delete_form)


def _department_page(
    request: AuthenticatedHttpRequest,
    department: Department,
    form: DepartmentForm,
    delete_form: DepartmentDeleteForm,
) -> HttpResponse:
    counts = selectors.departments_with_counts(department.organization).get(pk=department.pk)
    return render(
        request,
        "people/structure/department.html",
        {
            "organization": department.organization,
            "department": counts,
            "form": form,
            "delete_form": delete_form,
        },
        status=400 if form.is_bound or delete_form.is_bound else 200,
    )


@require_POST
@login_required
def department_delete(
    request: AuthenticatedHttpRequest, organization_id: int, department_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    department = department_get_for_org_admin(
        user=request.user, organization_id=organization.pk, department_id=department_id
    )
    delete_form = DepartmentDeleteForm(request.POST, department=department)
    if delete_form.is_valid():
        moved = run_service(
            delete_form,
            services.department_delete,
            department=department,
            by=request.user,
            move_to=delete_form.cleaned_data["move_to"],
        )
        if moved is not None:
            target = delete_form.cleaned_data["move_to"]
            note = (
                f" {moved} member{'s' if moved != 1 else ''} moved to {target.name}."
                if moved
                else ""
            )
            messages.success(request, f"{department.name} is removed.{note}")
            return redirect("people:departments", organization.pk)
    return _department_page(
        request, department, DepartmentForm(initial={"name": department.name}), delete_form
    )


# Partner organizations


@login_required
def partner_list(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = PartnershipProposeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        sent = run_service(
            form,
            services.partnership_propose,
            organization=organization,
            partner_name=form.cleaned_data["organization"],
            message=form.cleaned_data["message"],
            by=request.user,
        )
        if sent is not None:
            messages.success(
                request, f"Your request is sent; {sent.to_organization}'s admins will answer it."
            )
            return redirect("people:partners", organization.pk)
    received, sent_requests = selectors.partnership_requests_open(organization)
    return render(
        request,
        "people/structure/partners.html",
        {
            "organization": organization,
            "partners": organization.partners.order_by("name"),
            "received": received,
            "sent": sent_requests,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
@login_required
def partner_request_answer(
    request: AuthenticatedHttpRequest, organization_id: int, request_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    partnership = partnership_request_get_for_org_admin(
        user=request.user, organization_id=organization.pk, request_id=request_id
    )
    answer = request.POST.get("answer")
    try:
        if answer in ("accept", "decline"):
            services.partnership_answer(
                request=partnership,
                organization=organization,
                by=request.user,
                accept=answer == "accept",
            )
            other = partnership.from_organization
            messages.success(
                request,
                f"{other} is now a partner." if answer == "accept" else f"You declined {other}.",
            )
        elif answer == "withdraw":
            services.partnership_withdraw(
                request=partnership, organization=organization, by=request.user
            )
            messages.success(
                request, f"Your request to {partnership.to_organization} is withdrawn."
            )
        else:
            messages.error(request, "Choose to accept, decline or withdraw the request.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("people:partners", organization.pk)


@require_POST
@login_required
def partner_end(
    request: AuthenticatedHttpRequest, organization_id: int, partner_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    partner = organization.partners.filter(pk=partner_id).first()
    if partner is None:
        raise NotFound("No such partner.")
    services.partnership_end(organization=organization, partner=partner)
    messages.success(
        request,
        f"{partner} is no longer a partner. "
        "Programs you shared are closed to each other's members.",
    )
    return redirect("people:partners", organization.pk)


# Who may run programs


@login_required
def program_runner_list(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    search = RunnerSearchForm(request.GET if "q" in request.GET else None)
    candidates = (
        member_selectors.members_matching(
            organization_id=organization.pk, q=search.cleaned_data["q"]
        )
        if search.is_bound and search.is_valid()
        else []
    )
    return render(
        request,
        "people/structure/program_runners.html",
        {
            "organization": organization,
            "runners": selectors.program_runners(organization),
            "admins": selectors.organization_admins(organization),
            "search": search,
            "candidates": candidates,
        },
    )


@require_POST
@login_required
def program_runner_set(
    request: AuthenticatedHttpRequest, organization_id: int, membership_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    membership = membership_get_for_org_admin(
        user=request.user, organization_id=organization.pk, membership_id=membership_id
    )
    allowed = request.POST.get("allowed") == "yes"
    try:
        member_services.membership_set_may_run_programs(membership=membership, allowed=allowed)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{membership.user} may now create and run programs."
            if allowed
            else f"{membership.user} may no longer create programs; "
            "programs they already run keep them as an admin.",
        )
    return redirect("people:program_runners", organization.pk)
