"""Single sign-on through each organization's own identity provider.

An organization admin registers Tandem at their identity provider; Tandem keeps that
registration as one allauth `SocialApp`, with the organization and its options in the
app's settings: either OpenID Connect (provider "openid_connect", provider id
`org-<slug>`) or SAML 2.0 (provider "saml", provider id `saml-<slug>`, client id `<slug>`,
which names the organization in allauth's `/accounts/saml/<slug>/...` addresses).

The rule for who gets in, whichever the protocol: the provider must vouch for the address
and the address must be at one of the organization's e-mail domains. An OpenID Connect
provider vouches by saying it verified the address (`email_verified`); a SAML identity
provider has no such claim, and its signed assertion about an address at the
organization's own domains is the organization's directory speaking, so it vouches unless
it says otherwise.
Then the person signs in to the Tandem account connected to that provider account, or,
the first time, to the Tandem account with that address (the organization's provider
speaks for its own domains), or, when the organization asked for it, to a new account
with a membership. Anything else is refused with a message, before anyone is signed in.
"""

import functools
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal.flows.email_authentication import wipe_password
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse

from tandem.accounts.middleware import must_use_second_factor
from tandem.accounts.models import Membership, Organization, User
from tandem.accounts.services import membership_create

PROVIDER = "openid_connect"
PROVIDER_ID_PREFIX = "org-"
SAML_PROVIDER = "saml"
SAML_PROVIDER_ID_PREFIX = "saml-"
PROVIDER_ID_PREFIXES = {PROVIDER: PROVIDER_ID_PREFIX, SAML_PROVIDER: SAML_PROVIDER_ID_PREFIX}


@dataclass(frozen=True)
class SignOn:
    """One organization's single sign-on: its provider registration and options."""

    organization: Organization
    app: SocialApp

    @property
    def is_saml(self) -> bool:
        return self.app.provider == SAML_PROVIDER

    @property
    def protocol_name(self) -> str:
        return "SAML 2.0" if self.is_saml else "OpenID Connect"

    @property
    def issuer(self) -> str:
        """The OpenID Connect issuer URL or the SAML identity provider's entity ID."""
        if self.is_saml:
            return str(self.app.settings.get("idp", {}).get("entity_id", ""))
        return str(self.app.settings.get("server_url", ""))

    @property
    def login_url(self) -> str:
        """Where the sign-in entry posts to start this sign-on."""
        if self.is_saml:
            return reverse("saml_login", kwargs={"organization_slug": self.app.client_id})
        return reverse("openid_connect_login", kwargs={"provider_id": self.app.provider_id})

    @property
    def required(self) -> bool:
        """People at the organization's domains may not sign in with a password."""
        return bool(self.app.settings.get("require_sign_on"))

    @property
    def creates_accounts(self) -> bool:
        """New people at the organization's domains get an account and a membership."""
        return bool(self.app.settings.get("create_accounts"))

    @property
    def authorization_origin(self) -> str:
        return str(self.app.settings.get("authorization_origin", ""))

    def covers(self, email: str) -> bool:
        return email_domain(email) in domains_of(self.organization)


def email_domain(email: str) -> str:
    return email.strip().rsplit("@", 1)[-1].lower()


def domains_of(organization: Organization) -> set[str]:
    return {str(domain).strip().lower() for domain in organization.email_domains or []}


def _sign_ons(apps: Any) -> list[SignOn]:
    apps = list(apps)
    ids = {app.settings.get("organization_id") for app in apps}
    organizations = Organization.objects.in_bulk([pk for pk in ids if isinstance(pk, int)])
    return [
        SignOn(organization=organizations[app.settings["organization_id"]], app=app)
        for app in apps
        if app.settings.get("organization_id") in organizations
    ]


def _is_sign_on_app(app: SocialApp) -> bool:
    prefix = PROVIDER_ID_PREFIXES.get(app.provider)
    return prefix is not None and app.provider_id.startswith(prefix)


def sign_on_for_organization(organization: Organization) -> SignOn | None:
    """Return the organization's single sign-on, if it has one."""
    app = SocialApp.objects.filter(
        provider__in=PROVIDER_ID_PREFIXES, settings__organization_id=organization.pk
    ).first()
    return SignOn(organization=organization, app=app) if app else None


def sign_on_for_app(app: SocialApp) -> SignOn | None:
    """Return the single sign-on this provider registration belongs to, if any."""
    if not _is_sign_on_app(app):
        return None
    found = _sign_ons([app])
    return found[0] if found else None


def sign_ons_for_email(email: str) -> list[SignOn]:
    """Return the single sign-ons of the organizations whose domains cover this address."""
    if "@" not in email:
        return []
    # Few organizations set up single sign-on; their domains are checked here in Python
    # so that the lookup reads the same on SQLite and PostgreSQL.
    found = _sign_ons(SocialApp.objects.filter(provider__in=PROVIDER_ID_PREFIXES))
    return sorted(
        (s for s in found if _is_sign_on_app(s.app) and s.covers(email)),
        key=lambda sign_on: sign_on.organization.name,
    )


