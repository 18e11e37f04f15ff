"""Downloads of the organization's admin lists, as CSV or Excel, with the list's filters."""

from collections.abc import Iterable, Sequence

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from tandem.accounts.models import Organization
from tandem.accounts.reauthentication import reauthentication_required
from tandem.core.errors import NotFound
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, Row, file_name, spreadsheet_response
from tandem.people.forms.audit import AuditFilterForm, SecurityFilterForm
from tandem.people.selectors import list_exports as selectors
from tandem.policy.access import organization_get_for_admin
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record


def _organization(
    request: AuthenticatedHttpRequest, organization_id: int, file_format: str
) -> Organization:
    # Whom the list is for is checked before anything else, so that a member who is no
    # admin meets the same "not found" as on the list itself.
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    return organization


def _send(
    organization: Organization,
    what: str,
    title: str,
    headers: list[str],
    rows: Iterable[Row],
    file_format: str,
) -> HttpResponse:
    return spreadsheet_response(
        headers=headers,
        rows=rows,
        file_format=file_format,
        name=file_name(slug=organization.slug, what=what, file_format=file_format),
        title=title,
    )


@login_required
def department_export(
    request: AuthenticatedHttpRequest, organization_id: int, file_format: str
) -> HttpResponse:
    organization = _organization(request, organization_id, file_format)
    rows = selectors.department_rows(organization)
    return _send(
        organization, "departments", "Departments", selectors.DEPARTMENT_HEADERS, rows, file_format
    )


@login_required
def partner_export(
    request: AuthenticatedHttpRequest, organization_id: int, file_format: str
) -> HttpResponse:
    organization = _organization(request, organization_id, file_format)
    rows = selectors.partner_rows(organization)
    return _send(organization, "partners", "Partners", selectors.PARTNER_HEADERS, rows, file_format)


@login_required
def program_runner_export(
    request: AuthenticatedHttpRequest, organization_id: int, file_format: str
) -> HttpResponse:
    organization = _organization(request, organization_id, file_format)
    rows = selectors.program_runner_rows(organization)
    return _send(
        organization,
        "program-runners",
        "Who may run programs",
        selectors.RUNNER_HEADERS,
        rows,
        file_format,
    )


@login_required
def audit_export(
    request: AuthenticatedHttpRequest, organization_id: int, file_format: str
) -> HttpResponse:
    organization = _organization(request, organization_id, file_format)
    return _audit_export(request, organization, file_format)


@reauthentication_required
def _audit_export(
    request: AuthenticatedHttpRequest, organization: Organization, file_format: str
) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, organization=organization)
    kind, person, reason = form.filters()
    rows, capped = selectors.audit_rows(
        organization=organization, kind=kind, person=person, reason=reason
    )
    filters = {"kind": kind, "person": person.email if person else "", "reason": reason}
    return _send_log(
        request,
        organization,
        "audit-trail",
        "Audit trail",
        selectors.AUDIT_HEADERS,
        rows,
        capped=capped,
        file_format=file_format,
        filters=filters,
    )


@login_required
def security_export(
    request: AuthenticatedHttpRequest, organization_id: int, file_format: str
) -> HttpResponse:
    organization = _organization(request, organization_id, file_format)
    return _security_export(request, organization, file_format)


@reauthentication_required
def _security_export(
    request: AuthenticatedHttpRequest, organization: Organization, file_format: str
) -> HttpResponse:
    form = SecurityFilterForm(request.GET or None)
    kind = form.kind_filter() if form.is_bound else ""
    rows, capped = selectors.security_rows(organization=organization, kind=kind)
    return _send_log(
        request,
        organization,
        "security-log",
        "Security log",
        selectors.SECURITY_HEADERS,
        rows,
        capped=capped,
        file_format=file_format,
        filters={"kind": kind},
    )


def _send_log(
    request: AuthenticatedHttpRequest,
    organization: Organization,
    what: str,
    title: str,
    headers: list[str],
    rows: Sequence[Row],
    *,
    capped: bool,
    file_format: str,
    filters: dict[str, str],
) -> HttpResponse:
    # A file cut short says so in its name, so nobody takes it for the whole log.
    name = f"{what}-newest-{len(rows)}" if capped else what
    response = _send(organization, name, title, headers, rows, file_format)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        organization_id=organization.pk,
        detail={
            "what": what,
            "format": file_format,
            "rows": len(rows),
            "capped": capped,
            "filters": {key: value for key, value in filters.items() if value},
        },
    )
    return response
