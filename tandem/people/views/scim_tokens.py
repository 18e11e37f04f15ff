"""The organization admin's SCIM page: tokens for identity providers, and where to point them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tandem.core.errors import NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.people.forms.scim import ScimTokenForm
from tandem.people.models import ScimToken
from tandem.people.services.scim import scim_token_create, scim_token_revoke
from tandem.policy.access import organization_get_for_admin


@login_required
def scim_tokens(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    form = ScimTokenForm(posted(request))
    created: tuple[ScimToken, str] | None = None
    if form.is_bound and form.is_valid():
        created = run_service(
            form,
            scim_token_create,
            organization=organization,
            name=form.cleaned_data["name"],
            created_by=request.user,
            request=request,
        )
        if created is not None:
            form = ScimTokenForm()
    response = render(
        request,
        "people/scim/tokens.html",
        {
            "organization": organization,
            "form": form,
            "tokens": organization.scim_tokens.select_related("created_by"),
            "new_token": created[0] if created else None,
            # Shown in this answer only: it is kept nowhere, not even in the session.
            "secret": created[1] if created else None,
            # The address this page was reached at, which is the one the provider can reach
            # too, even when SITE_URL names another port or host.
            "base_url": request.build_absolute_uri(reverse("scim:users").removesuffix("Users")),
            "domains": organization.email_domains,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def scim_token_revoke_view(
    request: AuthenticatedHttpRequest, organization_id: int, token_id: int
) -> HttpResponse:
    """Ask the admin to confirm, then revoke: a provider stops syncing at once."""
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    token = organization.scim_tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is not None:
        messages.info(request, f"“{token.name}” is already revoked.")
        return redirect("people:scim_tokens", organization.pk)
    if request.method == "GET":
        return render(
            request, "people/scim/token_revoke.html", {"organization": organization, "token": token}
        )
    scim_token_revoke(token=token, by=request.user, request=request)
    messages.success(request, f"“{token.name}” is revoked. Calls with it are refused from now on.")
    return redirect("people:scim_tokens", organization.pk)
