"""A SAML 2.0 identity provider for tests: a throwaway key, and responses it signs.

It answers Tandem's AuthnRequest as a real identity provider would: a Response to the
request's ID, addressed to its Assertion Consumer Service, with an assertion about one
person, signed (or not, or badly) with XML signatures made by python3-saml and xmlsec.
"""

import base64
import datetime
import uuid
import zlib
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.constants import OneLogin_Saml2_Constants  # type: ignore[import-untyped]
from onelogin.saml2.utils import OneLogin_Saml2_Utils  # type: ignore[import-untyped]

ENTITY_ID = "https://idp.northwind.test/saml"
SSO_URL = "https://idp.northwind.test/saml/sso"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


@dataclass(frozen=True)
class SigningKey:
    key_pem: str
    certificate_pem: str


def signing_key(
    *, valid_from: datetime.datetime | None = None, days: int = 365, name: str = "Northwind IdP"
) -> SigningKey:
    """Make a fresh RSA key and a self-signed certificate for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = valid_from or datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return SigningKey(
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
    )


@dataclass(frozen=True)
class AuthnRequest:
    """What Tandem asked for, read back from the redirect to the identity provider."""

    id: str
    acs_url: str
    issuer: str
    relay_state: str


def authn_request_read(location: str) -> AuthnRequest:
    """Decode the HTTP-Redirect binding's deflated, base64 SAMLRequest."""
    query = parse_qs(urlsplit(location).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    root = ElementTree.fromstring(xml)
    issuer = root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
    return AuthnRequest(
        id=root.get("ID", ""),
        acs_url=root.get("AssertionConsumerServiceURL", ""),
        issuer=(issuer.text or "") if issuer is not None else "",
        relay_state=query.get("RelayState", [""])[0],
    )


def _in_response_to(request: AuthnRequest) -> str:
    # An answer nobody asked for (IdP-initiated sign-on) names no request.
    return f' InResponseTo="{request.id}"' if request.id else ""


def _instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Assertion:
    """One answer about one person; change a field to make it wrong in one way."""

    request: AuthnRequest
    email: str
    attributes: dict[str, str] = field(default_factory=dict)
    audience: str = ""
    issuer: str = ENTITY_ID
    issued_at: datetime.datetime = field(
        default_factory=lambda: datetime.datetime.now(datetime.UTC)
    )
    lifetime: datetime.timedelta = datetime.timedelta(minutes=5)

    def xml(self) -> str:
        audience = self.audience or self.request.issuer
        now, until = self.issued_at, self.issued_at + self.lifetime
        attributes = "".join(
            f"<saml:Attribute Name={quoteattr(name)}><saml:AttributeValue>{escape(value)}"
            "</saml:AttributeValue></saml:Attribute>"
            for name, value in {"email": self.email, **self.attributes}.items()
        )
        return (
            '<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
            f'ID="_a{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant(now)}">'
            f"<saml:Issuer>{escape(self.issuer)}</saml:Issuer>"
            f'<saml:Subject><saml:NameID Format="{EMAIL_FORMAT}">{escape(self.email)}'
            "</saml:NameID>"
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{_instant(until)}" '
            f"Recipient={quoteattr(self.request.acs_url)}{_in_response_to(self.request)}/>"
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_instant(now - datetime.timedelta(minutes=1))}" '
            f'NotOnOrAfter="{_instant(until)}">'
            f"<saml:AudienceRestriction><saml:Audience>{escape(audience)}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_instant(now)}" '
            f'SessionIndex="_s{uuid.uuid4().hex}"><saml:AuthnContext>'
            "<saml:AuthnContextClassRef>"
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{attributes}</saml:AttributeStatement>"
            "</saml:Assertion>"
        )


def sign(xml: str, key: SigningKey, *, sha1: bool = False) -> str:
    """Sign the document's root element (an enveloped signature, RSA-SHA256 unless SHA-1)."""
    constants = OneLogin_Saml2_Constants
    signed = OneLogin_Saml2_Utils.add_sign(
        xml,
        key.key_pem,
        key.certificate_pem,
        sign_algorithm=constants.RSA_SHA1 if sha1 else constants.RSA_SHA256,
        digest_algorithm=constants.SHA1 if sha1 else constants.SHA256,
    )
    return signed.decode() if isinstance(signed, bytes) else str(signed)


def response(assertion: Assertion, *, key: SigningKey | None, sha1: bool = False) -> str:
    """Return the base64 SAMLResponse the browser posts to Tandem; unsigned without a key."""
    body = assertion.xml()
    if key is not None:
        body = sign(body, key, sha1=sha1)
    body = body.removeprefix('<?xml version="1.0"?>').strip()
    now = _instant(assertion.issued_at)
    document = (
        f'<samlp:Response xmlns:samlp="{SAMLP}" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{now}" '
        f"Destination={quoteattr(assertion.request.acs_url)}"
        f"{_in_response_to(assertion.request)}>"
        f"<saml:Issuer>{escape(assertion.issuer)}</saml:Issuer>"
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        f"</samlp:Status>{body}</samlp:Response>"
    )
    return base64.b64encode(document.encode()).decode()


def metadata(key: SigningKey, *, entity_id: str = ENTITY_ID, sso_url: str = SSO_URL) -> str:
    """Return the identity provider's metadata XML, as an admin would download it."""
    body = "".join(
        line for line in key.certificate_pem.splitlines() if not line.startswith("-----")
    )
    return (
        '<?xml version="1.0"?>'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID={quoteattr(entity_id)}>'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>'
        f"<ds:X509Certificate>{body}</ds:X509Certificate>"
        "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        f"<md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>"
        '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        f"Location={quoteattr(sso_url)}/>"
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )
