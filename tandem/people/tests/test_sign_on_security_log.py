"""Changes to single sign-on are logged in the organization's security log, in words."""

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from tandem.security.models import SecurityEvent
from tandem.testing import saml_idp
from tandem.testing.fixtures import World, client_for
from tandem.testing.oidc_provider.discovery import DiscoveryServer, discovery_server

Kind = SecurityEvent.Kind
SECRET = "s3cret-value-never-logged"


@pytest.fixture
def idp() -> Iterator[DiscoveryServer]:
    with discovery_server() as server:
        server.body = server.document(server.base_url)
        yield server


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


def _oidc(idp: DiscoveryServer, **extra: object) -> dict[str, object]:
    return {
        "protocol": "oidc",
        "issuer": idp.base_url,
        "client_id": "tandem",
        "client_secret": SECRET,
        **extra,
    }


def _saml(key: saml_idp.SigningKey, **extra: object) -> dict[str, object]:
    return {
        "protocol": "saml",
        "idp_entity_id": saml_idp.ENTITY_ID,
        "idp_sso_url": saml_idp.SSO_URL,
        "idp_certificate": key.certificate_pem,
        **extra,
    }


def _events(world: World) -> list[SecurityEvent]:
    """Return the organization's sign-on events, oldest first (the admin's sign-in left out)."""
    events = SecurityEvent.objects.filter(organization=world.org, kind__startswith="sign_on_")
    return list(events.order_by("pk"))


def test_each_change_of_sign_on_is_logged_in_words_without_secrets(
    world: World, org_admin: Client, idp: DiscoveryServer, idp_key: saml_idp.SigningKey
) -> None:
    assert org_admin.post(_url(world), _oidc(idp)).status_code == 302
    assert org_admin.post(_url(world), _saml(idp_key)).status_code == 302
    assert org_admin.post(_url(world), _oidc(idp)).status_code == 302
    assert (
        org_admin.post(_url(world), _oidc(idp, client_secret="", require_sign_on="on")).status_code
        == 302
    )
    assert org_admin.post(reverse("people:sign_on_off", args=[world.org.pk])).status_code == 302

    events = _events(world)
    assert [e.kind for e in events] == [
        Kind.SIGN_ON_TURNED_ON,
        Kind.SIGN_ON_CHANGED,
        Kind.SIGN_ON_CHANGED,
        Kind.SIGN_ON_CHANGED,
        Kind.SIGN_ON_TURNED_OFF,
    ]
    assert all(e.user == world.admin and e.ip_address == "127.0.0.1" for e in events)
    turned_on, to_saml, to_oidc, required, turned_off = events
    assert turned_on.detail["protocol"] == "OpenID Connect"
    assert turned_on.detail["issuer"] == idp.base_url
    assert turned_on.detail["domains"] == ["northwind.test"]
    assert f"Issuer URL: {idp.base_url}" in turned_on.detail["changes"]
    assert "Require single sign-on: off" in turned_on.detail["changes"]
    assert "Protocol: OpenID Connect → SAML 2.0" in to_saml.detail["changes"]
    assert f"Identity provider entity ID: — → {saml_idp.ENTITY_ID}" in to_saml.detail["changes"]
    assert "Protocol: SAML 2.0 → OpenID Connect" in to_oidc.detail["changes"]
    assert required.detail["changes"] == ["Require single sign-on: off → on"]
    assert required.detail["required"] is True
    assert turned_off.detail["protocol"] == "OpenID Connect"
    stored = str([(e.detail, e.user_agent) for e in events])
    assert SECRET not in stored
    assert "BEGIN CERTIFICATE" not in stored

    page = org_admin.get(reverse("people:security", args=[world.org.pk])).content.decode()
    for words in (
        "Turned on single sign-on",
        "Changed single sign-on",
        "Turned off single sign-on",
        "Protocol: OpenID Connect → SAML 2.0",
        "Require single sign-on: off → on",
        "for northwind.test",
    ):
        assert words in page
    assert SECRET not in page


def test_a_new_client_secret_is_logged_as_replaced_never_shown(
    world: World, org_admin: Client, idp: DiscoveryServer
) -> None:
    org_admin.post(_url(world), _oidc(idp))
    org_admin.post(_url(world), _oidc(idp, client_secret="rotated-secret-value"))

    latest = _events(world)[-1]
    assert latest.kind == Kind.SIGN_ON_CHANGED
    assert latest.detail["changes"] == ["Client secret replaced"]
    assert "rotated-secret-value" not in str(latest.detail)


def test_saving_without_a_change_logs_nothing(
    world: World, org_admin: Client, idp: DiscoveryServer
) -> None:
    org_admin.post(_url(world), _oidc(idp))
    org_admin.post(_url(world), _oidc(idp, client_secret=""))

    assert [e.kind for e in _events(world)] == [Kind.SIGN_ON_TURNED_ON]


def test_a_refused_setting_logs_nothing(world: World, org_admin: Client) -> None:
    response = org_admin.post(
        _url(world), {"protocol": "oidc", "issuer": "http://sso.northwind.test", "client_id": "x"}
    )

    assert response.status_code == 400
    assert _events(world) == []


def test_the_log_filters_by_the_sign_on_events(
    world: World, org_admin: Client, idp: DiscoveryServer
) -> None:
    org_admin.post(_url(world), _oidc(idp))
    org_admin.post(_url(world), _oidc(idp, client_secret="", require_sign_on="on"))
    url = reverse("people:security", args=[world.org.pk])

    page = org_admin.get(url, {"kind": Kind.SIGN_ON_CHANGED})

    assert page.status_code == 200
    assert list(page.context["page"].object_list) == [_events(world)[-1]]
    assert f'<option value="{Kind.SIGN_ON_TURNED_ON}"' in page.content.decode()
    assert f'<option value="{Kind.SCIM_TOKEN_REVOKED}"' in page.content.decode()


def test_another_organizations_admin_does_not_see_the_events(
    world: World, org_admin: Client, idp: DiscoveryServer
) -> None:
    org_admin.post(_url(world), _oidc(idp))

    other = client_for(world.outsider)
    assert other.get(reverse("people:security", args=[world.org.pk])).status_code == 404
