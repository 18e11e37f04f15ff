"""The organization admin's single sign-on page, with SAML 2.0: what it checks and keeps."""

import datetime

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client
from django.urls import reverse

from tandem.accounts.social import sign_on_for_organization
from tandem.testing import saml_idp
from tandem.testing.fixtures import World, client_for


@pytest.fixture(scope="module")
def idp_key() -> saml_idp.SigningKey:
    return saml_idp.signing_key()


@pytest.fixture
def org_admin(world: World) -> Client:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    return client_for(world.admin)


def _url(world: World) -> str:
    return reverse("people:sign_on", args=[world.org.pk])


def _form(key: saml_idp.SigningKey, **extra: object) -> dict[str, object]:
    return {
        "protocol": "saml",
        "idp_entity_id": saml_idp.ENTITY_ID,
        "idp_sso_url": saml_idp.SSO_URL,
        "idp_certificate": key.certificate_pem,
        **extra,
    }


def _errors(response: object) -> str:
    return response.content.decode().replace("&#x27;", "'")  # type: ignore[attr-defined]


def test_page_shows_the_addresses_to_give_the_identity_provider(
    world: World, org_admin: Client
) -> None:
    page = org_admin.get(_url(world), HTTP_HOST="localhost:8123").content.decode()
    assert "http://localhost:8123/accounts/saml/northwind/metadata/" in page
    assert "http://localhost:8123/accounts/saml/northwind/acs/" in page


def test_admin_turns_on_saml_with_secure_defaults(
    world: World, org_admin: Client, idp_key: saml_idp.SigningKey
) -> None:
    response = org_admin.post(_url(world), _form(idp_key, require_sign_on="on"))
    assert response.status_code == 302
    sign_on = sign_on_for_organization(world.org)
    assert sign_on is not None and sign_on.is_saml and sign_on.required
    assert not sign_on.creates_accounts
    app = sign_on.app
    assert (app.provider, app.provider_id, app.client_id) == ("saml", "saml-northwind", "northwind")
    assert app.settings["idp"]["entity_id"] == saml_idp.ENTITY_ID
    assert app.settings["idp"]["sso_url"] == saml_idp.SSO_URL
    assert app.settings["idp"]["x509cert"] in idp_key.certificate_pem.replace("\n", "")
    advanced = app.settings["advanced"]
    assert advanced["want_assertion_signed"] and advanced["reject_deprecated_algorithm"]
    assert advanced["signature_algorithm"].endswith("rsa-sha256")
    assert advanced["digest_algorithm"].endswith("sha256")
    # The saved settings come back in the form; the certificate is public.
    page = org_admin.get(_url(world)).content.decode()
    assert "SAML 2.0" in page and saml_idp.SSO_URL in page and "BEGIN CERTIFICATE" in page


def test_admin_pastes_the_metadata_instead(
    world: World, org_admin: Client, idp_key: saml_idp.SigningKey
) -> None:
    metadata = saml_idp.metadata(idp_key, sso_url="https://login.northwind.test/sso")
    response = org_admin.post(_url(world), {"protocol": "saml", "idp_metadata": metadata})
    assert response.status_code == 302
    sign_on = sign_on_for_organization(world.org)
    assert sign_on is not None and sign_on.issuer == saml_idp.ENTITY_ID
    assert sign_on.app.settings["idp"]["sso_url"] == "https://login.northwind.test/sso"
    assert sign_on.authorization_origin == "https://login.northwind.test"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("protocol", "ldap", "Select a valid choice"),
        ("idp_certificate", "not a certificate", "This is not an X.509 certificate"),
        ("idp_certificate", saml_idp.signing_key().key_pem, "This is not an X.509 certificate"),
        (
            "idp_certificate",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            "not an X.509",
        ),
        ("idp_certificate", "", "Paste your identity provider's signing certificate"),
        ("idp_sso_url", "ftp://idp.northwind.test/sso", "must be a web address"),
        ("idp_sso_url", "not a url at all", "Enter a valid URL"),
        ("idp_sso_url", "http://idp.northwind.test/sso", "must start with https://"),
        ("idp_sso_url", "https://user:pw@idp.northwind.test/sso", "must not contain a name"),
        ("idp_sso_url", "", "Enter your identity provider's single sign-on URL"),
        ("idp_entity_id", "", "Enter your identity provider's entity ID"),
        ("idp_entity_id", "two words", "one URI or URN without spaces"),
        ("idp_metadata", "this is not XML", "This is not SAML metadata"),
        ("idp_metadata", "<html><body>Sign in</body></html>", "This is not SAML metadata"),
        (
            "idp_metadata",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>',
            "not SAML",
        ),
    ],
)
def test_bad_input_is_a_form_error(
    world: World,
    org_admin: Client,
    idp_key: saml_idp.SigningKey,
    field: str,
    value: str,
    message: str,
) -> None:
    response = org_admin.post(_url(world), _form(idp_key, **{field: value}))
    assert response.status_code == 400
    assert message in _errors(response)
    assert not SocialApp.objects.exists()


def test_expired_certificate_is_a_form_error(world: World, org_admin: Client) -> None:
    long_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)
    expired = saml_idp.signing_key(valid_from=long_ago, days=30)
    response = org_admin.post(_url(world), _form(expired))
    assert response.status_code == 400
    assert "This certificate expired on" in _errors(response)
    assert not SocialApp.objects.exists()
    # Metadata that carries only an expired certificate is refused the same way.
    response = org_admin.post(
        _url(world), {"protocol": "saml", "idp_metadata": saml_idp.metadata(expired)}
    )
    assert "This certificate expired on" in _errors(response)
    assert not SocialApp.objects.exists()


def test_switching_protocol_keeps_one_sign_on(
    world: World, org_admin: Client, idp_key: saml_idp.SigningKey
) -> None:
    org_admin.post(_url(world), _form(idp_key))
    assert SocialApp.objects.get().provider == "saml"
    # Back to OpenID Connect without a secret: the SAML sign-on stays as it was.
    response = org_admin.post(
        _url(world), {"protocol": "oidc", "issuer": "http://localhost:1/", "client_id": "x"}
    )
    assert response.status_code == 400
    assert SocialApp.objects.get().provider == "saml"


def test_other_organizations_admin_cannot_see_or_change_it(
    world: World, org_admin: Client, idp_key: saml_idp.SigningKey
) -> None:
    org_admin.post(_url(world), _form(idp_key))
    outsider = client_for(world.outsider)
    assert outsider.get(_url(world)).status_code == 404
    response = outsider.post(_url(world), _form(idp_key, idp_sso_url="https://evil.test/sso"))
    assert response.status_code == 404
    off = outsider.post(reverse("people:sign_on_off", args=[world.org.pk]))
    assert off.status_code == 404
    sign_on = sign_on_for_organization(world.org)
    assert sign_on is not None and sign_on.app.settings["idp"]["sso_url"] == saml_idp.SSO_URL
    assert client_for(world.member).get(_url(world)).status_code == 404
