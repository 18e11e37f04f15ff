"""The members pages: the list, and one member's page."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.accounts.models import Membership, Organization
from tandem.accounts.services import user_named
from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest, id_from
from tandem.people.forms.members import (
    ManagerPickForm,
    ManagerSearchForm,
    MemberFilterForm,
    MembershipForm,
)
from tandem.people.selectors import members as selectors
from tandem.people.services import members as services
from tandem.people.services.leaving import LeaveSummary
from tandem.policy.access import membership_get_for_org_admin, organization_get_for_admin

PAGE_SIZE = 50


@login_required
def member_list(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = MemberFilterForm(request.GET, organization=organization)
    filters = form.filters()
    page = selectors.members_page(
        organization=organization,
        filters=filters,
        size=PAGE_SIZE,
        after=id_from(request.GET.get("after")),
        before=id_from(request.GET.get("before")),
        last="last" in request.GET,
    )
    return render(
        request,
        "people/members/list.html",
        {
            "organization": organization,
            "form": form,
            "page": page,
            "exports": selectors.member_exports_recent(
                organization=organization, user=request.user
            ),
        },
    )


def _member_page(
    request: AuthenticatedHttpRequest,
    organization: Organization,
    membership: Membership,
    *,
    form: MembershipForm | None = None,
    pick_form: ManagerPickForm | None = None,
    status: int = 200,
) -> HttpResponse:
    search = ManagerSearchForm(request.GET if "q" in request.GET else None)
    candidates = (
        selectors.members_matching(
            organization_id=organization.pk, q=search.cleaned_data["q"], exclude_pk=membership.pk
        )
        if search.is_bound and search.is_valid()
        else []
    )
    context = {
        "organization": organization,
        "membership": membership,
        "form": form
        or MembershipForm(
            initial=MembershipForm.initial_for(membership), organization=organization
        ),
        "search": search,
        "candidates": candidates,
        "pick_form": pick_form or ManagerPickForm(),
        "chain": selectors.member_chain(membership),
        "reports": selectors.member_direct_reports(membership),
    }
    if request.htmx and "q" in request.GET:
        return render(request, "people/members/detail.html#candidates", context)
    return render(request, "people/members/detail.html", context, status=status)


@login_required
def member_detail(
    request: AuthenticatedHttpRequest, organization_id: int, membership_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    membership = membership_get_for_org_admin(
        user=request.user, organization_id=organization.pk, membership_id=membership_id
    )
    form = MembershipForm(posted(request), organization=organization)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, services.membership_update, membership=membership, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, f"{membership.user}'s details are saved.")
            return redirect("people:member", organization.pk, membership.pk)
    return _member_page(
        request,
        organization,
        membership,
        form=form if form.is_bound else None,
        status=400 if form.is_bound else 200,
    )


@login_required
def member_manager(
    request: AuthenticatedHttpRequest, organization_id: int, membership_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    membership = membership_get_for_org_admin(
        user=request.user, organization_id=organization.pk, membership_id=membership_id
    )
    page = reverse("people:member", args=[organization.pk, membership.pk])
    if request.method != "POST":
        # Only the member's page posts here; a reload or a typed address lands back on it.
        return redirect(page)
    form = ManagerPickForm(request.POST)
    manager = None
    if form.is_valid() and not form.cleaned_data["clear"]:
        try:
            manager = membership_get_for_org_admin(
                user=request.user,
                organization_id=organization.pk,
                membership_id=id_from(form.cleaned_data["manager"]) or 0,
            )
        except NotFound:
            form.add_error(None, f"Pick the manager from the current members of {organization}.")
    if form.is_valid():
        saved = run_service(
            form, services.membership_change_manager, membership=membership, manager=manager
        )
        if saved is not None:
            said = "nobody" if manager is None else user_named(manager.user)
            messages.success(request, f"{user_named(membership.user)} now reports to {said}.")
            return redirect(page)
    # Back to the member's page, an address that survives a reload, with the reason and
    # the search the admin picked from.
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    search = ManagerSearchForm(request.POST)
    if search.is_valid():
        return redirect(f"{page}?{urlencode({'q': search.cleaned_data['q']})}")
    return redirect(page)


@require_POST
@login_required
def member_status(
    request: AuthenticatedHttpRequest, organization_id: int, membership_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    membership = membership_get_for_org_admin(
        user=request.user, organization_id=organization.pk, membership_id=membership_id
    )
    try:
        if request.POST.get("status") == Membership.Status.ALUMNI:
            summary = services.membership_mark_alumni(membership=membership, by=request.user)
            messages.success(request, f"{membership.user} is now alumni.{_ended(summary)}")
        elif request.POST.get("status") == Membership.Status.ACTIVE:
            services.membership_make_current(membership=membership)
            messages.success(request, f"{membership.user} is a current member again.")
        else:
            messages.error(request, "Choose current member or alumni.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("people:member", organization.pk, membership.pk)


def _ended(summary: LeaveSummary) -> str:
    parts = [
        (summary.relationships_ended, "relationship", "relationships"),
        (summary.requests_ended, "waiting request", "waiting requests"),
        (summary.proposals_ended, "proposed match", "proposed matches"),
    ]
    said = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
    return f" Ended, with notice to the people in them: {', '.join(said)}." if said else ""
