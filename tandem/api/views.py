"""Pages to make and revoke API tokens: a person's own, and an organization's service tokens."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tandem.accounts.models import Organization
from tandem.api.forms import TokenForm
from tandem.api.models import ApiToken
from tandem.api.services import api_token_revoke, personal_token_create, service_token_create
from tandem.core.errors import NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.spreadsheets import FORMATS, Row
from tandem.policy.access import organization_get_for_admin
from tandem.security.exports import organization_export, personal_export

# What a token list says in a file: never a token's secret, its hash or its first letters.
TOKEN_HEADERS = [
    "Name",
    "Scope",
    "Created (UTC)",
    "Created by",
    "Expires (UTC)",
    "Last used (UTC)",
    "Revoked (UTC)",
]


def _tokens_page(
    request: AuthenticatedHttpRequest,
    *,
    form: TokenForm,
    created: tuple[ApiToken, str] | None,
    tokens: object,
    organization: Organization | None,
) -> HttpResponse:
    response = render(
        request,
        "api/service_tokens.html" if organization else "api/tokens.html",
        {
            "organization": organization,
            "form": form,
            "tokens": tokens,
            "new_token": created[0] if created else None,
            # Shown in this answer only: it is kept nowhere, not even in the session.
            "secret": created[1] if created else None,
            "api_url": request.build_absolute_uri("/api/v1/"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def personal_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List a person's API tokens and make a new one, shown once."""
    form = TokenForm(posted(request))
    created: tuple[ApiToken, str] | None = None
    if form.is_bound and form.is_valid():
        created = run_service(
            form,
            personal_token_create,
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_on=form.cleaned_data["expires_on"],
            request=request,
        )
        if created is not None:
            form = TokenForm()
    return _tokens_page(
        request,
        form=form,
        created=created,
        tokens=ApiToken.objects.filter(user=request.user),
        organization=None,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def personal_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    """Ask the person to confirm, then revoke their token: calls with it stop at once."""
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        raise NotFound("No such token.")
    back = reverse("api:tokens")
    return _revoke(request, token, back=back, organization=None)


@login_required
@require_http_methods(["GET", "POST"])
def service_tokens(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    """List an organization's service tokens and make one, for its admins only."""
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = TokenForm(posted(request))
    created: tuple[ApiToken, str] | None = None
    if form.is_bound and form.is_valid():
        created = run_service(
            form,
            service_token_create,
            organization=organization,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_on=form.cleaned_data["expires_on"],
            created_by=request.user,
            request=request,
        )
        if created is not None:
            form = TokenForm()
    return _tokens_page(
        request,
        form=form,
        created=created,
        tokens=organization.api_tokens.select_related("created_by"),
        organization=organization,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def service_token_revoke(
    request: AuthenticatedHttpRequest, organization_id: int, token_id: int
) -> HttpResponse:
    """Ask the admin to confirm, then revoke a service token."""
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    token = organization.api_tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound("No such token.")
    back = reverse("api:service_tokens", args=[organization.pk])
    return _revoke(request, token, back=back, organization=organization)


def _revoke(
    request: AuthenticatedHttpRequest,
    token: ApiToken,
    *,
    back: str,
    organization: Organization | None,
) -> HttpResponse:
    if token.revoked_at is not None:
        messages.info(request, f"“{token.name}” is already revoked.")
        return redirect(back)
    if request.method == "GET":
        return render(
            request,
            "api/token_revoke.html",
            {"token": token, "back": back, "organization": organization},
        )
    api_token_revoke(token=token, by=request.user, request=request)
    messages.success(request, f"“{token.name}” is revoked. Calls with it are refused from now on.")
    return redirect(back)


def _when(moment: datetime.datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment else ""


def _token_rows(tokens: QuerySet[ApiToken], file_format: str) -> list[Row]:
    if file_format not in FORMATS:
        raise NotFound("No such format.")
    return [
        [
            token.name,
            token.get_scope_display(),
            _when(token.created_at),
            token.created_by.full_name if token.created_by else "",
            _when(token.expires_at),
            _when(token.last_used_at),
            _when(token.revoked_at),
        ]
        for token in tokens.select_related("created_by").order_by("created_at", "pk")
    ]


@login_required
def personal_tokens_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    """Download a person's own API tokens, without their secrets."""
    rows = _token_rows(ApiToken.objects.filter(user=request.user), file_format)
    return personal_export(
        request,
        user=request.user,
        what="api-tokens",
        title="API tokens",
        headers=TOKEN_HEADERS,
        rows=rows,
        file_format=file_format,
    )


@login_required
def service_tokens_export(
    request: AuthenticatedHttpRequest, organization_id: int, file_format: str
) -> HttpResponse:
    """Download an organization's service tokens, for its admins, without their secrets."""
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    rows = _token_rows(organization.api_tokens.all(), file_format)
    return organization_export(
        request,
        organization=organization,
        what="api-service-tokens",
        title="API service tokens",
        headers=TOKEN_HEADERS,
        rows=rows,
        file_format=file_format,
    )
