"""Endpoints on private or local networks are refused when saved and again when sent to."""

import ipaddress

import pytest

from tandem.core.errors import DomainError
from tandem.testing.fixtures import World
from tandem.webhooks import addresses
from tandem.webhooks.models import Delivery, Endpoint
from tandem.webhooks.services import endpoint_create, event_emit
from tandem.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.216.34"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://127.0.0.1/hook", "public internet"),
        ("https://10.1.2.3/hook", "public internet"),
        ("https://192.168.0.10/hook", "public internet"),
        ("https://169.254.169.254/latest/meta-data", "public internet"),
        ("https://[::1]/hook", "public internet"),
        ("https://[::ffff:10.0.0.1]/hook", "public internet"),
        ("https://0.0.0.0/hook", "public internet"),
        ("https://localhost/hook", "public internet"),
        (f"http://{PUBLIC}/hook", "must start with https://"),
        ("ftp://files.example.com/hook", "starts with https://"),
        ("hooks.example.com/tandem", "starts with https://"),
        (f"https://user:pw@{PUBLIC}/hook", "name or password"),
        ("https://no-such-host.invalid/hook", "could not find"),
        ("https://[::1/hook", "valid URL"),
    ],
)
def test_an_address_tandem_may_not_call_is_refused_when_saved(
    world: World, url: str, message: str
) -> None:
    with pytest.raises(DomainError, match=message) as refused:
        endpoint_create(
            organization=world.org, url=url, events=["round.finished"], created_by=world.admin
        )
    assert refused.value.field == "url"
    assert not Endpoint.objects.exists()


def test_a_public_https_address_is_accepted(world: World) -> None:
    endpoint, secret = endpoint_create(
        organization=world.org,
        url=f"https://{PUBLIC}/hooks/tandem",
        events=["round.finished"],
        created_by=world.admin,
    )
    assert endpoint.url == f"https://{PUBLIC}/hooks/tandem"
    assert secret.startswith("whsec_") and endpoint.secret == secret


def test_a_name_resolving_to_a_private_address_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        addresses,
        "host_addresses",
        lambda host, port: {ipaddress.ip_address(PUBLIC), ipaddress.ip_address("10.0.0.7")},
    )
    with pytest.raises(DomainError, match="public internet"):
        endpoint_create(
            organization=world.org,
            url="https://hooks.example.com/x",
            events=["round.finished"],
            created_by=world.admin,
        )


def test_an_endpoint_saved_while_private_addresses_were_allowed_is_refused_at_send(
    world: World, receiver: Receiver, settings, django_capture_on_commit_callbacks
) -> None:
    _, receiver.secret = endpoint_create(
        organization=world.org, url=receiver.url, events=["round.finished"], created_by=None
    )
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

    with django_capture_on_commit_callbacks(execute=True):
        event_emit(organization_id=world.org.pk, kind="round.finished", data={})

    delivery = Delivery.objects.get()
    assert receiver.requests == []
    assert delivery.status == Delivery.Status.FAILED  # no retry can make it public
    assert delivery.error == "The URL must start with https://."


def test_a_name_that_turns_private_between_check_and_connect_is_refused_on_the_socket(
    world: World, receiver: Receiver, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """DNS rebinding: the check saw a public address, the connection reaches a local one."""
    port = receiver.server.server_address[1]
    endpoint = Endpoint.objects.create(
        organization=world.org,
        url=f"https://127.0.0.1:{port}/hook",
        events=["round.finished"],
        secret=Endpoint.new_secret(),
    )
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = True  # sign-on's own setting does not open webhooks
    monkeypatch.setattr(
        addresses, "host_addresses", lambda host, port: {ipaddress.ip_address(PUBLIC)}
    )

    with django_capture_on_commit_callbacks(execute=True):
        event_emit(organization_id=world.org.pk, kind="round.finished", data={})

    delivery = Delivery.objects.get(endpoint=endpoint)
    assert receiver.requests == []
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error == "The address is not on the public internet."
