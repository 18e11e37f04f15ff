"""Set up an organization's single sign-on through its OpenID Connect or SAML provider."""

import base64
import binascii
import copy
import datetime
import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.saml import utils as saml_utils
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from onelogin.saml2.constants import OneLogin_Saml2_Constants  # type: ignore[import-untyped]
from onelogin.saml2.idp_metadata_parser import (  # type: ignore[import-untyped]
    OneLogin_Saml2_IdPMetadataParser,
)
from onelogin.saml2.settings import OneLogin_Saml2_Settings  # type: ignore[import-untyped]

from tandem.accounts.models import Organization
from tandem.accounts.public_http import public_session, refused_address
from tandem.accounts.social import (
    PROVIDER,
    PROVIDER_ID_PREFIXES,
    SAML_PROVIDER,
    SignOn,
    domains_of,
    sign_on_for_organization,
)
from tandem.core.errors import DomainError
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record

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


def _check_fetchable(url: str, *, field: str, what: str) -> None:
    """Refuse an address Tandem's server would call that is not on the public internet.

    Otherwise an admin could have the server probe the network it runs in. Every address
    the name resolves to is checked, as the connection may use any of them.
    """
    _check_url(url, field=field, what=what)
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):
        raise DomainError(f"Tandem could not find {host}. Check the {what}.", field=field) from None
    addresses = {ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found}
    if not addresses or any(refused_address(address) for address in addresses):
        raise DomainError(
            f"The {what} must be an address on the public internet, not one on a "
            "private or local network.",
            field=field,
        )


def provider_id_for(organization: Organization, provider: str = PROVIDER) -> str:
    """Return the provider id the organization's registration gets when it is first made."""
    return f"{PROVIDER_ID_PREFIXES[provider]}{organization.slug}"


def _fetch(url: str) -> requests.Response:
    with public_session() as session:
        return session.get(url, timeout=DISCOVERY_TIMEOUT_SECONDS, allow_redirects=False)


