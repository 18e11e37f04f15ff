"""The organization admin's single sign-on page: who may open it, what it checks, what it keeps."""

import threading
from collections.abc import Iterator

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tandem.people.services import sign_on as services
from tandem.testing.fixtures import World, client_for
from tandem.testing.oidc_provider.discovery import DiscoveryServer, discovery_server
from tandem.testing.oidc_provider.process import free_port


@pytest.fixture
def idp() -> Iterator[DiscoveryServer]:
    with discovery_server() as server:
        server.body = server.document(server.base_url)
        yield server


@pytest.fixture
def org_admin(world: World) -> Client:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    return client_for(world.admin)


def _url(world: World) -> str:
    return reverse("people:sign_on", args=[world.org.pk])


def _form(issuer: str, **extra: object) -> dict[str, object]:
    return {"issuer": issuer, "client_id": "tandem", "client_secret": "s3cret-value", **extra}


def test_outsider_and_member_cannot_open_the_page(world: World) -> None:
    assert client_for(world.outsider).get(_url(world)).status_code == 404
    assert client_for(world.member).get(_url(world)).status_code == 404


def test_page_shows_the_redirect_uri_to_register(world: World, org_admin: Client) -> None:
    response = org_admin.get(_url(world))
    assert response.status_code == 200
    assert b"http://testserver/accounts/oidc/org-northwind/login/callback/" in response.content
    assert b"northwind.test" in response.content


def test_admin_turns_on_sign_on_and_the_secret_is_never_shown(
    world: World,
    org_admin: Client,
    idp: DiscoveryServer,
) -> None:
    response = org_admin.post(
        _url(world), _form(idp.base_url, require_sign_on="on", create_accounts="on")
    )
    assert response.status_code == 302
    app = SocialApp.objects.get()
    assert (app.provider, app.provider_id) == ("openid_connect", "org-northwind")
    assert (app.client_id, app.secret) == ("tandem", "s3cret-value")
    assert app.settings["server_url"] == idp.base_url
    assert app.settings["organization_id"] == world.org.pk
    assert app.settings["require_sign_on"] is True
    assert app.settings["create_accounts"] is True
    assert app.settings["oauth_pkce_enabled"] is True
    assert idp.requests == ["/.well-known/openid-configuration"]
    page = org_admin.get(_url(world))
    assert b"s3cret-value" not in page.content
    assert idp.base_url.encode() in page.content


def test_empty_secret_keeps_the_saved_one(
    world: World, org_admin: Client, idp: DiscoveryServer
) -> None:
    org_admin.post(_url(world), _form(idp.base_url))
    response = org_admin.post(_url(world), _form(idp.base_url, client_secret=""))
    assert response.status_code == 302
    assert SocialApp.objects.get().secret == "s3cret-value"
    org_admin.post(_url(world), _form(idp.base_url, client_secret="rotated"))
    assert SocialApp.objects.get().secret == "rotated"


def test_first_setup_needs_a_secret(world: World, org_admin: Client, idp: DiscoveryServer) -> None:
    response = org_admin.post(_url(world), _form(idp.base_url, client_secret=""))
    assert response.status_code == 400
    assert "Enter the client secret" in response.content.decode()
    assert not SocialApp.objects.exists()


def test_issuer_must_use_https_unless_on_this_machine(world: World, org_admin: Client) -> None:
    response = org_admin.post(_url(world), _form("http://sso.northwind.test/realms/staff"))
    assert response.status_code == 400
    assert "must start with https://" in response.content.decode()
    assert not SocialApp.objects.exists()


def test_loopback_issuer_must_use_https_in_production(
    world: World, org_admin: Client, idp: DiscoveryServer, settings: Settings
) -> None:
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = False
    response = org_admin.post(_url(world), _form(idp.base_url))
    assert response.status_code == 400
    assert "must start with https://" in response.content.decode()
    assert not SocialApp.objects.exists()


def test_unreachable_issuer_is_a_form_error(world: World, org_admin: Client) -> None:
    issuer = f"http://127.0.0.1:{free_port()}/o"
    response = org_admin.post(_url(world), _form(issuer))
    assert response.status_code == 400
    assert "did not answer with a discovery document" in response.content.decode()
    assert not SocialApp.objects.exists()


def test_issuer_that_never_answers_times_out_into_a_form_error(
    world: World,
    org_admin: Client,
    idp: DiscoveryServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "DISCOVERY_TIMEOUT_SECONDS", 0.5)
    idp.hang = threading.Event()
    response = org_admin.post(_url(world), _form(idp.base_url))
    assert response.status_code == 400
    assert "did not answer with a discovery document" in response.content.decode()
    assert not SocialApp.objects.exists()


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (404, {"detail": "not found"}, "did not answer with a discovery document"),
        (302, {"detail": "moved"}, "did not answer with a discovery document"),
        (500, {"detail": "internal-detail"}, "did not answer with a discovery document"),
        (200, "<html>Welcome</html>", "did not answer with a discovery document"),
        (200, ["not", "an", "object"], "did not answer with a discovery document"),
        (200, {"issuer": "https://impostor.test"}, "names another issuer"),
    ],
)
def test_bad_discovery_answers_are_form_errors(
    world: World,
    org_admin: Client,
    idp: DiscoveryServer,
    status: int,
    body: object,
    message: str,
) -> None:
    idp.status, idp.body = status, body
    response = org_admin.post(_url(world), _form(idp.base_url))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    # What the address answered is not repeated: the form is no way to read other servers.
    for echoed in (f"status {status}", "not found", "moved", "internal-detail", "impostor"):
        assert echoed not in page
    assert idp.requests == ["/.well-known/openid-configuration"]
    assert not SocialApp.objects.exists()


def test_discovery_without_endpoints_is_refused(
    world: World, org_admin: Client, idp: DiscoveryServer
) -> None:
    idp.body = {"issuer": idp.base_url, "authorization_endpoint": f"{idp.base_url}/a/"}
    response = org_admin.post(_url(world), _form(idp.base_url))
    assert response.status_code == 400
    assert "has no token_endpoint" in response.content.decode()


def test_organization_without_domains_cannot_turn_on_sign_on(
    world: World,
    org_admin: Client,
    idp: DiscoveryServer,
) -> None:
    world.org.email_domains = []
    world.org.save(update_fields=["email_domains"])
    response = org_admin.post(_url(world), _form(idp.base_url))
    assert response.status_code == 400
    assert "needs your organization&#x27;s e-mail domains" in response.content.decode()
    assert not SocialApp.objects.exists()


def test_admin_turns_sign_on_off(world: World, org_admin: Client, idp: DiscoveryServer) -> None:
    org_admin.post(_url(world), _form(idp.base_url))
    response = org_admin.post(reverse("people:sign_on_off", args=[world.org.pk]))
    assert response.status_code == 302
    assert not SocialApp.objects.exists()


def test_outsider_cannot_turn_sign_on_off(
    world: World, org_admin: Client, idp: DiscoveryServer
) -> None:
    org_admin.post(_url(world), _form(idp.base_url))
    response = client_for(world.outsider).post(reverse("people:sign_on_off", args=[world.org.pk]))
    assert response.status_code == 404
    assert SocialApp.objects.count() == 1
