"""The organization admin's webhook pages: endpoints, their secrets, and their delivery logs."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, Row
from tandem.policy.access import (
    organization_get_for_admin,
    webhook_delivery_get_for_admin,
    webhook_endpoint_get_for_admin,
)
from tandem.security.exports import organization_export
from tandem.webhooks.forms import EndpointChangeForm, EndpointForm
from tandem.webhooks.models import Endpoint
from tandem.webhooks.services import (
    delivery_replay,
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_send_test,
    endpoint_update,
)

DELIVERIES_PER_PAGE = 25


def _no_store(response: HttpResponse) -> HttpResponse:
    # A page may show a secret; no cache keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def endpoint_list(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = EndpointForm(posted(request))
    created: tuple[Endpoint, str] | None = None
    if form.is_bound and form.is_valid():
        created = run_service(
            form,
            endpoint_create,
            organization=organization,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=form.cleaned_data["events"],
            created_by=request.user,
            request=request,
        )
        if created is not None:
            form = EndpointForm()
    return _no_store(
        render(
            request,
            "webhooks/endpoints.html",
            {
                "organization": organization,
                "form": form,
                "endpoints": organization.webhook_endpoints.all(),
                "new_endpoint": created[0] if created else None,
                # Shown in this answer only; the session never holds it.
                "secret": created[1] if created else None,
                # A development or demo setting: say so where the rule is stated.
                "private_allowed": settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES,
            },
        )
    )


@never_cache
@login_required
def endpoint_detail(
    request: AuthenticatedHttpRequest, organization_id: int, endpoint_id: int
) -> HttpResponse:
    """Show an endpoint's delivery log, newest first, with its actions."""
    endpoint = webhook_endpoint_get_for_admin(
        user=request.user, organization_id=organization_id, endpoint_id=endpoint_id
    )
    deliveries = endpoint.deliveries.only(
        "pk",
        "event_id",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "response_code",
        "error",
        "duration_ms",
        "replay_of_id",
        "created_at",
        "endpoint_id",
    )
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/endpoint.html",
        {"organization": endpoint.organization, "endpoint": endpoint, "page": page},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(
    request: AuthenticatedHttpRequest, organization_id: int, endpoint_id: int
) -> HttpResponse:
    endpoint = webhook_endpoint_get_for_admin(
        user=request.user, organization_id=organization_id, endpoint_id=endpoint_id
    )
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "enabled": endpoint.enabled,
    }
    form = EndpointChangeForm(posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        updated = run_service(
            form,
            endpoint_update,
            endpoint=endpoint,
            by=request.user,
            request=request,
            **form.cleaned_data,
        )
        if updated is not None:
            messages.success(request, "The endpoint is saved.")
            return redirect("webhooks:endpoint", organization_id, endpoint.pk)
    return render(
        request,
        "webhooks/endpoint_edit.html",
        {"organization": endpoint.organization, "endpoint": endpoint, "form": form},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def endpoint_secret(
    request: AuthenticatedHttpRequest, organization_id: int, endpoint_id: int
) -> HttpResponse:
    """Ask the admin to confirm, then rotate the secret and show the new one once."""
    endpoint = webhook_endpoint_get_for_admin(
        user=request.user, organization_id=organization_id, endpoint_id=endpoint_id
    )
    secret = None
    if request.method == "POST":
        try:
            endpoint, secret = endpoint_rotate_secret(
                endpoint=endpoint,
                by=request.user,
                request=request,
                made_at=request.POST.get("made_at"),
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("webhooks:endpoint", organization_id, endpoint.pk)
    return _no_store(
        render(
            request,
            "webhooks/endpoint_secret.html",
            {"organization": endpoint.organization, "endpoint": endpoint, "secret": secret},
        )
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def endpoint_remove(
    request: AuthenticatedHttpRequest, organization_id: int, endpoint_id: int
) -> HttpResponse:
    endpoint = webhook_endpoint_get_for_admin(
        user=request.user, organization_id=organization_id, endpoint_id=endpoint_id
    )
    if request.method == "GET":
        return render(
            request,
            "webhooks/endpoint_delete.html",
            {
                "organization": endpoint.organization,
                "endpoint": endpoint,
                "deliveries": endpoint.deliveries.count(),
            },
        )
    endpoint_delete(endpoint=endpoint, by=request.user, request=request)
    messages.success(request, "The endpoint is deleted; nothing more is sent to it.")
    return redirect("webhooks:endpoints", organization_id)


@login_required
@require_POST
def endpoint_test(
    request: AuthenticatedHttpRequest, organization_id: int, endpoint_id: int
) -> HttpResponse:
    endpoint = webhook_endpoint_get_for_admin(
        user=request.user, organization_id=organization_id, endpoint_id=endpoint_id
    )
    endpoint_send_test(endpoint=endpoint)
    messages.success(request, "A test event is on its way; its delivery is at the top of the log.")
    return redirect("webhooks:endpoint", organization_id, endpoint.pk)


@never_cache
@login_required
def delivery_detail(
    request: AuthenticatedHttpRequest, organization_id: int, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    """Show what was sent and what the endpoint answered."""
    endpoint = webhook_endpoint_get_for_admin(
        user=request.user, organization_id=organization_id, endpoint_id=endpoint_id
    )
    delivery = webhook_delivery_get_for_admin(
        user=request.user, endpoint=endpoint, delivery_id=delivery_id
    )
    return render(
        request,
        "webhooks/delivery.html",
        {
            "organization": endpoint.organization,
            "endpoint": endpoint,
            "delivery": delivery,
            "replays": delivery.replays.order_by("-created_at", "-pk"),
        },
    )


@login_required
@require_POST
def delivery_replay_view(
    request: AuthenticatedHttpRequest, organization_id: int, endpoint_id: int, delivery_id: int
) -> HttpResponse:
    """Send a delivery's event again: a new delivery with the same event id."""
    endpoint = webhook_endpoint_get_for_admin(
        user=request.user, organization_id=organization_id, endpoint_id=endpoint_id
    )
    delivery = webhook_delivery_get_for_admin(
        user=request.user, endpoint=endpoint, delivery_id=delivery_id
    )
    try:
        replay = delivery_replay(delivery=delivery)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("webhooks:delivery", organization_id, endpoint.pk, delivery.pk)
    messages.success(request, "The event is sent again, as a new delivery with the same event id.")
    return redirect("webhooks:delivery", organization_id, endpoint.pk, replay.pk)


@login_required
def endpoint_deliveries_export(
    request: AuthenticatedHttpRequest, organization_id: int, endpoint_id: int, file_format: str
) -> HttpResponse:
    """The endpoint's whole delivery log, newest first, without the bodies."""
    endpoint = webhook_endpoint_get_for_admin(
        user=request.user, organization_id=organization_id, endpoint_id=endpoint_id
    )
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    rows: list[Row] = [
        [
            f"{d.created_at:%Y-%m-%d %H:%M:%S}",
            d.kind,
            str(d.event_id),
            d.get_status_display(),
            d.attempts,
            d.response_code or "",
            d.error,
            d.duration_ms if d.duration_ms is not None else "",
        ]
        for d in endpoint.deliveries.order_by("-created_at", "-pk").iterator(chunk_size=2000)
    ]
    return organization_export(
        request,
        organization=endpoint.organization,
        what="webhook-deliveries",
        title="Webhook deliveries",
        headers=[
            "Created (UTC)",
            "Event",
            "Event id",
            "Status",
            "Attempts",
            "Answer",
            "Error",
            "Duration (ms)",
        ],
        rows=rows,
        file_format=file_format,
        detail={"endpoint": endpoint.pk},
    )


@login_required
def endpoint_list_export(
    request: AuthenticatedHttpRequest, organization_id: int, file_format: str
) -> HttpResponse:
    """The organization's webhook endpoints, without their secrets."""
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    rows: list[Row] = [
        [
            endpoint.url,
            endpoint.description,
            ", ".join(endpoint.event_labels()),
            "On" if endpoint.enabled else "Off",
            f"{endpoint.created_at:%Y-%m-%d %H:%M:%S}",
            endpoint.created_by.full_name if endpoint.created_by else "",
            f"{endpoint.secret_rotated_at:%Y-%m-%d %H:%M:%S}",
        ]
        for endpoint in organization.webhook_endpoints.select_related("created_by").order_by(
            "created_at", "pk"
        )
    ]
    return organization_export(
        request,
        organization=organization,
        what="webhook-endpoints",
        title="Webhook endpoints",
        headers=[
            "URL",
            "Description",
            "Events",
            "State",
            "Added (UTC)",
            "Added by",
            "Secret last changed (UTC)",
        ],
        rows=rows,
        file_format=file_format,
    )