def issuer_discover(*, issuer: str) -> dict[str, Any]:
    """Fetch and check the provider's discovery document; explain any failure in plain words."""
    issuer = issuer.strip().rstrip("/")
    _check_fetchable(issuer, field="issuer", what="issuer URL")
    url = issuer + DISCOVERY_PATH
    # The remote answer is not repeated: it would let the page read what an address says.
    not_discovery = (
        f"The issuer URL did not answer with a discovery document at {DISCOVERY_PATH}. "
        "Check the issuer URL, and that the provider answers from the internet."
    )
    try:
        response = _fetch(url)
    except requests.RequestException:
        raise DomainError(not_discovery, field="issuer") from None
    try:
        config = response.json() if response.status_code == 200 else None
    except ValueError:
        config = None
    if not isinstance(config, dict):
        raise DomainError(not_discovery, field="issuer")
    if str(config.get("issuer", "")).rstrip("/") != issuer:
        raise DomainError(
            "The provider's discovery document names another issuer. "
            "Use the issuer URL exactly as your provider gives it.",
            field="issuer",
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        endpoint = config.get(key)
        if not isinstance(endpoint, str):
            raise DomainError(f"The provider's configuration has no {key}.", field="issuer")
        if key == "authorization_endpoint":
            # The browser goes there, not Tandem's server.
            _check_url(endpoint, field="issuer", what=f"provider's {key}")
        else:
            _check_fetchable(endpoint, field="issuer", what=f"provider's {key}")
    return config


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _on_off(value: object) -> str:
    return "on" if value else "off"


def _facts(sign_on: SignOn | None) -> dict[str, str]:
    """Describe a sign-on in words for the security log: never its secret."""
    if sign_on is None:
        return {}
    app_settings = sign_on.app.settings
    facts = {"Protocol": sign_on.protocol_name}
    if sign_on.is_saml:
        idp = app_settings.get("idp", {})
        facts["Identity provider entity ID"] = str(idp.get("entity_id", ""))
        facts["Single sign-on URL"] = str(idp.get("sso_url", ""))
        facts["Signing certificate"] = _fingerprint(str(idp.get("x509cert", "")))
    else:
        facts["Issuer URL"] = sign_on.issuer
        facts["Client ID"] = sign_on.app.client_id
    facts["Require single sign-on"] = _on_off(sign_on.required)
    facts["Create accounts"] = _on_off(sign_on.creates_accounts)
    return facts


def _fingerprint(body: str) -> str:
    """Name a certificate by its SHA-256 fingerprint, as identity providers show it."""
    try:
        digest = x509.load_der_x509_certificate(base64.b64decode(body)).fingerprint(hashes.SHA256())
    except (binascii.Error, ValueError):
        return "unreadable"
    return "SHA-256 " + ":".join(f"{byte:02X}" for byte in digest)


def _sign_on_record(
    *,
    organization: Organization,
    before: SignOn | None,
    after: SignOn | None,
    secret_replaced: bool = False,
    request: HttpRequest | None,
) -> None:
    """Log a change of the organization's sign-on, in words, if anything changed."""
    old, new = _facts(before), _facts(after)
    changes = [
        f"{label}: {old.get(label) or '—'} → {new.get(label) or '—'}"
        for label in dict.fromkeys([*old, *new])
        if old.get(label) != new.get(label)
    ]
    if before is not None and not before.is_saml and after is not None and secret_replaced:
        changes.append("Client secret replaced")
    if not changes:
        return
    Kind = SecurityEvent.Kind
    kind = Kind.SIGN_ON_CHANGED
    if before is None:
        kind = Kind.SIGN_ON_TURNED_ON
        changes = [f"{label}: {value}" for label, value in new.items()]
    elif after is None:
        kind = Kind.SIGN_ON_TURNED_OFF
    current = after or before
    assert current is not None
    security_event_record(
        kind=kind,
        request=request,
        organization_id=organization.pk,
        detail={
            "protocol": current.protocol_name,
            "issuer": current.issuer,
            "required": current.required,
            "domains": sorted(domains_of(organization)),
            "changes": changes,
        },
    )


def _check_domains(organization: Organization) -> None:
    if not domains_of(organization):
        raise DomainError(
            "Single sign-on needs your organization's e-mail domains, so Tandem knows whom "
            "your provider speaks for. Ask site staff to add them first."
        )


def _current(organization: Organization) -> SignOn | None:
    """Return the organization's sign-on as it is now, its settings copied to compare later."""
    # Lock the organization's row so two admins saving at once keep one registration, and
    # each change is logged against the state it replaced.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    current = sign_on_for_organization(organization)
    if current is None:
        return None
    app = copy.copy(current.app)
    app.settings = copy.deepcopy(current.app.settings)
    return SignOn(organization=organization, app=app)


def _app_for(organization: Organization, provider: str) -> SocialApp:
    """Return the organization's registration to update, or a new one for this protocol."""
    current = sign_on_for_organization(organization)
    if current is not None and current.app.provider == provider:
        return current.app
    app = SocialApp(provider=provider, provider_id=provider_id_for(organization, provider))
    if provider == SAML_PROVIDER:
        # allauth finds a SAML registration by its client id, the slug in its addresses.
        app.client_id = organization.slug
    taken = SocialApp.objects.filter(provider=provider, provider_id=app.provider_id)
    if provider == SAML_PROVIDER:
        taken = SocialApp.objects.filter(provider=provider, client_id=app.client_id)
    if taken.exists():
        raise DomainError("Another sign-on already uses this organization's name.")
    if current is not None:
        # Switching protocol: one organization has one sign-on. Connected accounts stay.
        current.app.delete()
    return app


@transaction.atomic
def sign_on_configure(
    *,
    organization: Organization,
    issuer: str,
    client_id: str,
    client_secret: str = "",
    require_sign_on: bool = False,
    create_accounts: bool = False,
    request: HttpRequest | None = None,
) -> SignOn:
    """Register or update the organization's OpenID Connect provider and its options."""
    _check_domains(organization)
    client_id = client_id.strip()
    if not client_id:
        raise DomainError("Enter the client ID your provider gave you.", field="client_id")
    config = issuer_discover(issuer=issuer)
    before = _current(organization)
    app = _app_for(organization, PROVIDER)
    secret_replaced = bool(client_secret.strip()) and client_secret.strip() != app.secret
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
    after = SignOn(organization=organization, app=app)
    _sign_on_record(
        organization=organization,
        before=before,
        after=after,
        secret_replaced=secret_replaced,
        request=request,
    )
    return after


# SAML attribute names that carry each field, from the standard (urn:oid) names to the
# claim names Entra ID and ADFS send and the short names Okta and Google Workspace use.
SAML_ATTRIBUTE_MAPPING = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
        "mail",
    ],
    "email_verified": ["http://schemas.auth0.com/email_verified", "email_verified"],
    "name": ["http://schemas.microsoft.com/identity/claims/displayname", "displayName"],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "givenName",
        "firstName",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "sn",
        "lastName",
    ],
}

