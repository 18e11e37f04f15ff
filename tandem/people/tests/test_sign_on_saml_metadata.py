"""Tandem's SAML metadata: served before the identity provider is saved, and consistent."""

import datetime
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from tandem.people.services.sign_on import sign_on_configure_saml
from tandem.testing import saml_idp
from tandem.testing.fixtures import World

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
# python3-saml accepts only addresses with a dot in the host; "testserver" has none.
HOST = "localhost"


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_HOST=HOST)


def _read(response: object) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)  # type: ignore[attr-defined]


def test_metadata_answers_before_the_identity_provider_is_saved(
    world: World, browser: Client
) -> None:
    response = browser.get("/accounts/saml/northwind/metadata/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = _read(response)
    assert root.get("entityID") == f"http://{HOST}/accounts/saml/northwind/metadata/"
    acs = root.find(f".//{MD}AssertionConsumerService")
    assert acs is not None and acs.get("Location") == f"http://{HOST}/accounts/saml/northwind/acs/"
    descriptor = root.find(f".//{MD}SPSSODescriptor")
    assert descriptor is not None and descriptor.get("WantAssertionsSigned") == "true"


def test_metadata_names_no_logout_address_and_a_consistent_validity(
    world: World, browser: Client
) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    sign_on_configure_saml(
        organization=world.org,
        idp_entity_id=saml_idp.ENTITY_ID,
        idp_sso_url=saml_idp.SSO_URL,
        idp_certificate=saml_idp.signing_key().certificate_pem,
    )

    response = browser.get("/accounts/saml/northwind/metadata/")

    assert response.status_code == 200
    root = _read(response)
    # Single logout is not offered: a provider told of an address would call it and fail.
    assert root.find(f".//{MD}SingleLogoutService") is None
    assert b"/sls/" not in response.content
    valid_until = datetime.datetime.fromisoformat(str(root.get("validUntil")))
    assert root.get("cacheDuration") == "PT86400S"
    # Valid for longer than a provider caches it, so the copy it holds never goes stale.
    assert valid_until - timezone.now() > datetime.timedelta(days=6)


def test_metadata_of_an_unknown_organization_is_not_found(world: World, browser: Client) -> None:
    assert browser.get("/accounts/saml/nobody-here/metadata/").status_code == 404
