"""The audit trail and the security log of one organization, for its admins."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tandem.core.http import AuthenticatedHttpRequest
from tandem.people.forms.audit import AuditFilterForm, SecurityFilterForm
from tandem.people.selectors import audit as selectors
from tandem.policy.access import organization_get_for_admin
from tandem.security.selectors import security_events_for_organization

PAGE_SIZE = 50


@never_cache
@login_required
def audit_trail(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = AuditFilterForm(request.GET or None, organization=organization)
    kind, person, reason = form.filters()
    records = selectors.audit_records(
        organization=organization, kind=kind, person=person, reason=reason
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/audit/trail.html",
        {
            "organization": organization,
            "form": form,
            "page": page,
            "entries": selectors.audit_entries(page.object_list),
            "imports": selectors.import_runs(organization=organization),
            "reason": reason,
        },
    )


@never_cache
@login_required
def security_log(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = SecurityFilterForm(request.GET or None)
    events = security_events_for_organization(organization=organization)
    if kind := form.kind_filter() if form.is_bound else "":
        events = events.filter(kind=kind)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/audit/security.html",
        {
            "organization": organization,
            "form": form,
            "page": page,
            "retention_days": settings.SECURITY_LOG_RETENTION_DAYS,
        },
    )
