"""The members export: asked for from the list, watched while it is built, then downloaded."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from tandem.accounts.models import Organization
from tandem.accounts.reauthentication import reauthentication_required
from tandem.core.errors import NotFound
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import CONTENT_TYPES
from tandem.people.forms.members import MemberExportForm, MemberFilterForm
from tandem.people.models import MemberExport
from tandem.people.services.member_exports import member_export_request
from tandem.policy.access import member_export_get_for_requester, organization_get_for_admin
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record


@require_POST
@login_required
def member_export_create(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    # Whom the export is for is checked before the password is asked for again, so that
    # a member who is no admin meets the same "not found" as on every other admin page.
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    return _member_export_create(request, organization)


@reauthentication_required
def _member_export_create(
    request: AuthenticatedHttpRequest, organization: Organization
) -> HttpResponse:
    form = MemberExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose CSV or Excel for the export.")
        return redirect("people:members", organization.pk)
    filters = MemberFilterForm(request.POST, organization=organization).filters()
    export = member_export_request(
        organization=organization,
        by=request.user,
        file_format=form.cleaned_data["file_format"],
        filters=filters,
    )
    return redirect("people:members_export", organization.pk, export.pk)


@never_cache
@login_required
def member_export_detail(
    request: AuthenticatedHttpRequest, organization_id: int, export_id: int
) -> HttpResponse:
    export = member_export_get_for_requester(
        user=request.user, organization_id=organization_id, export_id=export_id
    )
    waiting = export.status in (MemberExport.Status.WAITING, MemberExport.Status.BUILDING)
    if request.htmx and not request.htmx.history_restore_request:
        # The progress card polls this page; once the file is ready (or failed), the whole
        # page is drawn again to show the download link.
        if not waiting:
            return HttpResponseClientRefresh()
        return render(request, "people/members/export.html#progress", {"export": export})
    return render(
        request,
        "people/members/export.html",
        {"organization": export.organization, "export": export, "waiting": waiting},
    )


@never_cache
@login_required
def member_export_download(
    request: AuthenticatedHttpRequest, organization_id: int, export_id: int
) -> HttpResponseBase:
    export = member_export_get_for_requester(
        user=request.user, organization_id=organization_id, export_id=export_id
    )
    if export.status != MemberExport.Status.READY:
        raise NotFound("The file is not ready.")
    return _member_export_download(request, export)


@reauthentication_required
def _member_export_download(
    request: AuthenticatedHttpRequest, export: MemberExport
) -> HttpResponseBase:
    if not default_storage.exists(export.file_name):
        raise NotFound("The file is gone.")
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        organization_id=export.organization_id,
        detail={"what": "members", "format": export.file_format, "rows": export.rows_done},
    )
    slug = export.organization.slug
    name = f"{slug}-members-{timezone.localtime(export.created_at):%Y-%m-%d}.{export.file_format}"
    return FileResponse(
        default_storage.open(export.file_name, "rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES[export.file_format],
    )
