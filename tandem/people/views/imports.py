"""The people import: upload a file, read the preview and the errors, then confirm."""

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from tandem.accounts.models import Organization
from tandem.core.errors import DomainError
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import CONTENT_TYPES
from tandem.people.forms.imports import ImportConfirmForm, ImportUploadForm
from tandem.people.models import ImportBatch
from tandem.people.services import import_batches, imports
from tandem.policy.access import organization_get_for_admin
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record

# Each list of the preview shows this many rows, then says how many more there are.
SHOWN = 100
ERRORS_PER_PAGE = 200
EXAMPLE = [
    [
        "ada.okafor@example.org",
        "Ada Okafor",
        "Operations",
        "Director",
        "",
        "Europe/London",
        "London",
        "admin",
    ],
    [
        "mo.haddad@example.org",
        "Mo Haddad",
        "Operations",
        "Team lead",
        "ada.okafor@example.org",
        "Europe/London",
        "Leeds",
        "member",
    ],
    [
        "mia.santos@example.org",
        "Mia Santos",
        "Finance",
        "Analyst",
        "mo.haddad@example.org",
        "America/New_York",
        "",
        "",
    ],
]


def _batch(organization_id: int, batch_id: int) -> ImportBatch:
    return get_object_or_404(ImportBatch, pk=batch_id, organization_id=organization_id)


def _members_url(organization_id: int) -> str:
    try:
        return reverse("people:members", args=[organization_id])
    except NoReverseMatch:
        return reverse("people:home", args=[organization_id])


def _record_refusal(
    request: AuthenticatedHttpRequest,
    organization_id: int,
    *,
    name: str,
    errors: int,
    stage: str,
    batch_id: int | None = None,
) -> None:
    # Who, when, which file and how many errors: never a cell of the file.
    detail: dict[str, str | int] = {"file": name[:120], "errors": errors, "stage": stage}
    if batch_id is not None:
        detail["batch"] = batch_id
    security_event_record(
        kind=SecurityEvent.Kind.IMPORT_REFUSED,
        request=request,
        organization_id=organization_id,
        detail=detail,
    )


def _refusal_recorded(organization_id: int, batch_id: int) -> bool:
    # Once per upload, however often its preview is opened again.
    return SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.IMPORT_REFUSED,
        organization_id=organization_id,
        detail__batch=batch_id,
    ).exists()


@login_required
def import_upload(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = ImportUploadForm(posted(request), request.FILES or None)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = run_service(
            form,
            import_batches.import_batch_create,
            organization=organization,
            by=request.user,
            name=upload.name,
            content=upload.read(),
            mark_leavers=form.cleaned_data["mark_leavers"],
            allow_new_departments=form.cleaned_data["allow_new_departments"],
        )
        if batch is not None:
            return redirect("people:import_preview", organization.pk, batch.pk)
    refused = request.FILES.get("file") if form.is_bound and form.errors else None
    if refused is not None:
        _record_refusal(
            request,
            organization.pk,
            name=refused.name or "",
            errors=sum(len(errors) for errors in form.errors.values()),
            stage="upload",
        )
    return render(
        request,
        "people/imports/upload.html",
        {
            "organization": organization,
            "form": form,
            "columns": imports.COLUMNS,
            "domains": sorted(organization.email_domains or []),
        },
    )


@login_required
def import_template(
    request: AuthenticatedHttpRequest, organization_id: int, kind: str
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    if kind not in ("csv", "xlsx"):
        raise Http404
    # The example people have addresses at the organization's own domain, so that the
    # template imports as it is (an address at another domain is a row error).
    domain = next(iter(organization.email_domains or []), "example.org")
    rows = [[cell.replace("@example.org", f"@{domain}") for cell in row] for row in EXAMPLE]
    dataset = tablib.Dataset(*rows, headers=list(imports.COLUMNS))
    response = HttpResponse(dataset.export(kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="people-template.{kind}"'
    return response


@login_required
def import_preview(
    request: AuthenticatedHttpRequest, organization_id: int, batch_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    batch = ImportBatch.objects.filter(pk=batch_id, organization_id=organization.pk).first()
    if batch is None:
        # Going back to an upload that was set aside, or pruned after a day.
        messages.info(
            request,
            "That upload was set aside or has expired. The members list shows who is in "
            "your organization now; upload a file to import again.",
        )
        return redirect("people:import", organization.pk)
    form = ImportConfirmForm(posted(request))
    if batch.state in (ImportBatch.State.PREVIEW, ImportBatch.State.FAILED):
        if form.is_bound and form.is_valid():
            confirmed = run_service(
                form,
                import_batches.import_batch_confirm,
                batch=batch,
                by=request.user,
                send_invitations=form.cleaned_data["send_invitations"],
            )
            if confirmed is not None:
                return redirect("people:import_preview", organization.pk, batch.pk)
        if batch.state == ImportBatch.State.PREVIEW:
            return _preview(request, organization, batch, form)
    if request.htmx and not batch.running:
        return HttpResponseClientRefresh()
    template = "people/imports/progress.html" + ("#progress" if request.htmx else "")
    return render(
        request,
        template,
        {
            "organization": organization,
            "batch": batch,
            "form": form,
            "members_url": _members_url(organization.pk),
        },
    )


def _preview(
    request: AuthenticatedHttpRequest,
    organization: Organization,
    batch: ImportBatch,
    form: ImportConfirmForm,
) -> HttpResponse:
    plan = imports.import_plan(
        organization=organization,
        table=imports.Table(batch.columns, batch.rows),
        mark_leavers=batch.mark_leavers,
        allow_new_departments=batch.allow_new_departments,
        by=request.user,
    )
    if plan.errors and not _refusal_recorded(organization.pk, batch.pk):
        _record_refusal(
            request,
            organization.pk,
            name=batch.file_name,
            errors=len(plan.errors),
            stage="preview",
            batch_id=batch.pk,
        )
    errors = Paginator(plan.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/imports/preview.html",
        {
            "organization": organization,
            "batch": batch,
            "plan": plan,
            "errors": errors,
            "error_rows": len({e.line for e in plan.errors if e.line is not None}),
            "form": form,
            "shown": SHOWN,
            "lists": {
                "new_people": plan.new_people[:SHOWN],
                "joining": plan.joining[:SHOWN],
                "changes": plan.changes[:SHOWN],
                "leavers": plan.leavers[:SHOWN],
                "erased": plan.erased[:SHOWN],
            },
        },
    )


@login_required
@require_POST
def import_discard(
    request: AuthenticatedHttpRequest, organization_id: int, batch_id: int
) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    batch = _batch(organization.pk, batch_id)
    try:
        import_batches.import_batch_discard(batch=batch)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("people:import_preview", organization.pk, batch.pk)
    return redirect("people:import", organization.pk)