# What Tandem demands of every SAML response (allauth's "advanced" settings).
SAML_SECURITY = {
    "strict": True,
    # Only an assertion the identity provider signed is believed; the signature must use
    # an algorithm that is not broken (no SHA-1).
    "want_assertion_signed": True,
    "reject_deprecated_algorithm": True,
    "signature_algorithm": OneLogin_Saml2_Constants.RSA_SHA256,
    "digest_algorithm": OneLogin_Saml2_Constants.SHA256,
    # A response nobody asked for is refused: it could be replayed from elsewhere.
    "reject_idp_initiated_sso": True,
    # The address may come in the NameID alone.
    "want_attribute_statement": False,
}

SAML_ENTITY_ID_LENGTH = 1024
# Providers that read Tandem's metadata read it again within a day, and may keep using
# what they read for a week: long enough to ride out an outage, short enough to notice a
# change of address.
SAML_METADATA_CACHE = datetime.timedelta(days=1)
SAML_METADATA_VALID = datetime.timedelta(days=7)


def saml_metadata_build(*, request: HttpRequest, organization_slug: str) -> str | None:
    """Return Tandem's SAML metadata for an organization, whether or not its IdP is saved yet.

    Providers that read the metadata first need it before the admin can copy theirs back.
    Single logout is not offered, so the metadata names no logout address.
    """
    app = SocialApp.objects.filter(provider=SAML_PROVIDER, client_id=organization_slug).first()
    if app is not None:
        provider_settings = app.settings
    elif Organization.objects.filter(slug=organization_slug).exists():
        provider_settings = {"advanced": SAML_SECURITY}
    else:
        return None
    sp = saml_utils.build_sp_config(request, provider_settings, organization_slug)
    sp.pop("singleLogoutService", None)
    valid_until = timezone.now() + SAML_METADATA_VALID
    config = {
        "strict": True,
        "sp": sp,
        "security": {
            "authnRequestsSigned": False,
            "wantAssertionsSigned": bool(SAML_SECURITY["want_assertion_signed"]),
            "metadataValidUntil": int(valid_until.timestamp()),
            "metadataCacheDuration": int(SAML_METADATA_CACHE.total_seconds()),
        },
    }
    saml_settings = OneLogin_Saml2_Settings(settings=config, sp_validation_only=True)
    return str(saml_settings.get_sp_metadata())


def _pem_body(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    return "".join(line for line in lines if line and not line.startswith("-----"))


def saml_certificate_check(*, certificate: str, field: str = "idp_certificate") -> str:
    """Return the identity provider's signing certificate as base64, if it is one in date."""
    body = _pem_body(certificate)
    if not body:
        raise DomainError("Paste your identity provider's signing certificate.", field=field)
    try:
        der = base64.b64decode(body, validate=True)
        parsed = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError):
        raise DomainError(
            "This is not an X.509 certificate. Paste the whole certificate, from "
            "-----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.",
            field=field,
        ) from None
    now = timezone.now()
    if parsed.not_valid_after_utc <= now:
        raise DomainError(
            f"This certificate expired on {parsed.not_valid_after_utc:%d %B %Y}. Ask your "
            "identity provider for its current signing certificate.",
            field=field,
        )
    if parsed.not_valid_before_utc > now + datetime.timedelta(days=1):
        raise DomainError(
            f"This certificate is valid only from {parsed.not_valid_before_utc:%d %B %Y}.",
            field=field,
        )
    return body


