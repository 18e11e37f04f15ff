"""The issuer check calls only public addresses, so the form cannot probe Tandem's network."""

import socket
from collections.abc import Callable
from typing import Any

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tandem.people.services import sign_on as services
from tandem.testing.fixtures import World, client_for
from tandem.testing.oidc_provider.discovery import discovery_server

ISSUER = "https://sso.northwind.test/realms/staff"
REFUSED = "must be an address on the public internet"
AddressInfo = list[tuple[Any, ...]]


@pytest.fixture
def org_admin(world: World) -> Client:
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    return client_for(world.admin)


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the addresses the check would fetch, answering as a well-behaved provider."""
    calls: list[str] = []

    class Answer:
        status_code = 200

        def json(self) -> dict[str, str]:
            return {
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/auth",
                "token_endpoint": f"{ISSUER}/token",
                "jwks_uri": f"{ISSUER}/certs",
            }

    def get(session: Any, url: str, **kwargs: Any) -> Answer:
        assert kwargs["allow_redirects"] is False
        calls.append(url)
        return Answer()

    monkeypatch.setattr(services.requests.Session, "get", get)
    return calls


def _resolving(addresses: list[str]) -> Callable[..., AddressInfo]:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> AddressInfo:
        assert host == "sso.northwind.test"
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    return getaddrinfo


def _post(client: Client, world: World, issuer: str = ISSUER) -> str:
    response = client.post(
        reverse("people:sign_on", args=[world.org.pk]),
        {"protocol": "oidc", "issuer": issuer, "client_id": "tandem", "client_secret": "s"},
    )
    return response.content.decode() if response.status_code == 400 else ""


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.4.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "0.0.0.0",
        "fd00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
    ],
)
def test_issuer_at_a_private_or_reserved_address_is_refused_unfetched(
    world: World,
    org_admin: Client,
    fetched: list[str],
    monkeypatch: pytest.MonkeyPatch,
    address: str,
) -> None:
    monkeypatch.setattr(services.socket, "getaddrinfo", _resolving([address]))

    page = _post(org_admin, world)

    assert REFUSED in page
    assert address not in page
    assert fetched == []
    assert not SocialApp.objects.exists()


def test_every_address_a_name_resolves_to_is_checked(
    world: World, org_admin: Client, fetched: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services.socket, "getaddrinfo", _resolving(["93.184.216.34", "10.1.2.3"]))

    assert REFUSED in _post(org_admin, world)
    assert fetched == []


def test_issuer_at_a_public_address_is_read(
    world: World, org_admin: Client, fetched: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services.socket, "getaddrinfo", _resolving(["93.184.216.34"]))

    assert _post(org_admin, world) == ""
    assert fetched == [f"{ISSUER}/.well-known/openid-configuration"]
    assert SocialApp.objects.get().settings["server_url"] == ISSUER


def test_a_name_that_does_not_resolve_is_a_form_error(
    world: World, org_admin: Client, fetched: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def unknown(*args: Any, **kwargs: Any) -> AddressInfo:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(services.socket, "getaddrinfo", unknown)

    assert "Tandem could not find sso.northwind.test" in _post(org_admin, world)
    assert fetched == []


@pytest.mark.parametrize("issuer", ["https://127.0.0.1:8177/o", "https://localhost/o"])
def test_loopback_is_refused_unless_allowed_for_development(
    world: World, org_admin: Client, fetched: list[str], settings: Settings, issuer: str
) -> None:
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = False

    page = _post(org_admin, world, issuer)

    assert REFUSED in page
    assert fetched == []


def test_plain_http_is_refused_for_any_host_but_loopback(
    world: World, org_admin: Client, fetched: list[str]
) -> None:
    # SIGN_ON_ALLOW_LOOPBACK_HTTP is on in these tests, as with DEBUG: still not elsewhere.
    assert "must start with https://" in _post(org_admin, world, "http://nowhere.invalid/o")
    assert fetched == []


def test_endpoints_tandem_calls_are_checked_too(world: World, org_admin: Client) -> None:
    with discovery_server() as idp:
        idp.body = idp.document(idp.base_url) | {"token_endpoint": "https://10.0.0.7/token"}

        page = _post(org_admin, world, idp.base_url)

    assert "provider&#x27;s token_endpoint " + REFUSED in page
    assert not SocialApp.objects.exists()


def test_a_name_that_resolves_elsewhere_when_connecting_is_refused(
    world: World, org_admin: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = False
    with discovery_server() as idp:
        port = int(idp.base_url.rsplit(":", 1)[1])
        answers = iter([["93.184.216.34"], ["127.0.0.1"]])

        def rebinding(host: str, *args: Any, **kwargs: Any) -> AddressInfo:
            # Public when checked, this machine when connecting: the peer is refused.
            address = next(answers, ["127.0.0.1"])[0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

        monkeypatch.setattr(services.socket, "getaddrinfo", rebinding)
        page = _post(org_admin, world, f"https://rebind.northwind.test:{port}/o")

    assert "did not answer with a discovery document" in page
    assert idp.requests == []
    assert not SocialApp.objects.exists()


def test_the_connection_itself_is_refused_at_a_local_peer(settings: Settings) -> None:
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = False
    with discovery_server() as idp:
        idp.body = idp.document(idp.base_url)
        # Whatever a name said when checked, the socket's peer decides before anything is sent.
        with pytest.raises(services.requests.ConnectionError):
            services._fetch(f"{idp.base_url}/.well-known/openid-configuration")
        assert idp.requests == []
        settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = True
        assert services._fetch(f"{idp.base_url}/.well-known/openid-configuration").ok
        assert idp.requests == ["/.well-known/openid-configuration"]