def required_sign_on_for_email(email: str, *, user: User | None = None) -> SignOn | None:
    """Return the single sign-on that people at this address must use, if any.

    Site staff keep their own way in (a password and Tandem's second factor), whatever an
    organization requires. Pass `user` only once the person has shown they hold that account
    (or when Tandem answers only to that account's own address), so that an address typed
    alone never tells whether it belongs to site staff.
    """
    if (
        user is not None
        and (user.is_staff or user.is_superuser)
        and user.email.lower() == email.strip().lower()
    ):
        return None
    return next((s for s in sign_ons_for_email(email) if s.required), None)


def sign_on_required_message(email: str, sign_on: SignOn, *, not_with: str = "a password") -> str:
    """Say that this address signs in through its organization's sign-on, and where."""
    return (
        f"People at {email_domain(email)} sign in through {sign_on.organization.name}'s "
        f"single sign-on, not with {not_with}. Use “Sign in with your organization's account”."
    )


def sign_in_refused(
    request: HttpRequest | None, *, email: str, sign_on: SignOn | None, provider_id: str = ""
) -> None:
    """Report a sign-in that single sign-on refused, as Django reports any failed sign-in.

    Refusals raise before Django's own report, so they say it here: the security log then
    records the address typed and the organization whose sign-on refused it, never a secret.
    """
    credentials: dict[str, Any] = {"email": email}
    if sign_on is not None:
        credentials["sign_on"] = sign_on.app.provider_id
        credentials["organization_id"] = sign_on.organization.pk
    elif provider_id:
        credentials["sign_on"] = provider_id
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


def _refuse(
    request: HttpRequest,
    message: str,
    *,
    sign_on: SignOn | None,
    provider_id: str = "",
    email: str = "",
) -> ImmediateHttpResponse:
    sign_in_refused(request, email=email, sign_on=sign_on, provider_id=provider_id)
    messages.error(request, message)
    return ImmediateHttpResponse(HttpResponseRedirect(resolve_url(settings.LOGIN_URL)))


def _provider_address(sociallogin: SocialLogin) -> tuple[str, bool]:
    """Return the address the provider gave and whether it says it verified it."""
    for address in sociallogin.email_addresses:
        if address.primary or len(sociallogin.email_addresses) == 1:
            return address.email.strip().lower(), bool(address.verified)
    return "", False


class OrganizationSignOnAdapter(DefaultSocialAccountAdapter):
    """Let people in through their organization's provider only on the rule above."""

    def get_requests_session(self) -> Any:
        """Reach the provider's discovery, keys and tokens only at public addresses.

        The addresses come from a document the organization's admin controls, read again
        at each sign-in; the same checks as when the admin saved them apply.
        """
        from allauth.socialaccount import app_settings as social_settings

        from tandem.accounts.public_http import public_session

        session = public_session()
        session.request = functools.partial(  # type: ignore[method-assign]
            session.request, timeout=social_settings.REQUESTS_TIMEOUT
        )
        return session

    def _sign_on(self, request: HttpRequest, sociallogin: SocialLogin) -> SignOn:
        sign_on = sign_on_for_app(sociallogin.provider.app)
        if sign_on is None:
            raise _refuse(
                request,
                "This single sign-on is no longer set up. Sign in another way.",
                sign_on=None,
                provider_id=sociallogin.provider.app.provider_id,
            )
        return sign_on

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        sign_on = self._sign_on(request, sociallogin)
        name = sign_on.organization.name
        email, verified = _provider_address(sociallogin)

        def refuse(message: str) -> ImmediateHttpResponse:
            return _refuse(request, message, sign_on=sign_on, email=email)

        if not email:
            raise refuse(f"{name}'s sign-in did not tell Tandem your e-mail address.")
        if not verified:
            # While sign-on is required there is no other way in to point to.
            ask = (
                "Ask your IT team to verify it, then sign in through it again."
                if sign_on.required
                else "Ask your IT team to verify it, or sign in with your Tandem password."
            )
            raise refuse(
                f"{name}'s sign-in has not verified your address {email}, so Tandem cannot "
                f"use it. {ask}"
            )
        if not sign_on.covers(email):
            raise refuse(
                f"Your address {email} is not at one of {name}'s e-mail domains, so you "
                f"cannot sign in through {name}'s single sign-on.",
            )
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # Connecting from a signed-in session: only the provider account with one's own
            # address, so that nobody can attach a colleague's identity to their account.
            own = getattr(request.user, "email", "").lower()
            if own != email:
                raise refuse(f"You can connect only the {name} account with your own address.")
            return
        if not sociallogin.is_existing and not sign_on.creates_accounts:
            raise refuse(
                f"No Tandem account uses {email}, and {name} does not create accounts at "
                "sign-in. Ask your organization admin for an invitation.",
            )
        if sociallogin.is_existing:
            assert isinstance(sociallogin.user, User)
            _address_vouched(request, user=sociallogin.user, email=email)
            if sign_on.creates_accounts:
                _ensure_membership(user=sociallogin.user, organization=sign_on.organization)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        """Refuse with a plain message when a provider's answer cannot be accepted.

        A SAML response that is unsigned, wrongly signed, expired or meant for another
        service ends here, before anyone is signed in; the reason goes to the log only.
        """
        app = getattr(provider, "app", None)
        sign_on = sign_on_for_app(app) if isinstance(app, SocialApp) else None
        if sign_on is None:
            return
        name = sign_on.organization.name
        if error == AuthError.CANCELLED:
            message = f"Signing in through {name}'s sign-in was cancelled."
        else:
            message = (
                f"Tandem could not accept the answer from {name}'s sign-in, so nobody was "
                "signed in. Try again; if it happens again, tell your IT team."
            )
        raise _refuse(request, message, sign_on=sign_on)

    def can_authenticate_by_email(self, login: SocialLogin, email: str) -> bool:
        # Only called with addresses the provider verified; the domain makes it authoritative.
        sign_on = sign_on_for_app(login.provider.app)
        return sign_on is not None and sign_on.covers(email)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        sign_on = sign_on_for_app(sociallogin.provider.app)
        return sign_on is not None and sign_on.creates_accounts

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> Any:
        user = sociallogin.user
        assert isinstance(user, User)
        email = (data.get("email") or "").strip().lower()
        given = " ".join(part for part in (data.get("first_name"), data.get("last_name")) if part)
        user.email = email
        user.full_name = (data.get("name") or given or email.split("@")[0])[:150]
        sign_on = sign_on_for_app(sociallogin.provider.app)
        if sign_on is not None and sign_on.is_saml:
            # The rule above: the signed assertion vouches unless it says it did not verify.
            # Marked here, before allauth looks the person up by their verified addresses.
            vouched = data.get("email_verified") is not False
            for address in sociallogin.email_addresses:
                address.verified = vouched
        return user

    @transaction.atomic
    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        sign_on = self._sign_on(request, sociallogin)
        # The provider verified the address: allauth records it as a verified EmailAddress.
        user = super().save_user(request, sociallogin, form)
        _ensure_membership(user=user, organization=sign_on.organization)
        return user


