"""Single sign-on: the organization admin's settings page and the sign-in entry."""

from allauth.utils import build_absolute_uri
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tandem.accounts.models import Organization
from tandem.accounts.social import SignOn, sign_on_for_organization, sign_ons_for_email
from tandem.core.errors import DomainError
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.people.forms.sign_on import OIDC, SignOnSettingsForm, SignOnStartForm
from tandem.people.services import sign_on as services
from tandem.policy.access import organization_get_for_admin


@never_cache
@login_required
def sign_on_settings(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    sign_on = sign_on_for_organization(organization)
    form = SignOnSettingsForm(posted(request), sign_on=sign_on)
    if request.method == "POST" and form.is_valid():
        configure = (
            services.sign_on_configure
            if form.cleaned_data["protocol"] == OIDC
            else services.sign_on_configure_saml
        )
        saved = run_service(
            form,
            configure,
            organization=organization,
            request=request,
            **form.service_arguments(),
        )
        if saved is not None:
            messages.success(request, "Single sign-on is saved.")
            return redirect("people:sign_on", organization.pk)
    return render(
        request,
        "people/sign_on/settings.html",
        {
            "organization": organization,
            "sign_on": sign_on,
            "form": form,
            "domains": sorted(organization.email_domains or []),
            **_registration_addresses(request, organization, sign_on),
        },
        status=400 if form.is_bound else 200,
    )


def _registration_addresses(
    request: HttpRequest, organization: Organization, sign_on: SignOn | None
) -> dict[str, str]:
    """Return the addresses the admin gives their provider, on the host they opened."""
    oidc_id = services.provider_id_for(organization)
    saml_slug = organization.slug
    if sign_on is not None and sign_on.is_saml:
        saml_slug = sign_on.app.client_id
    elif sign_on is not None:
        oidc_id = sign_on.app.provider_id
    callback = reverse("openid_connect_callback", kwargs={"provider_id": oidc_id})
    saml = {"organization_slug": saml_slug}
    return {
        "redirect_uri": build_absolute_uri(request, callback),
        # Built as allauth's SAML views build them, which name Tandem's service provider
        # by its metadata address and check each response's destination against the ACS.
        "saml_entity_id": request.build_absolute_uri(reverse("saml_metadata", kwargs=saml)),
        "saml_acs_url": request.build_absolute_uri(reverse("saml_acs", kwargs=saml)),
    }


def saml_metadata(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """Serve Tandem's SAML service-provider metadata, at the address that is its entity ID."""
    metadata = services.saml_metadata_build(request=request, organization_slug=organization_slug)
    if metadata is None:
        raise Http404("No such organization.")
    return HttpResponse(metadata, content_type="text/xml")


@require_POST
@login_required
def sign_on_turn_off(request: AuthenticatedHttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get_for_admin(user=request.user, organization_id=organization_id)
    try:
        services.sign_on_remove(organization=organization, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Single sign-on is off. People sign in with passwords again.")
    return redirect("people:sign_on", organization.pk)


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return next_url if allowed else ""


@never_cache
def sign_on_start(request: HttpRequest) -> HttpResponse:
    """Find the organization whose provider signs this address in, and send the person there."""
    initial = {"email": request.GET.get("email", "")[:254]}
    form = SignOnStartForm(posted(request), initial=initial)
    next_url = _safe_next(request)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        sign_ons = sign_ons_for_email(email)
        if sign_ons:
            response = render(
                request,
                "people/sign_on/continue.html",
                {"sign_ons": sign_ons, "email": email, "next": next_url},
            )
            # Posting on to a provider is a form submission that ends on the provider's
            # origin; the CSP's form-action must name it or the browser stops there.
            origins = sorted({s.authorization_origin for s in sign_ons if s.authorization_origin})
            response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
            return response
        domain = email.rsplit("@", 1)[-1]
        form.add_error(
            "email",
            f"No organization signs in people at {domain} through single sign-on. "
            "Sign in with your password instead.",
        )
    return render(
        request,
        "people/sign_on/start.html",
        {"form": form, "next": next_url},
        status=400 if form.is_bound else 200,
    )
