"""Set up an organization's single sign-on through its OpenID Connect provider."""

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import transaction

from tandem.accounts.models import Organization
from tandem.accounts.social import (
    PROVIDER,
    PROVIDER_ID_PREFIX,
    SignOn,
    domains_of,
    sign_on_for_organization,
)
from tandem.core.errors import DomainError

# The admin waits for this check; a provider that takes longer is treated as unreachable.
DISCOVERY_TIMEOUT_SECONDS = 5.0
DISCOVERY_PATH = "/.well-known/openid-configuration"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(url: str, *, field: str, what: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DomainError(f"The {what} must be a web address.", field=field)
    if parts.username or parts.password:
        raise DomainError(f"The {what} must not contain a name or password.", field=field)
    if parts.scheme != "https" and not (
        settings.SIGN_ON_ALLOW_LOOPBACK_HTTP and _is_loopback(parts.hostname)
    ):
        raise DomainError(f"The {what} must start with https://.", field=field)


def provider_id_for(organization: Organization) -> str:
    """Return the provider id the organization's registration gets when it is first made."""
    return f"{PROVIDER_ID_PREFIX}{organization.slug}"


def issuer_discover(*, issuer: str) -> dict[str, Any]:
    """Fetch and check the provider's discovery document; explain any failure in plain words."""
    issuer = issuer.strip().rstrip("/")
    _check_url(issuer, field="issuer", what="issuer URL")
    url = issuer + DISCOVERY_PATH
    unreachable = (
        f"Tandem could not read {url}. Check the issuer URL, and that the provider answers "
        "from the internet."
    )
    try:
        response = requests.get(url, timeout=DISCOVERY_TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException:
        raise DomainError(unreachable, field="issuer") from None
    if response.status_code != 200:
        raise DomainError(
            f"{url} answered with status {response.status_code}, not the provider's "
            "configuration. Check the issuer URL.",
            field="issuer",
        )
    try:
        config = response.json()
    except ValueError:
        config = None
    if not isinstance(config, dict):
        raise DomainError(f"{url} did not answer with an OpenID configuration.", field="issuer")
    if str(config.get("issuer", "")).rstrip("/") != issuer:
        raise DomainError(
            f"The provider calls itself “{config.get('issuer', '')}”, not “{issuer}”. "
            "Use the issuer URL exactly as your provider gives it.",
            field="issuer",
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        endpoint = config.get(key)
        if not isinstance(endpoint, str):
            raise DomainError(f"The provider's configuration has no {key}.", field="issuer")
        _check_url(endpoint, field="issuer", what=f"provider's {key}")
    return config


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@transaction.atomic
def sign_on_configure(
    *,
    organization: Organization,
    issuer: str,
    client_id: str,
    client_secret: str = "",
    require_sign_on: bool = False,
    create_accounts: bool = False,
) -> SignOn:
    """Register or update the organization's OpenID Connect provider and its options."""
    if not domains_of(organization):
        raise DomainError(
            "Single sign-on needs your organization's e-mail domains, so Tandem knows whom "
            "your provider speaks for. Ask site staff to add them first."
        )
    client_id = client_id.strip()
    if not client_id:
        raise DomainError("Enter the client ID your provider gave you.", field="client_id")
    config = issuer_discover(issuer=issuer)
    # Lock the organization's row so two admins saving at once keep one registration.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    current = sign_on_for_organization(organization)
    app = current.app if current else SocialApp(provider=PROVIDER)
    if current is None:
        app.provider_id = provider_id_for(organization)
        if SocialApp.objects.filter(provider=PROVIDER, provider_id=app.provider_id).exists():
            raise DomainError("Another sign-on already uses this organization's name.")
    if client_secret:
        app.secret = client_secret.strip()
    if not app.secret:
        raise DomainError("Enter the client secret your provider gave you.", field="client_secret")
    app.name = organization.name[:40]
    app.client_id = client_id
    app.settings = {
        "server_url": config["issuer"].rstrip("/"),
        "oauth_pkce_enabled": True,
        "organization_id": organization.pk,
        "require_sign_on": require_sign_on,
        "create_accounts": create_accounts,
        # The login page's CSP must let the browser post on to the provider.
        "authorization_origin": _origin(config["authorization_endpoint"]),
    }
    app.save()
    return SignOn(organization=organization, app=app)


@transaction.atomic
def sign_on_remove(*, organization: Organization) -> None:
    """Stop signing the organization's people in through its provider."""
    current = sign_on_for_organization(organization)
    if current is None:
        raise DomainError("Your organization has no single sign-on to turn off.")
    # Connected provider accounts stay, so turning sign-on back on reconnects the same people.
    current.app.delete()