@transaction.atomic
def _address_vouched(request: HttpRequest, *, user: User, email: str) -> None:
    """Mark the person's address verified: their organization's provider vouched for it.

    Reached only for a vouched address at the organization's domains. Someone imported by
    HR holds an unverified address; without this, Tandem would mail them a code to prove
    what their organization's provider has just proven.
    """
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is not None and address.verified:
        return
    # As allauth does when a provider signs in to an account by an unverified address: a
    # password someone else may have set on that address stops working.
    wipe_password(request, user, email)
    if address is None:
        if user.email.lower() != email:
            return  # the provider's address is not this account's: leave it unproven
        primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=primary)
        return
    address.verified = True
    address.save(update_fields=["verified"])


def _ensure_membership(*, user: User, organization: Organization) -> None:
    # A former member who still holds an account at the provider stays alumni here.
    if not Membership.objects.filter(user=user, organization=organization).exists():
        membership_create(user=user, organization=organization)


class SignOnRequiredBackend(ModelBackend):
    """Refuse password sign-in for addresses whose organization requires its single sign-on.

    Listed before the password backends, it authenticates nobody and only refuses: the
    ValidationError reaches the sign-in form as its message. The rule depends on the domain
    alone, so the refusal says nothing about whether an account exists; site staff, who are
    exempt, get the same refusal unless their password is right. It inherits ModelBackend's
    user lookup because Django hands sessions to the first listed backend.
    """

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, **credentials: Any
    ) -> None:
        email = credentials.get("email") or credentials.get("username") or ""
        password = credentials.get("password")
        if password is None or not isinstance(email, str):
            return None
        sign_on = required_sign_on_for_email(email)
        if sign_on is None:
            return None
        if required_sign_on_for_email(email, user=_password_holder(email, password)) is None:
            return None  # site staff with their password: the password backend lets them in
        # Django reports a failed sign-in only when no backend raised; this one raises.
        sign_in_refused(request, email=email, sign_on=sign_on)
        raise ValidationError(sign_on_required_message(email, sign_on), code="sign_on_required")


def _password_holder(email: str, password: str) -> User | None:
    """Return the account with this address if the password is its own."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        # Hash anyway, as Django's own backend does, so that the time taken tells nothing.
        User().set_password(password)
        return None
    return user if user.check_password(password) else None


class SignOnAwareAuthenticateStage(AuthenticateStage):
    """Ask for Tandem's second factor, except of members after their organization's sign-on.

    The organization's provider decides how its members prove who they are. Admins and
    site staff must use Tandem's second factor however they sign in, as the middleware
    that makes them set one up requires.
    """

    def _should_handle(self, request: HttpRequest) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        user = self.login.user
        if (
            sociallogin is not None
            and isinstance(user, User)
            and sign_on_for_app(sociallogin.provider.app) is not None
            and not must_use_second_factor(user)
        ):
            return False
        return super()._should_handle(request)