def saml_metadata_parse(*, metadata: str) -> dict[str, str]:
    """Read the entity ID, sign-in URL and signing certificate from the IdP's metadata XML."""
    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(metadata.strip())
    except Exception:  # lxml's and the toolkit's many errors mean the same to the admin
        parsed = {}
    idp = parsed.get("idp") or {}
    sso_url = (idp.get("singleSignOnService") or {}).get("url", "")
    signing = (idp.get("x509certMulti") or {}).get("signing", [])
    certificates = [idp.get("x509cert", ""), *signing]
    certificates = [cert for cert in certificates if cert]
    if not idp.get("entityId") or not sso_url:
        raise DomainError(
            "This is not SAML metadata of an identity provider with a sign-in URL "
            "(HTTP-Redirect binding). Paste the IdP metadata XML your provider gives you.",
            field="idp_metadata",
        )
    if not certificates:
        raise DomainError(
            "This metadata has no signing certificate. Paste the certificate below instead.",
            field="idp_metadata",
        )
    found: DomainError | None = None
    for certificate in certificates:
        try:
            checked = saml_certificate_check(certificate=certificate, field="idp_metadata")
        except DomainError as error:
            found = error
            continue
        return {"entity_id": idp["entityId"], "sso_url": sso_url, "x509cert": checked}
    assert found is not None
    raise found


@transaction.atomic
def sign_on_configure_saml(
    *,
    organization: Organization,
    idp_entity_id: str = "",
    idp_sso_url: str = "",
    idp_certificate: str = "",
    idp_metadata: str = "",
    require_sign_on: bool = False,
    create_accounts: bool = False,
    request: HttpRequest | None = None,
) -> SignOn:
    """Register or update the organization's SAML 2.0 identity provider and its options."""
    _check_domains(organization)
    if idp_metadata.strip():
        idp = saml_metadata_parse(metadata=idp_metadata)
        sso_field = "idp_metadata"
    else:
        idp = {
            "entity_id": idp_entity_id.strip(),
            "sso_url": idp_sso_url.strip(),
            "x509cert": saml_certificate_check(certificate=idp_certificate),
        }
        sso_field = "idp_sso_url"
        if not idp["entity_id"]:
            raise DomainError(
                "Enter your identity provider's entity ID (its issuer).", field="idp_entity_id"
            )
    if len(idp["entity_id"]) > SAML_ENTITY_ID_LENGTH or any(c.isspace() for c in idp["entity_id"]):
        raise DomainError(
            "The entity ID must be one URI or URN without spaces.",
            field="idp_entity_id" if sso_field == "idp_sso_url" else sso_field,
        )
    _check_url(idp["sso_url"], field=sso_field, what="identity provider's sign-in URL")
    before = _current(organization)
    app = _app_for(organization, SAML_PROVIDER)
    app.name = organization.name[:40]
    app.settings = {
        "organization_id": organization.pk,
        "require_sign_on": require_sign_on,
        "create_accounts": create_accounts,
        # The sign-in entry posts to Tandem, which redirects the browser to the provider;
        # the login page's CSP must let that form submission end there.
        "authorization_origin": _origin(idp["sso_url"]),
        "idp": idp,
        "attribute_mapping": SAML_ATTRIBUTE_MAPPING,
        "advanced": SAML_SECURITY,
    }
    app.save()
    after = SignOn(organization=organization, app=app)
    _sign_on_record(organization=organization, before=before, after=after, request=request)
    return after


@transaction.atomic
def sign_on_remove(*, organization: Organization, request: HttpRequest | None = None) -> None:
    """Stop signing the organization's people in through its provider."""
    current = _current(organization)
    if current is None:
        raise DomainError("Your organization has no single sign-on to turn off.")
    # Connected provider accounts stay, so turning sign-on back on reconnects the same people.
    current.app.delete()
    _sign_on_record(organization=organization, before=current, after=None, request=request)
